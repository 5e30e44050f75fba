#pragma once
// Expected failures of the storage engine, as std::error_code values.
//
// Storage functions return either one of these (category "kappa.storage") or
// an errno value in std::generic_category() when the operating system refused
// an operation (ENOSPC, EIO, ...).  to_kafka_error() maps both to the error
// code a response carries.

#include <system_error>

#include "kappa/protocol/error_code.h"

namespace kappa::storage {

enum class StorageErrc {
  kOffsetOutOfRange = 1,   // read/delete below the log start or above the end
  kInvalidBatch,           // bytes are not exactly one (or a run of) v2 batches
  kCorruptBatch,           // a batch failed validation (CRC, framing)
  kNonContiguousOffsets,   // follower batches do not increase past the log end
  kBatchTooLarge,          // one batch is larger than segment.bytes
  kLogFailed,              // an earlier failure left the log unusable
  kLogClosed,              // the log was closed or deleted
  kCorruptSegment,         // a segment's bytes do not parse as batches
  kCorruptIndex,           // an index file is damaged (rebuilt on open)
  kInvalidConfig,          // a LogConfig value is out of range
  kInvalidTopicPartition,  // not a Kafka-valid topic name or partition
  kCleaningAborted,        // the log changed while a cleaning round ran; result discarded
};

const std::error_category& storage_category();

inline std::error_code make_error_code(StorageErrc e) { return {static_cast<int>(e), storage_category()}; }

// The Kafka error code for a storage failure: OFFSET_OUT_OF_RANGE,
// CORRUPT_MESSAGE, KAFKA_STORAGE_ERROR (I/O errors, failed logs), ...
protocol::ErrorCode to_kafka_error(std::error_code ec);

}  // namespace kappa::storage

template <>
struct std::is_error_code_enum<kappa::storage::StorageErrc> : std::true_type {};

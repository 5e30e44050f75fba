#pragma once
// Errors of reading the records inside a batch, and the Kafka error code a
// broker answers for them (and for CompressionError).

#include <system_error>
#include <type_traits>

#include "kappa/protocol/error_code.h"

namespace kappa::protocol {

enum class RecordError {
  kBadBatchHeader = 1,   // short span, magic != 2, inconsistent batchLength or counts
  kMalformedRecord,      // a record's framing does not add up
  kRecordCountMismatch,  // fewer records than recordsCount, or bytes after the last one
  kBadOffsetDelta,       // offset deltas not increasing within [0, lastOffsetDelta]
};

const std::error_category& record_category();
inline std::error_code make_error_code(RecordError e) { return {static_cast<int>(e), record_category()}; }

// CORRUPT_MESSAGE for framing and decompression failures, INVALID_RECORD for
// inconsistent counts/offsets, MESSAGE_TOO_LARGE for output over the
// decompression limit (producers split the batch and retry),
// UNSUPPORTED_COMPRESSION_TYPE for unknown codecs; kNone for no error.
ErrorCode to_kafka_error(std::error_code ec);

}  // namespace kappa::protocol

template <>
struct std::is_error_code_enum<kappa::protocol::RecordError> : std::true_type {};

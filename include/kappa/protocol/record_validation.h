#pragma once
// Full validation of a produced batch, as Kafka does before appending:
// validate_batch (header, CRC-32C, framing of uncompressed records) and, for
// compressed batches, which validate_batch cannot look into, decompression
// plus the framing of every record. Offset deltas must be exactly
// 0, 1, ..., recordsCount - 1 since the batch is stored verbatim.

#include <cstdint>
#include <span>

#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_reader.h"

namespace kappa::protocol {

// `reader` provides the reusable decompression buffer and its size limit; it
// is left positioned at the end of the batch. Errors: those of
// validate_batch, then CORRUPT_MESSAGE / INVALID_RECORD / MESSAGE_TOO_LARGE /
// UNSUPPORTED_COMPRESSION_TYPE from to_kafka_error().
BatchValidation validate_batch_records(std::span<const uint8_t> batch, RecordReader& reader);

}  // namespace kappa::protocol

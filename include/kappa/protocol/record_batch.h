#pragma once
// RecordBatch (magic v2): the wire format of Produce/Fetch *and* the on-disk
// format of log segments.  Kappa stores client batches verbatim and patches
// only fields outside the CRC (base offset, partition leader epoch) or, for
// LogAppendTime topics, the max timestamp plus the CRC.
//
// Header layout (61 bytes, big-endian):
//   0 baseOffset i64 | 8 batchLength i32 (bytes after this field)
//  12 partitionLeaderEpoch i32 | 16 magic i8 (=2) | 17 crc u32 (CRC-32C of 21..end)
//  21 attributes i16 | 23 lastOffsetDelta i32 | 27 baseTimestamp i64
//  35 maxTimestamp i64 | 43 producerId i64 | 51 producerEpoch i16
//  53 baseSequence i32 | 57 recordsCount i32 | 61 records...
// attributes: bits 0-2 compression, 3 timestamp type (1 = LogAppendTime),
//             4 transactional, 5 control, 6 delete-horizon.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "kappa/protocol/error_code.h"

namespace kappa::protocol {

namespace batch_layout {
inline constexpr size_t kBaseOffset = 0;
inline constexpr size_t kBatchLength = 8;
inline constexpr size_t kPartitionLeaderEpoch = 12;
inline constexpr size_t kMagic = 16;
inline constexpr size_t kCrc = 17;
inline constexpr size_t kAttributes = 21;
inline constexpr size_t kLastOffsetDelta = 23;
inline constexpr size_t kBaseTimestamp = 27;
inline constexpr size_t kMaxTimestamp = 35;
inline constexpr size_t kProducerId = 43;
inline constexpr size_t kProducerEpoch = 51;
inline constexpr size_t kBaseSequence = 53;
inline constexpr size_t kRecordsCount = 57;
inline constexpr size_t kHeaderSize = 61;
// Bytes before batchLength's coverage starts: baseOffset + batchLength.
inline constexpr size_t kLogOverhead = 12;
}  // namespace batch_layout

enum class Compression : uint8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };

inline constexpr uint16_t kCompressionMask = 0x07;
inline constexpr uint16_t kTimestampTypeBit = 0x08;
inline constexpr uint16_t kTransactionalBit = 0x10;
inline constexpr uint16_t kControlBit = 0x20;
inline constexpr uint16_t kDeleteHorizonBit = 0x40;

// The decoded 61-byte header of one batch.
struct BatchHeader {
  int64_t base_offset = 0;
  int32_t batch_length = 0;
  int32_t partition_leader_epoch = -1;
  int8_t magic = 2;
  uint32_t crc = 0;
  uint16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t records_count = 0;

  size_t total_size() const { return batch_layout::kLogOverhead + static_cast<size_t>(batch_length); }
  int64_t last_offset() const { return base_offset + last_offset_delta; }
  int64_t next_offset() const { return last_offset() + 1; }
  Compression compression() const { return static_cast<Compression>(attributes & kCompressionMask); }
  bool log_append_time() const { return attributes & kTimestampTypeBit; }
  bool is_transactional() const { return attributes & kTransactionalBit; }
  bool is_control() const { return attributes & kControlBit; }
  bool has_producer_id() const { return producer_id >= 0; }
  // Last sequence number, wrapping past INT32_MAX to 0 as Kafka does.
  int32_t last_sequence() const;
};

// Reads the header fields without validating anything but the length of
// `bytes`; nullopt if fewer than kHeaderSize bytes are available.
std::optional<BatchHeader> peek_batch_header(std::span<const uint8_t> bytes);

// Length of the first batch in `bytes` if its 12-byte prefix is complete
// (baseOffset + batchLength); nullopt otherwise.  Does not validate.
std::optional<size_t> peek_batch_size(std::span<const uint8_t> bytes);

// CRC-32C (Castagnoli), hardware-accelerated through ISA-L.
uint32_t crc32c(std::span<const uint8_t> bytes, uint32_t seed = 0);

struct BatchValidation {
  ErrorCode error = ErrorCode::kNone;
  std::string message;  // human-readable reason when error != kNone
  BatchHeader header;
};

// Where a batch comes from, which decides how strictly validate_batch checks
// its offsets.
enum class BatchOrigin : uint8_t {
  // Sent by a producer: recordsCount == lastOffsetDelta + 1 and the records'
  // offset deltas are exactly 0, 1, 2, ... (Kafka's rule on produce).
  kProduced,
  // Read back from a log or replicated from a leader's log, where the log
  // cleaner may have removed records: recordsCount <= lastOffsetDelta + 1
  // (0 for a batch kept only for its producer id and sequence range) and
  // offset deltas need only strictly increase within [0, lastOffsetDelta].
  kStored,
};

// Validates exactly one complete batch spanning all of `batch`:
// magic 2, batchLength consistent with the span, records count consistent
// with lastOffsetDelta (as `origin` demands), a known compression codec, the
// CRC-32C, and for uncompressed batches the framing of every record.  Never
// reads out of bounds.
BatchValidation validate_batch(std::span<const uint8_t> batch, BatchOrigin origin = BatchOrigin::kProduced);

// Splits a record set into batches; calls fn(span) for each complete batch.
// Returns the number of bytes consumed (a trailing partial batch is left).
template <typename Fn>
size_t for_each_batch(std::span<const uint8_t> records, Fn&& fn) {
  size_t pos = 0;
  while (true) {
    auto size = peek_batch_size(records.subspan(pos));
    if (!size || *size > records.size() - pos) break;
    fn(records.subspan(pos, *size));
    pos += *size;
  }
  return pos;
}

// In-place patches of a batch held in writable memory.
void set_base_offset(std::span<uint8_t> batch, int64_t base_offset);
void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch);
// Sets the LogAppendTime attribute and maxTimestamp, then recomputes the CRC.
void set_log_append_time(std::span<uint8_t> batch, int64_t append_time_ms);

}  // namespace kappa::protocol

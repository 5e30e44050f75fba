#pragma once
// RecordBatchBuilder: builds one v2 record batch (layout in record_batch.h,
// records in record.h) from records appended one by one.
//
//   RecordBatchBuilder b({.compression = Compression::kLz4});
//   b.append(now_ms, "key", "value", {{"trace-id", "42"}});
//   std::vector<uint8_t> batch = b.finish();
//
// Offset deltas are 0, 1, 2, ...; baseTimestamp is the first record's
// timestamp, maxTimestamp the largest (or the log-append time);
// lastOffsetDelta, recordsCount and the CRC-32C are computed on finish().
// Used by producers (CLI), internal topics and tests. Not thread-safe.
//
// The log cleaner rewrites batches with some records removed: it appends the
// survivors with append_with_offset_delta() (their original deltas, leaving
// gaps), sets options().last_offset_delta so the batch still spans its
// original offsets, and may set delete_horizon_ms.  Such batches pass
// validate_batch(..., BatchOrigin::kStored) only; producers never build them.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <vector>

#include "kappa/protocol/bytes_view.h"
#include "kappa/protocol/control_record.h"
#include "kappa/protocol/record_batch.h"

namespace kappa::protocol {

struct BatchOptions {
  int64_t base_offset = 0;  // producers send 0; the leader assigns offsets
  int32_t partition_leader_epoch = -1;
  Compression compression = Compression::kNone;
  std::optional<int> compression_level = std::nullopt;  // see compress()
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  bool transactional = false;
  bool control = false;
  // Set: a LogAppendTime batch (attribute bit 3) whose maxTimestamp is this.
  std::optional<int64_t> log_append_time = std::nullopt;
  // Set: lastOffsetDelta (at least the last record's delta), so a batch
  // whose later records were compacted away keeps its offset range.
  std::optional<int32_t> last_offset_delta = std::nullopt;
  // Set: attribute bit 6, and baseTimestamp holds this delete horizon (the
  // time after which the log cleaner may drop the batch's tombstones);
  // record timestamps stay exact, their deltas are taken from it.  Must be
  // set before the first append.
  std::optional<int64_t> delete_horizon_ms = std::nullopt;
};

class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(BatchOptions options = {}) : options_(options) {}

  // Appends a record with the next offset delta. The bytes are copied.
  // Throws std::length_error if the batch would exceed 2 GiB or INT32_MAX records.
  void append(int64_t timestamp, BytesView key, BytesView value, std::span<const RecordHeader> headers = {});
  void append(int64_t timestamp, BytesView key, BytesView value,
              std::initializer_list<RecordHeader> headers) {
    append(timestamp, key, value, std::span<const RecordHeader>(headers.begin(), headers.size()));
  }

  // Appends a record at an explicit offset delta, larger than the previous
  // record's (gaps allowed); throws std::invalid_argument otherwise.  For
  // rewriting compacted batches; append() continues after the last delta.
  void append_with_offset_delta(int32_t offset_delta, int64_t timestamp, BytesView key, BytesView value,
                                std::span<const RecordHeader> headers = {});

  int32_t record_count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // Size of the batch if finished uncompressed now (header + records).
  size_t uncompressed_size() const { return batch_layout::kHeaderSize + records_.size(); }

  // Appends the finished batch to `out` (a record set may hold several) and
  // resets the builder for another batch with the same options. With no
  // records nothing is appended: Kafka has no use for an empty batch (but
  // see build_empty_batch).  Throws std::invalid_argument if
  // options().last_offset_delta is below the last record's delta.
  void finish_into(std::vector<uint8_t>& out);
  std::vector<uint8_t> finish();

  BatchOptions& options() { return options_; }
  const BatchOptions& options() const { return options_; }

 private:
  void write_header(uint8_t* batch, size_t size) const;

  BatchOptions options_;
  std::vector<uint8_t> records_;  // serialized, uncompressed
  int32_t count_ = 0;
  int32_t last_delta_ = -1;  // offset delta of the last record
  int64_t base_timestamp_ = -1;
  int64_t max_timestamp_ = -1;
};

// A batch without records that still occupies offsets
// [base_offset, base_offset + *options.last_offset_delta] (which must be
// set): what the log cleaner leaves of a batch whose records were all
// removed when its producer id, epoch and sequence range must survive (Kafka
// keeps the last batch of every producer).  As Kafka writes it: no payload,
// so compression none; baseTimestamp -1; maxTimestamp as given.
std::vector<uint8_t> build_empty_batch(const BatchOptions& options, int64_t max_timestamp);

// A transaction marker: the control batch a partition leader appends when a
// transaction commits or aborts.
struct TxnMarker {
  ControlRecordType type = ControlRecordType::kCommit;  // kCommit or kAbort
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t coordinator_epoch = 0;
  int64_t timestamp = 0;
};

// One control batch (transactional + control, baseSequence -1) holding the
// marker's single record, ready to append at `base_offset`.
std::vector<uint8_t> build_txn_marker_batch(const TxnMarker& marker, int64_t base_offset = 0,
                                            int32_t partition_leader_epoch = -1);

}  // namespace kappa::protocol

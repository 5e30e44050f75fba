#include "batch_cleaner.h"

namespace kappa::storage {

using protocol::BatchHeader;
using protocol::Record;

namespace {

bool has_delete_horizon(const BatchHeader& h) { return h.attributes & protocol::kDeleteHorizonBit; }

}  // namespace

bool BatchCleaner::keep(const Record& r, const BatchHeader& h, const BatchContext& context) {
  if (context.aborted) {
    ++stats_.aborted_removed;
    return false;
  }
  if (r.key.is_null()) {
    ++stats_.null_keys_removed;
    return false;
  }
  if (map_.get(r.key) > r.offset) {
    ++stats_.records_removed;
    return false;
  }
  if (r.value.is_null() && has_delete_horizon(h) && now_ms_ >= h.base_timestamp) {
    ++stats_.tombstones_removed;
    return false;
  }
  return true;
}

Result<CleanedBatch> BatchCleaner::clean(std::span<const uint8_t> batch, const BatchHeader& h,
                                         const BatchContext& context) {
  if (h.is_control()) {
    ++stats_.batches_copied;
    return CleanedBatch{BatchFate::kCopied, batch, std::nullopt};
  }
  if (reader_.open(batch)) return make_error_code(StorageErrc::kCorruptSegment);
  records_.clear();
  kept_.clear();
  size_t kept = 0;
  size_t kept_tombstones = 0;
  for (Record r; reader_.next(r);) {
    records_.push_back(r);
    kept_.push_back(keep(r, h, context));
    kept += kept_.back();
    kept_tombstones += kept_.back() && r.value.is_null();
  }
  if (reader_.error()) return make_error_code(StorageErrc::kCorruptSegment);

  std::optional<int64_t> horizon;
  if (kept_tombstones > 0 && has_delete_horizon(h)) {
    horizon = h.base_timestamp;
  } else if (kept_tombstones > 0 && context.dirty) {
    horizon = now_ms_ + delete_retention_ms_;
  }
  const bool stamp = horizon && !has_delete_horizon(h);
  if (kept == records_.size() && !stamp) {
    ++stats_.batches_copied;
    return CleanedBatch{BatchFate::kCopied, batch, horizon};
  }
  if (kept > 0) {
    rebuild(h, horizon);
    ++stats_.batches_rewritten;
    return CleanedBatch{BatchFate::kRewritten, out_, horizon};
  }
  if (context.last_of_producer && h.has_producer_id()) {
    out_ = protocol::build_empty_batch({.base_offset = h.base_offset,
                                        .partition_leader_epoch = h.partition_leader_epoch,
                                        .producer_id = h.producer_id,
                                        .producer_epoch = h.producer_epoch,
                                        .base_sequence = h.base_sequence,
                                        .transactional = h.is_transactional(),
                                        .log_append_time = h.log_append_time() ? std::optional(h.max_timestamp)
                                                                               : std::nullopt,
                                        .last_offset_delta = h.last_offset_delta},
                                       h.max_timestamp);
    ++stats_.empty_batches_kept;
    return CleanedBatch{BatchFate::kEmptied, out_, std::nullopt};
  }
  ++stats_.batches_dropped;
  return CleanedBatch{};
}

void BatchCleaner::rebuild(const BatchHeader& h, std::optional<int64_t> horizon) {
  builder_.options() = {.base_offset = h.base_offset,
                        .partition_leader_epoch = h.partition_leader_epoch,
                        .compression = h.compression(),
                        .producer_id = h.producer_id,
                        .producer_epoch = h.producer_epoch,
                        .base_sequence = h.base_sequence,
                        .transactional = h.is_transactional(),
                        .log_append_time = h.log_append_time() ? std::optional(h.max_timestamp) : std::nullopt,
                        .last_offset_delta = h.last_offset_delta,
                        .delete_horizon_ms = horizon};
  for (size_t i = 0; i < records_.size(); ++i) {
    if (!kept_[i]) continue;
    const Record& r = records_[i];
    record_headers_.assign(r.headers.begin(), r.headers.end());
    builder_.append_with_offset_delta(r.offset_delta, r.timestamp, r.key, r.value, record_headers_);
  }
  out_.clear();
  builder_.finish_into(out_);
}

}  // namespace kappa::storage

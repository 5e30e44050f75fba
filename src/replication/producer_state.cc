#include "kappa/replication/producer_state.h"

namespace kappa::replication {

using protocol::ErrorCode;

int32_t next_sequence(int32_t sequence) { return sequence == INT32_MAX ? 0 : sequence + 1; }

SequenceCheck ProducerStateManager::check(const protocol::BatchHeader& b) const {
  SequenceCheck out;
  if (!b.has_producer_id()) return out;
  if (b.base_sequence < 0) {
    out.error = ErrorCode::kInvalidRecord;  // an idempotent batch must carry sequences
    return out;
  }
  auto it = producers_.find(b.producer_id);
  if (it == producers_.end() || b.producer_epoch > it->second.epoch) {
    if (b.base_sequence != 0) out.error = ErrorCode::kOutOfOrderSequenceNumber;
    return out;
  }
  const ProducerEntry& p = it->second;
  if (b.producer_epoch < p.epoch) {
    out.error = ErrorCode::kInvalidProducerEpoch;
    return out;
  }
  for (const auto& prev : p.batches) {
    if (prev.first_sequence == b.base_sequence && prev.last_sequence == b.last_sequence()) {
      out.duplicate_of = prev;
      return out;
    }
  }
  if (p.batches.empty()) {
    // Known epoch but no batches (e.g. only a marker): a fresh start is fine.
    if (b.base_sequence != 0) out.error = ErrorCode::kOutOfOrderSequenceNumber;
    return out;
  }
  if (b.base_sequence != next_sequence(p.batches.back().last_sequence)) {
    out.error = ErrorCode::kOutOfOrderSequenceNumber;
  }
  return out;
}

void ProducerStateManager::record(const protocol::BatchHeader& b) {
  if (!b.has_producer_id()) return;
  ProducerEntry& p = producers_[b.producer_id];
  if (b.producer_epoch != p.epoch) {
    p.epoch = b.producer_epoch;
    p.batches.clear();
  }
  if (b.is_control() || b.base_sequence < 0) return;
  p.batches.push_back({b.base_sequence, b.last_sequence(), b.base_offset, b.last_offset(), b.max_timestamp});
  while (p.batches.size() > kMaxBatches) p.batches.pop_front();
}

std::error_code ProducerStateManager::rebuild(const storage::Log& log) {
  producers_.clear();
  return log.for_each_batch_header(log.log_start_offset(), [&](const protocol::BatchHeader& h) { record(h); });
}

const ProducerEntry* ProducerStateManager::find(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  return it == producers_.end() ? nullptr : &it->second;
}

}  // namespace kappa::replication

#include "kappa/replication/partition.h"

#include <algorithm>

#include <fmt/format.h>

#include "kappa/storage/errors.h"

namespace kappa::replication {

using protocol::ErrorCode;

Partition::Partition(storage::TopicPartition tp, protocol::Uuid topic_id, std::shared_ptr<storage::Log> log,
                     int32_t local_broker)
    : tp_(std::move(tp)), topic_id_(topic_id), log_(std::move(log)), local_broker_(local_broker) {}

void Partition::update_state(const metadata::PartitionState& state) {
  const bool became_leader = state.leader == local_broker_ &&
                             (state_.leader != local_broker_ || state.leader_epoch != state_.leader_epoch);
  state_ = state;
  if (became_leader) {
    // A new leader starts its epoch at its log end (KIP-101).
    (void)log_->assign_epoch(LeaderEpoch(state.leader_epoch), log_->log_end_offset());
  }
  maybe_advance_high_watermark();
  notify_waiters();
}

ErrorCode Partition::check_leader_epoch(int32_t current_leader_epoch) const {
  if (current_leader_epoch < 0) return ErrorCode::kNone;
  if (current_leader_epoch < state_.leader_epoch) return ErrorCode::kFencedLeaderEpoch;
  if (current_leader_epoch > state_.leader_epoch) return ErrorCode::kUnknownLeaderEpoch;
  return ErrorCode::kNone;
}

AppendOutcome Partition::append_as_leader(std::span<uint8_t> batch, int16_t required_acks,
                                          int32_t min_insync_replicas) {
  AppendOutcome out;
  if (!is_leader()) {
    out.error = ErrorCode::kNotLeaderOrFollower;
    out.message = fmt::format("broker {} is not the leader of {}", local_broker_, fmt::format("{}", tp_));
    return out;
  }
  if (required_acks == -1 && static_cast<int32_t>(state_.isr.size()) < min_insync_replicas) {
    out.error = ErrorCode::kNotEnoughReplicas;
    out.message = fmt::format("the in-sync replicas ({}) are fewer than min.insync.replicas ({})", state_.isr.size(),
                              min_insync_replicas);
    return out;
  }
  auto appended = log_->append(batch, LeaderEpoch(state_.leader_epoch));
  if (!appended) {
    out.error = storage::to_kafka_error(appended.error());
    out.message = appended.error().message();
    return out;
  }
  out.result = *appended;
  maybe_advance_high_watermark();
  notify_waiters();
  return out;
}

ReadOutcome Partition::read(int64_t offset, size_t max_bytes, bool up_to_log_end, bool min_one_batch) const {
  ReadOutcome out;
  out.high_watermark = log_->high_watermark();
  out.log_start_offset = log_->log_start_offset();
  out.log_end_offset = log_->log_end_offset();
  const int64_t limit = up_to_log_end ? out.log_end_offset : out.high_watermark;
  if (offset > limit && offset <= out.log_end_offset) {
    // Between the high watermark and the log end: nothing visible yet.
    out.records = protocol::Records::empty();
    return out;
  }
  auto r = log_->read(offset, max_bytes, limit, min_one_batch);
  if (!r) {
    out.error = storage::to_kafka_error(r.error());
    return out;
  }
  out.records = std::move(*r);
  return out;
}

void Partition::maybe_advance_high_watermark() {
  // With this broker the only in-sync replica, everything appended is
  // replicated; the replica set logic extends this for followers.
  if (!is_leader()) return;
  if (state_.isr.size() == 1 && state_.isr.front() == local_broker_) {
    if (log_->log_end_offset() > log_->high_watermark()) log_->update_high_watermark(log_->log_end_offset());
  }
}

void Partition::add_waiter(PartitionWaiter* w) { waiters_.push_back(w); }

void Partition::remove_waiter(PartitionWaiter* w) {
  waiters_.erase(std::remove(waiters_.begin(), waiters_.end(), w), waiters_.end());
}

void Partition::notify_waiters() {
  // Copy: a notified waiter may be removed (not by notify itself) before we finish.
  auto waiters = waiters_;
  for (auto* w : waiters) w->notify();
}

}  // namespace kappa::replication

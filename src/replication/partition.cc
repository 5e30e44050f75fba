#include "kappa/replication/partition.h"

#include <algorithm>

#include <fmt/format.h>

#include "kappa/common/log.h"
#include "kappa/storage/errors.h"

namespace kappa::replication {

using protocol::ErrorCode;

namespace {
auto& logger() {
  static auto l = logging::get("replication");
  return l;
}
}  // namespace

Partition::Partition(storage::TopicPartition tp, protocol::Uuid topic_id, std::shared_ptr<storage::Log> log,
                     int32_t local_broker, const Clock& clock)
    : tp_(std::move(tp)), topic_id_(topic_id), log_(std::move(log)), local_broker_(local_broker), clock_(clock) {}

std::error_code Partition::load() { return producers_.rebuild(*log_); }

std::vector<int32_t> Partition::followers() const {
  std::vector<int32_t> out;
  for (int32_t r : state_.replicas) {
    if (r != local_broker_) out.push_back(r);
  }
  return out;
}

void Partition::update_state(const metadata::PartitionState& state) {
  const bool was_leader = has_state_ && is_leader();
  const bool epoch_changed = !has_state_ || state.leader_epoch != state_.leader_epoch;
  const bool changed = !has_state_ || state.partition_epoch != state_.partition_epoch || epoch_changed;
  state_ = state;
  has_state_ = true;
  if (is_leader()) {
    if (!was_leader || epoch_changed) {
      become_leader();
    } else if (changed) {
      tracker_.reset(followers(), clock_.monotonic_ms());  // keeps known progress
      for (const auto& [broker, epoch] : broker_epochs_) tracker_.on_broker_epoch(broker, epoch);
    }
    if (changed) pending_isr_.reset();  // the controller answered (or a new epoch began)
  } else if (is_follower() && (was_leader || epoch_changed)) {
    phase_ = FollowerPhase::kTruncating;  // find the divergence with the new leader first
    pending_isr_.reset();
  }
  maybe_advance_high_watermark();
  notify_waiters();
}

void Partition::become_leader() {
  epoch_start_offset_ = log_->log_end_offset();
  // A new leader starts its epoch at its log end (KIP-101).
  if (auto ec = log_->assign_epoch(LeaderEpoch(state_.leader_epoch), epoch_start_offset_)) {
    logger()->warn("[{}] cannot record leader epoch {}: {}", fmt::format("{}", tp_), state_.leader_epoch,
                  ec.message());
  }
  tracker_.clear();  // progress from an earlier term is stale
  tracker_.reset(followers(), clock_.monotonic_ms());
  for (const auto& [broker, epoch] : broker_epochs_) tracker_.on_broker_epoch(broker, epoch);
  logger()->info("[{}] leader in epoch {} from offset {}", fmt::format("{}", tp_), state_.leader_epoch,
                epoch_start_offset_);
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
  auto header = protocol::peek_batch_header(batch);
  auto check = producers_.check(*header);
  if (check.error != ErrorCode::kNone) {
    out.error = check.error;
    out.message = fmt::format("producer {} epoch {} sequence {}: {}", header->producer_id, header->producer_epoch,
                              header->base_sequence, protocol::error_name(check.error));
    return out;
  }
  if (check.duplicate_of) {
    out.duplicate = true;
    out.result.base_offset = check.duplicate_of->base_offset;
    out.result.last_offset = check.duplicate_of->last_offset;
    out.result.log_start_offset = log_->log_start_offset();
    return out;
  }
  auto appended = log_->append(batch, LeaderEpoch(state_.leader_epoch));
  if (!appended) {
    out.error = storage::to_kafka_error(appended.error());
    out.message = appended.error().message();
    return out;
  }
  out.result = *appended;
  producers_.record(*protocol::peek_batch_header(batch));  // now with its offsets
  maybe_advance_high_watermark();
  notify_waiters();
  return out;
}

void Partition::update_broker_epochs(const std::map<int32_t, int64_t>& broker_epochs) {
  broker_epochs_ = broker_epochs;
  for (const auto& [broker, epoch] : broker_epochs_) tracker_.on_broker_epoch(broker, epoch);
}

int64_t Partition::tracked_broker_epoch(int32_t follower) const {
  const auto* p = tracker_.progress(follower);
  return p ? p->broker_epoch : -1;
}

bool Partition::record_follower_fetch(int32_t follower, int64_t fetch_offset) {
  // The tracker already holds each follower's broker epoch (update_broker_epochs).
  if (!tracker_.on_fetch(follower, fetch_offset, log_->log_end_offset(), clock_.monotonic_ms())) return false;
  if (maybe_advance_high_watermark()) notify_waiters();
  return true;
}

std::optional<std::vector<int32_t>> Partition::wanted_isr(int64_t lag_max_ms) const {
  if (!is_leader() || pending_isr_) return std::nullopt;
  return tracker_.propose_isr(state_.replicas, state_.isr, local_broker_, high_watermark(), epoch_start_offset_,
                              clock_.monotonic_ms(), lag_max_ms);
}

std::optional<ErrorCode> Partition::acks_all_outcome(int64_t end_offset, int32_t min_insync_replicas) const {
  if (!is_leader()) return ErrorCode::kNotLeaderOrFollower;
  // Kafka's rule: the ISR that committed the records must still be at least
  // min.insync.replicas strong.  (A shrink to the leader alone moves the high
  // watermark to its log end at once: that is no acknowledgement.)
  if (static_cast<int32_t>(state_.isr.size()) < min_insync_replicas) return ErrorCode::kNotEnoughReplicasAfterAppend;
  if (high_watermark() >= end_offset) return ErrorCode::kNone;
  return std::nullopt;
}

void Partition::isr_change_sent(std::optional<std::vector<int32_t>> isr) { pending_isr_ = std::move(isr); }

EpochAnswer Partition::end_offset_for_epoch(int32_t epoch) const {
  auto e = log_->end_offset_for_epoch(LeaderEpoch(epoch));
  if (is_leader() && e.epoch.value() == state_.leader_epoch) e.end_offset = log_->log_end_offset();
  return {e.epoch.value(), e.end_offset};
}

int32_t Partition::latest_local_epoch() const {
  auto latest = log_->leader_epochs().latest_epoch();
  return latest ? latest->value() : -1;
}

void Partition::resettle_divergence() {
  if (is_follower()) phase_ = FollowerPhase::kTruncating;
}

std::error_code Partition::truncate_after_divergence(int32_t asked_epoch, EpochAnswer leader_answer,
                                                     int32_t asked_in_leader_epoch) {
  if (asked_in_leader_epoch >= 0 && asked_in_leader_epoch != state_.leader_epoch) return {};  // a stale answer
  const int64_t end = log_->log_end_offset();
  const int64_t target = truncation_offset(asked_epoch, leader_answer, end, log_->high_watermark(), [&](int32_t e) {
    return log_->end_offset_for_epoch(LeaderEpoch(e)).end_offset;
  });
  // KIP-279: the leader answered with an older epoch that this log does not
  // have either (its own largest epoch below it is older still).  Records of
  // that older local epoch may diverge from the leader's before `target`:
  // truncate to where it ends here, then ask again with it.
  bool ask_again = false;
  if (leader_answer.epoch >= 0 && leader_answer.end_offset >= 0 && leader_answer.epoch < asked_epoch) {
    ask_again = log_->end_offset_for_epoch(LeaderEpoch(leader_answer.epoch)).epoch.value() != leader_answer.epoch;
  }
  if (target < end) {
    logger()->info("[{}] truncating from {} to {} (leader epoch {} ends at {})", fmt::format("{}", tp_), end, target,
                  leader_answer.epoch, leader_answer.end_offset);
    if (auto ec = log_->truncate_to(target)) return ec;
    if (auto ec = producers_.rebuild(*log_)) return ec;
  }
  // Each further round asks about an older local epoch, so this ends.
  const int32_t latest = latest_local_epoch();
  phase_ = ask_again && latest >= 0 && latest < asked_epoch ? FollowerPhase::kTruncating : FollowerPhase::kFetching;
  return {};
}

std::error_code Partition::restart_at(int64_t leader_log_start) {
  logger()->info("[{}] leader starts at {}, beyond our log end {}: starting over there", fmt::format("{}", tp_),
                leader_log_start, log_->log_end_offset());
  if (auto ec = log_->truncate_fully_and_start_at(leader_log_start)) return ec;
  producers_.clear();
  return {};
}

ErrorCode Partition::append_as_follower(std::span<const uint8_t> batches, int64_t leader_high_watermark) {
  if (!batches.empty()) {
    const int64_t from = log_->log_end_offset();
    auto appended = log_->append_as_follower(batches);
    if (!appended) return storage::to_kafka_error(appended.error());
    protocol::for_each_batch(batches, [&](std::span<const uint8_t> b) {
      auto h = protocol::peek_batch_header(b);
      if (h && h->base_offset >= from) producers_.record(*h);
    });
  }
  const int64_t hw = std::min(leader_high_watermark, log_->log_end_offset());
  if (hw > log_->high_watermark()) log_->update_high_watermark(hw);
  notify_waiters();
  return ErrorCode::kNone;
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

bool Partition::maybe_advance_high_watermark() {
  if (!is_leader()) return false;
  // The in-sync set for the high watermark includes members of an ISR
  // change in flight (the "maximal" ISR), so it never passes a new member:
  // the smaller of the two sets' high watermarks is their union's.
  const int64_t end = log_->log_end_offset(), current = log_->high_watermark();
  int64_t hw = tracker_.high_watermark(state_.isr, local_broker_, end, current);
  if (pending_isr_) hw = std::min(hw, tracker_.high_watermark(*pending_isr_, local_broker_, end, current));
  if (hw <= current) return false;
  log_->update_high_watermark(hw);
  return true;
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

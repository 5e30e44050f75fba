#pragma once
// Partition: one partition replica hosted by this broker — its log, its
// role (leader or follower) and epochs from the metadata log, its high
// watermark, its producers' sequence state, and the requests waiting for it
// to change.
//
// Leader: appends client batches (after the idempotence check), tracks
// each follower's fetch progress, advances the high watermark to the
// smallest log end offset of the in-sync replicas, and proposes ISR changes.
// Follower: after each leadership change first truncates its divergent
// tail (phase kTruncating, resolved with the leader's OffsetsForLeaderEpoch
// answer), then appends the leader's batches byte for byte (kFetching).
//
// Invariants: log_start_offset <= high_watermark <= log_end_offset; while
// this broker leads an epoch the high watermark never decreases; consumers
// only see records below it.  Not thread-safe: the broker's event loop.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kappa/common/clock.h"
#include "kappa/metadata/metadata_image.h"
#include "kappa/protocol/error_code.h"
#include "kappa/protocol/records.h"
#include "kappa/protocol/uuid.h"
#include "kappa/replication/follower_truncation.h"
#include "kappa/replication/producer_state.h"
#include "kappa/replication/replica_tracker.h"
#include "kappa/storage/log.h"

namespace kappa::replication {

// Something waiting for a partition to change (new data, a higher high
// watermark, a leadership change).  notify() must not remove the waiter.
class PartitionWaiter {
 public:
  virtual ~PartitionWaiter() = default;
  virtual void notify() = 0;
};

struct AppendOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
  storage::AppendResult result;
  bool duplicate = false;  // a retried batch: acknowledged with its original offsets
};

struct ReadOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  protocol::Records records;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  int64_t log_end_offset = -1;
};

enum class FollowerPhase { kTruncating, kFetching };

class Partition {
 public:
  Partition(storage::TopicPartition tp, protocol::Uuid topic_id, std::shared_ptr<storage::Log> log,
            int32_t local_broker, const Clock& clock = SystemClock::instance());

  // Rebuilds the producers' sequence state from the log.
  std::error_code load();

  const storage::TopicPartition& topic_partition() const { return tp_; }
  const protocol::Uuid& topic_id() const { return topic_id_; }
  storage::Log& log() { return *log_; }
  const storage::Log& log() const { return *log_; }
  std::shared_ptr<storage::Log> shared_log() const { return log_; }
  int32_t local_broker() const { return local_broker_; }

  // Applies the partition's committed metadata (leader, ISR, epochs).
  void update_state(const metadata::PartitionState& state);
  const metadata::PartitionState& state() const { return state_; }
  bool is_leader() const { return state_.leader == local_broker_; }
  bool is_follower() const { return !is_leader() && state_.has_replica(local_broker_); }
  int32_t leader_epoch() const { return state_.leader_epoch; }

  // A request's view of the leader epoch (-1 = not given):
  // FENCED_LEADER_EPOCH when older than ours, UNKNOWN_LEADER_EPOCH when newer.
  protocol::ErrorCode check_leader_epoch(int32_t current_leader_epoch) const;

  // --- leader ---
  // Appends one validated client batch held in writable memory.
  AppendOutcome append_as_leader(std::span<uint8_t> batch, int16_t required_acks, int32_t min_insync_replicas);
  // A follower fetched at `fetch_offset` (its log end): updates its progress
  // and the high watermark.  False when `follower` is not a replica.
  bool record_follower_fetch(int32_t follower, int64_t fetch_offset);
  // The ISR this leader should ask the controller for; nullopt when the ISR
  // is right or a change is already in flight.
  std::optional<std::vector<int32_t>> wanted_isr(int64_t lag_max_ms) const;
  // An AlterPartition carrying `isr` was sent (or failed: nullopt).
  void isr_change_sent(std::optional<std::vector<int32_t>> isr);
  bool isr_change_in_flight() const { return pending_isr_.has_value(); }
  // OffsetsForLeaderEpoch: the end of `epoch` in this log (the largest epoch <= it).
  EpochAnswer end_offset_for_epoch(int32_t epoch) const;

  // --- follower ---
  FollowerPhase follower_phase() const { return phase_; }
  // The latest leader epoch in this replica's log (-1 if none).
  int32_t latest_local_epoch() const;
  // Truncates to where the leader's answer puts the divergence, then fetches.
  std::error_code truncate_after_divergence(int32_t asked_epoch, EpochAnswer leader_answer);
  // The leader's log ends before ours within the same epoch (OFFSET_OUT_OF_RANGE
  // at our log end): find the divergence point again before fetching.
  void restart_truncation() { phase_ = FollowerPhase::kTruncating; }
  // The leader's log starts after our log end: restart empty at its start.
  std::error_code restart_at(int64_t leader_log_start);
  // Appends batches fetched from the leader and follows its high watermark.
  protocol::ErrorCode append_as_follower(std::span<const uint8_t> batches, int64_t leader_high_watermark);

  // --- both ---
  ReadOutcome read(int64_t offset, size_t max_bytes, bool up_to_log_end, bool min_one_batch) const;
  int64_t high_watermark() const { return log_->high_watermark(); }
  // Without transactions the last stable offset is the high watermark.
  int64_t last_stable_offset() const { return high_watermark(); }
  const ProducerStateManager& producers() const { return producers_; }

  void add_waiter(PartitionWaiter* w);
  void remove_waiter(PartitionWaiter* w);
  // Wakes every waiter (new data, a moved high watermark, a role change).
  void notify_waiters();

 private:
  void become_leader();
  void maybe_advance_high_watermark();
  std::vector<int32_t> followers() const;

  storage::TopicPartition tp_;
  protocol::Uuid topic_id_;
  std::shared_ptr<storage::Log> log_;
  int32_t local_broker_;
  const Clock& clock_;
  metadata::PartitionState state_;
  bool has_state_ = false;
  ReplicaTracker tracker_;
  ProducerStateManager producers_;
  FollowerPhase phase_ = FollowerPhase::kTruncating;
  int64_t epoch_start_offset_ = 0;            // the log end when this leader's epoch began
  std::optional<std::vector<int32_t>> pending_isr_;  // an AlterPartition in flight
  std::vector<PartitionWaiter*> waiters_;
};

}  // namespace kappa::replication

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
#include <map>
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
  // The replicas' registered broker epochs from the same metadata: a
  // follower that registered again (restarted) must report its progress
  // anew before it can rejoin the ISR.
  void update_broker_epochs(const std::map<int32_t, int64_t>& broker_epochs);
  // The broker epoch under which the leader tracked `follower`'s progress
  // (-1: unknown), for AlterPartition's new ISR with epochs.
  int64_t tracked_broker_epoch(int32_t follower) const;
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
  // acks=all: the outcome of a produce whose records end before `end_offset`
  // (its last offset + 1): kNone once the high watermark reached it (every
  // in-sync replica has the records) with an ISR of at least
  // min.insync.replicas; NOT_ENOUGH_REPLICAS_AFTER_APPEND while the ISR is
  // smaller (Kafka's rule); NOT_LEADER_OR_FOLLOWER when this broker no longer
  // leads; nullopt while it must keep waiting.
  std::optional<protocol::ErrorCode> acks_all_outcome(int64_t end_offset, int32_t min_insync_replicas) const;
  // OffsetsForLeaderEpoch: the end of `epoch` in this log (the largest epoch <= it).
  EpochAnswer end_offset_for_epoch(int32_t epoch) const;

  // --- follower ---
  FollowerPhase follower_phase() const { return phase_; }
  // The latest leader epoch in this replica's log (-1 if none).
  int32_t latest_local_epoch() const;
  // Truncates to where the leader's answer puts the divergence, then fetches
  // (kFetching) — or, when the leader answered with an older epoch this log
  // lacks too, stays kTruncating to ask again about its own older epoch
  // (KIP-279's further rounds).
  // `asked_in_leader_epoch` (when >= 0) is this replica's leader epoch when
  // it asked: an answer to a question asked before a later leadership change
  // came from an old leader and is ignored (the phase stays kTruncating, so
  // the new leader is asked).
  std::error_code truncate_after_divergence(int32_t asked_epoch, EpochAnswer leader_answer,
                                            int32_t asked_in_leader_epoch = -1);
  // The leader is behind this replica's log end in the same epoch
  // (OFFSET_OUT_OF_RANGE on a fetch): settle the divergence again.
  void resettle_divergence();
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
  // Moves the high watermark up to what the in-sync replicas have; true if it moved
  // (the caller wakes the waiters).
  bool maybe_advance_high_watermark();
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
  std::map<int32_t, int64_t> broker_epochs_;  // replicas' registered broker epochs
};

}  // namespace kappa::replication

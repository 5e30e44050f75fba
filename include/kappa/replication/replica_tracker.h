#pragma once
// ReplicaTracker: a partition leader's view of its followers (Kafka's
// Replica/ReplicaState), fed by the follower fetches it serves.  Pure logic
// with explicit time, so it runs unchanged in the replication simulation.
//
// Caught-up rule (Kafka's): a fetch at offset F at time t means the
// follower had everything the leader had at t if F >= the leader's log end
// at t; if F only reaches the leader's log end as of the follower's previous
// fetch, it was caught up as of that previous fetch.
//
// High watermark: the smallest log end offset among the in-sync replicas
// (the leader's own included); it never decreases.  A follower whose ISR
// addition is in flight counts as in-sync for the high watermark, so the
// high watermark never moves past what a new ISR member holds.
//
// ISR changes are proposals; the controller commits them (AlterPartition).
//   shrink: an ISR follower not caught up within replica.lag.time.max.ms;
//   expand: a follower, fetching within replica.lag.time.max.ms, whose log
//           end reached the high watermark and the start of the leader's epoch.
//
// Progress belongs to one incarnation of a follower (KIP-903): each fetch is
// recorded with the follower's broker epoch as the leader's metadata shows
// it, and a new broker epoch (the follower restarted and registered again,
// possibly having lost unflushed records) forgets what the previous one
// reported.  A proposal names the broker epoch its members were tracked
// under, so the controller can refuse a member that restarted meanwhile.

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace kappa::replication {

struct FollowerProgress {
  int64_t log_end_offset = -1;          // -1 until its first fetch
  int64_t last_caught_up_ms = 0;
  int64_t last_fetch_ms = -1;             // -1: never fetched
  int64_t leader_end_at_last_fetch = -1;
  int64_t broker_epoch = -1;            // the incarnation this progress belongs to (-1: unknown)
};

class ReplicaTracker {
 public:
  // The leader (re)starts tracking `followers`; followers it did not track
  // yet are considered caught up as of `now_ms` so none is removed before it
  // had a chance; the others keep their progress and timestamps.
  void reset(const std::vector<int32_t>& followers, int64_t now_ms);
  // Forgets every follower's progress: a new leader epoch must not trust log
  // end offsets reported in an earlier term (the followers may have
  // truncated since), or the high watermark could pass records they lack.
  void clear() { followers_.clear(); }
  // A fetch from `follower` at `fetch_offset`; `leader_end` is the leader's
  // log end offset now.  Returns false for an unknown follower.
  // `broker_epoch` is the follower's registered broker epoch (-1: unknown).
  bool on_fetch(int32_t follower, int64_t fetch_offset, int64_t leader_end, int64_t now_ms,
                int64_t broker_epoch = -1);
  // The metadata shows `follower` registered with `broker_epoch`: progress
  // reported under another epoch is forgotten.
  void on_broker_epoch(int32_t follower, int64_t broker_epoch);

  // The smallest log end offset of `in_sync` (the leader counts with
  // `leader_end`); never below `current` (the high watermark is monotonic).
  int64_t high_watermark(const std::vector<int32_t>& in_sync, int32_t leader, int64_t leader_end,
                         int64_t current) const;

  // The ISR the leader should ask for, or nullopt to keep `isr`.
  std::optional<std::vector<int32_t>> propose_isr(const std::vector<int32_t>& replicas, const std::vector<int32_t>& isr,
                                                  int32_t leader, int64_t high_watermark, int64_t epoch_start_offset,
                                                  int64_t now_ms, int64_t lag_max_ms) const;

  const FollowerProgress* progress(int32_t follower) const;

 private:
  std::map<int32_t, FollowerProgress> followers_;
};

}  // namespace kappa::replication

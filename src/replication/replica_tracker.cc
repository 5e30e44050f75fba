#include "kappa/replication/replica_tracker.h"

#include <algorithm>

namespace kappa::replication {

void ReplicaTracker::reset(const std::vector<int32_t>& followers, int64_t now_ms) {
  std::map<int32_t, FollowerProgress> next;
  for (int32_t f : followers) {
    auto it = followers_.find(f);
    if (it != followers_.end()) {
      // Keep what we know, timestamps included: restarting the clock of a
      // follower that stopped fetching (e.g. a dead broker) on every ISR
      // change would make it look caught up and ask to add it back.
      next[f] = it->second;
      continue;
    }
    FollowerProgress p;
    p.last_caught_up_ms = now_ms;
    next[f] = p;
  }
  followers_ = std::move(next);
}

void ReplicaTracker::on_broker_epoch(int32_t follower, int64_t broker_epoch) {
  auto it = followers_.find(follower);
  if (it == followers_.end() || broker_epoch < 0 || it->second.broker_epoch == broker_epoch) return;
  FollowerProgress& p = it->second;
  if (p.broker_epoch >= 0) {
    // A new incarnation: what the old one fetched may be gone (an unclean restart).
    p.log_end_offset = -1;
    p.leader_end_at_last_fetch = -1;
  }
  p.broker_epoch = broker_epoch;
}

bool ReplicaTracker::on_fetch(int32_t follower, int64_t fetch_offset, int64_t leader_end, int64_t now_ms,
                              int64_t broker_epoch) {
  auto it = followers_.find(follower);
  if (it == followers_.end()) return false;
  on_broker_epoch(follower, broker_epoch);
  FollowerProgress& p = it->second;
  if (fetch_offset >= leader_end) {
    p.last_caught_up_ms = std::max(p.last_caught_up_ms, now_ms);
  } else if (p.leader_end_at_last_fetch >= 0 && fetch_offset >= p.leader_end_at_last_fetch) {
    p.last_caught_up_ms = std::max(p.last_caught_up_ms, p.last_fetch_ms);
  }
  p.log_end_offset = fetch_offset;
  p.leader_end_at_last_fetch = leader_end;
  p.last_fetch_ms = now_ms;
  return true;
}

int64_t ReplicaTracker::high_watermark(const std::vector<int32_t>& in_sync, int32_t leader, int64_t leader_end,
                                       int64_t current) const {
  int64_t hw = leader_end;
  for (int32_t r : in_sync) {
    if (r == leader) continue;
    auto it = followers_.find(r);
    // An in-sync follower we have not heard from yet holds the high watermark where it is.
    const int64_t end = it == followers_.end() ? -1 : it->second.log_end_offset;
    hw = std::min(hw, end < 0 ? current : end);
  }
  return std::max(hw, current);
}

std::optional<std::vector<int32_t>> ReplicaTracker::propose_isr(const std::vector<int32_t>& replicas,
                                                                const std::vector<int32_t>& isr, int32_t leader,
                                                                int64_t high_watermark, int64_t epoch_start_offset,
                                                                int64_t now_ms, int64_t lag_max_ms) const {
  std::vector<int32_t> next;
  for (int32_t r : replicas) {
    const bool in_isr = std::find(isr.begin(), isr.end(), r) != isr.end();
    if (r == leader) {
      next.push_back(r);
      continue;
    }
    auto it = followers_.find(r);
    if (it == followers_.end()) {
      if (in_isr) next.push_back(r);  // not tracked (yet): leave it alone
      continue;
    }
    const FollowerProgress& p = it->second;
    if (in_isr) {
      if (now_ms - p.last_caught_up_ms <= lag_max_ms) next.push_back(r);
    } else if (p.log_end_offset >= high_watermark && p.log_end_offset >= epoch_start_offset &&
               now_ms - p.last_caught_up_ms <= lag_max_ms && p.last_fetch_ms >= 0 &&
               now_ms - p.last_fetch_ms <= lag_max_ms) {
      // Joins only while it is fetching: Kafka expands the ISR on a follower's fetch.
      next.push_back(r);
    }
  }
  auto sorted_next = next, sorted_isr = isr;
  std::sort(sorted_next.begin(), sorted_next.end());
  std::sort(sorted_isr.begin(), sorted_isr.end());
  if (sorted_next == sorted_isr) return std::nullopt;
  return next;
}

const FollowerProgress* ReplicaTracker::progress(int32_t follower) const {
  auto it = followers_.find(follower);
  return it == followers_.end() ? nullptr : &it->second;
}

}  // namespace kappa::replication

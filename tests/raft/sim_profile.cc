#include "raft/sim_profile.h"

#include <initializer_list>

#include <fmt/format.h>

namespace kappa::raft::sim {

FaultProfile draw_fault_profile(std::mt19937_64& rng, int64_t election_timeout_ms) {
  auto pick = [&](std::initializer_list<double> xs) { return *(xs.begin() + rng() % xs.size()); };
  FaultProfile p;
  p.network.drop_rate = pick({0, 0.01, 0.05, 0.2});
  p.network.duplicate_rate = pick({0, 0.02, 0.1});
  p.network.max_delay_ms = static_cast<int64_t>(pick({2, 10, 50}));
  p.network.long_delay_rate = pick({0, 0.01, 0.05});
  p.network.long_delay_ms = 3 * election_timeout_ms;
  p.crashes_per_s = pick({0, 0.05, 0.3});
  p.partitions_per_s = pick({0, 0.05, 0.2});
  p.transfers_per_s = pick({0, 0.05, 0.2});
  p.proposals_per_s = pick({1, 5, 30});
  p.crash_in_persist_rate = pick({0, 0.01});
  p.max_downtime_ms = static_cast<int64_t>(pick({100, 3000, 10000}));
  p.compact_every = static_cast<int64_t>(pick({3, 10, 50}));
  // Small appends make a new leader ship old-term entries ahead of its no-op.
  p.max_append_entries = static_cast<size_t>(pick({1, 1, 4, 16}));
  p.leader_bias = pick({0, 0.5});
  p.crash_new_leader = pick({0, 0.1, 0.2, 0.3});
  p.crash_leader_on_commit = pick({0, 0.05, 0.1, 0.1});
  p.crash_after_vote = pick({0, 0, 0.1, 0.3});
  return p;
}

std::string describe(const FaultProfile& p) {
  return fmt::format(
      "drop={} dup={} delay<={}ms long={} crash/s={} partition/s={} transfer/s={} propose/s={} "
      "crash-in-persist={} downtime<={}ms compact-every={} max-append={} leader-bias={} crash-new-leader={} "
      "crash-leader-on-commit={} crash-after-vote={}",
      p.network.drop_rate, p.network.duplicate_rate, p.network.max_delay_ms, p.network.long_delay_rate,
      p.crashes_per_s, p.partitions_per_s, p.transfers_per_s, p.proposals_per_s, p.crash_in_persist_rate,
      p.max_downtime_ms, p.compact_every, p.max_append_entries, p.leader_bias, p.crash_new_leader,
      p.crash_leader_on_commit, p.crash_after_vote);
}

}  // namespace kappa::raft::sim

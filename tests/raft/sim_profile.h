#pragma once
// The fault profile of one simulation seed: how hostile the network, the
// disks and the operators are.  Drawn from the seed, so some seeds are calm
// and some brutal, and each knob is sometimes off entirely.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>

#include "raft/sim_network.h"

namespace kappa::raft::sim {

struct FaultProfile {
  NetworkFaults network;
  double crashes_per_s = 0;
  double partitions_per_s = 0;
  double transfers_per_s = 0;
  double proposals_per_s = 0;
  double crash_in_persist_rate = 0;  // per Ready that writes
  int64_t max_downtime_ms = 0;
  int64_t compact_every = 0;  // applied entries between snapshots
  size_t max_append_entries = 0;
  double leader_bias = 0;  // share of crashes and isolations aimed at the leader
  // Chances that a leader crashes right after it is elected, or right after
  // its commit index moves (taking its last messages with it): the moments
  // where a new leader's first entries and the commit rule are fragile.
  double crash_new_leader = 0;
  double crash_leader_on_commit = 0;
  double crash_after_vote = 0;  // right after granting a vote: vote durability
};

FaultProfile draw_fault_profile(std::mt19937_64& rng, int64_t election_timeout_ms);
std::string describe(const FaultProfile& p);

}  // namespace kappa::raft::sim

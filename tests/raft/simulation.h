#pragma once
// A deterministic simulation of a raft quorum: real RaftNodes, a simulated
// clock, network (sim_network.h) and disks (MemoryRaftStorage), all driven by
// one generator seeded from the seed, so a failing seed replays exactly.
//
// A run has two phases.  During the fault phase the simulation injects
// message drops, duplicates and long delays, symmetric and asymmetric
// partitions that heal, crashes (some in the middle of persisting a Ready,
// before its fsync) followed by restarts from what was durable, leadership
// transfers, compactions, and client proposals at random times.  Fault rates
// are drawn per seed, so some seeds are calm and some are brutal.  Then the
// network heals and every node comes back: within liveness_bound_ms a leader
// must be elected and a new proposal must be applied on every node.
// SimChecker checks safety throughout.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kappa/raft/memory_storage.h"
#include "kappa/raft/raft_node.h"
#include "raft/sim_checker.h"
#include "raft/sim_network.h"
#include "raft/sim_profile.h"
#include "raft/sim_trace.h"

namespace kappa::raft::sim {

inline constexpr int64_t kTickMs = 10;     // each node ticks this often
inline constexpr int64_t kControlMs = 10;  // faults and clients act this often
inline constexpr int64_t kFullCheckMs = 1000;
inline constexpr int64_t kLivenessProposalMs = 200;
// Messages a crashing node sent this recently die with it (send buffers).
inline constexpr int64_t kSendBufferMs = 5;

struct SimOptions {
  uint64_t seed = 1;
  int voters = 3;
  int observers = 1;
  int64_t fault_phase_ms = 120'000;
  int64_t liveness_bound_ms = 20'000;
  int64_t election_timeout_ms = 1000;
  int64_t heartbeat_interval_ms = 100;
};

struct SimStats {
  int64_t committed = 0;  // highest committed index
  int64_t leaders = 0;    // terms that had a leader
  int64_t crashes = 0;
  int64_t partitions = 0;
  int64_t snapshots_installed = 0;
  int64_t recovery_ms = 0;  // heal to the liveness proposal applied everywhere
  int64_t messages = 0;
};

struct SimResult {
  bool ok = true;
  std::string failure;  // with the seed and a trace tail
  SimStats stats;
};

class Simulation {
 public:
  explicit Simulation(SimOptions options);
  ~Simulation();
  SimResult run();

  // For the assertion hook: the seed and the trace tail of the running sim.
  std::string describe_failure(const std::string& what) const;

 private:
  // One simulated machine: its disk survives crashes, the rest does not.
  struct Node {
    int id = 0;
    RaftConfig config;
    MemoryRaftStorage storage;
    std::unique_ptr<RaftNode> raft;
    SimApp app;
    int64_t next_tick_ms = 0;
    int64_t restart_at_ms = -1;
    Role traced_role = Role::kFollower;
    Term traced_term{0};
    int64_t seen_commit = 0;
    Term seen_leader_term{-1};
  };

  void step_until(int64_t end_ms, bool faults);
  void control(bool faults);
  void inject_faults();
  void deliver(Message m);
  void drive(Node& n);
  void crash(Node& n, bool in_persist);
  void restart(Node& n);
  void partition();
  void heal_everything();
  void propose_from_client();
  bool liveness_reached();
  Node* leader();
  bool chance(double p);
  int64_t uniform(int64_t lo, int64_t hi);

  SimOptions options_;
  std::mt19937_64 rng_;
  FaultProfile profile_;
  std::vector<std::unique_ptr<Node>> nodes_;  // [i] has id i + 1
  SimNetwork network_;
  SimChecker checker_;
  Trace trace_;
  SimStats stats_;
  int64_t now_ms_ = 0;
  bool faults_on_ = true;
  int64_t partition_until_ms_ = -1;
  uint64_t proposals_ = 0;
  struct Pending {
    int64_t index;
    Term term;
    uint64_t hash;
  };
  std::vector<Pending> liveness_proposals_;
};

}  // namespace kappa::raft::sim

#pragma once
// Deterministic simulation of one partition replicated on three brokers
// (real storage::Log and replication::Partition each, see sim_broker.h)
// under a simulated controller (sim_controller.h), an idempotent producer
// (sim_client.h) and a lossy, reordering, partitionable network
// (sim_network.h), all on virtual time from one seeded generator: a seed
// replays exactly.
//
// A run has a fault phase — process crashes, power losses that cut a log
// back to its last fsync, network partitions and cut links, message loss,
// delays and reordering, at rates drawn from the seed — and then a heal
// phase in which everything is repaired and the cluster must converge.
// The invariants (sim_checker.h) are checked along the way and at the end.
//
// Power loss is injected only where Kafka's replication promises to
// survive it: the broker restarts at once and re-registers (so it leaves
// the ISR before it can be elected), and never while it is the ISR's only
// member (acknowledged records would then exist nowhere else; KIP-966).

#include <cstdint>
#include <memory>
#include <string>

#include "replication/sim_options.h"

namespace kappa::replication::sim {

struct SimWorld;

struct SimStats {
  int64_t acked_records = 0;
  int64_t acked_batches = 0;
  int64_t crashes = 0;
  int64_t power_losses = 0;
  int64_t partitions = 0;
  int64_t leader_epochs = 0;
  int64_t messages = 0;
  int64_t events = 0;
};

struct SimResult {
  bool ok = true;
  std::string failure;
  SimStats stats;
};

class ReplicationSim {
 public:
  explicit ReplicationSim(SimOptions options);
  ~ReplicationSim();

  SimResult run();
  // The seed, the options drawn from it and the trace tail.
  std::string describe(const std::string& why) const;

 private:
  void draw_faults();
  void inject_fault();
  void heal_everything();
  void check_logs();
  bool failed() const;

  std::unique_ptr<SimWorld> w_;
  SimStats stats_;
  double crash_rate_ = 0, power_loss_rate_ = 0, partition_rate_ = 0;
  int64_t fault_gap_min_ms_ = 200, fault_gap_max_ms_ = 1500;
  std::string drawn_;
};

}  // namespace kappa::replication::sim

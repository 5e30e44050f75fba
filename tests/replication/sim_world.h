#pragma once
// Everything one replication simulation run shares: options, virtual time,
// the seeded generator, the network, the controller, the brokers, the
// client, the checker and the trace.  Owned by ReplicationSim.

#include <memory>
#include <vector>

#include "kappa/common/clock.h"
#include "replication/sim_checker.h"
#include "replication/sim_controller.h"
#include "replication/sim_events.h"
#include "replication/sim_network.h"
#include "replication/sim_options.h"
#include "replication/sim_trace.h"

namespace kappa::replication::sim {

class SimBroker;
class SimClient;

inline constexpr int64_t kProducerId = 1000;

struct SimWorld {
  explicit SimWorld(SimOptions o);
  ~SimWorld();

  SimBroker& broker(int32_t id) { return *brokers[static_cast<size_t>(id - 1)]; }
  // How many running brokers' logs hold the producer batch starting with
  // sequence `first_sequence` at `base_offset`.
  int holders(int64_t base_offset, int32_t first_sequence) const;
  int64_t now() const { return queue.now(); }

  SimOptions options;
  ManualClock clock;
  EventQueue queue{clock};
  SimRandom rng;
  SimNetwork net{queue, rng};
  SimTrace trace;
  SimController controller{options, clock};
  SimChecker checker{kProducerId};
  std::vector<std::unique_ptr<SimBroker>> brokers;  // broker id i at index i - 1
  std::unique_ptr<SimClient> client;
  // Drawn per seed.
  size_t fetch_max_bytes = 1 << 20;
  int64_t flush_min_ms = 50, flush_max_ms = 500;
};

}  // namespace kappa::replication::sim

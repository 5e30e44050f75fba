#pragma once
// Knobs of one replication simulation run.  Fault rates are drawn from the
// seed (replication_sim.cc), so some seeds are calm and some brutal.

#include <cstdint>
#include <filesystem>

namespace kappa::replication::sim {

struct SimOptions {
  uint64_t seed = 1;
  int brokers = 3;
  int32_t min_insync_replicas = 2;
  int64_t fault_phase_ms = 10'000;  // faults are injected during this phase
  int64_t heal_phase_ms = 5'000;    // then everything heals and must converge
  int64_t replica_lag_max_ms = 1'000;
  int64_t session_timeout_ms = 1'500;
  int64_t heartbeat_ms = 250;
  int64_t request_timeout_ms = 1'000;
  int64_t isr_check_ms = 100;
  std::filesystem::path dir;  // a fresh directory for the brokers' logs
};

}  // namespace kappa::replication::sim

// Deterministic simulation of the metadata quorum (see simulation.h).
//
//   KAPPA_SIM_SEED=<n>     run only seed n (prints its stats and trace tail)
//   KAPPA_SIM_SEEDS=<k>    run k seeds per configuration (soak runs)
//   KAPPA_SIM_KEEP_GOING=1 do not stop at the first failing seed; count them
#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kappa/common/assert.h"
#include "kappa/common/log.h"
#include "raft/simulation.h"

namespace kappa::raft::sim {
namespace {

constexpr uint64_t kDefaultSeeds = 1500;

const Simulation* g_running = nullptr;

void print_running_simulation() {
  if (g_running) fmt::print(stderr, "{}", g_running->describe_failure("assertion failed in raft"));
}

std::optional<uint64_t> env_number(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::stoull(v);
}

struct Totals {
  int64_t seeds = 0, committed = 0, leaders = 0, crashes = 0, partitions = 0, installs = 0, messages = 0;
  int64_t max_recovery_ms = 0;
};

// Runs the seeds for one configuration; returns false (after printing) on
// the first failure.
void run_seeds(const char* test, int voters, int observers) {
  logging::configure("raft=off");
  set_assertion_hook(&print_running_simulation);
  std::optional<uint64_t> only = env_number("KAPPA_SIM_SEED");
  uint64_t count = env_number("KAPPA_SIM_SEEDS").value_or(kDefaultSeeds);
  uint64_t first = only.value_or(1);
  uint64_t last = only ? *only : count;
  bool keep_going = env_number("KAPPA_SIM_KEEP_GOING").value_or(0) != 0;
  int64_t failures = 0;
  Totals totals;
  auto start = std::chrono::steady_clock::now();
  for (uint64_t seed = first; seed <= last; ++seed) {
    Simulation sim(SimOptions{.seed = seed, .voters = voters, .observers = observers});
    g_running = &sim;
    SimResult r = sim.run();
    g_running = nullptr;
    if (only) fmt::print("{}", sim.describe_failure(r.ok ? "passed (trace for inspection)" : r.failure));
    if (!r.ok) {
      ADD_FAILURE() << r.failure << "reproduce: KAPPA_SIM_SEED=" << seed
                    << " build-raft/tests/raft_tests --gtest_filter=Simulation." << test;
      ++failures;
      if (!keep_going) break;
      continue;
    }
    ++totals.seeds;
    totals.committed += r.stats.committed;
    totals.leaders += r.stats.leaders;
    totals.crashes += r.stats.crashes;
    totals.partitions += r.stats.partitions;
    totals.installs += r.stats.snapshots_installed;
    totals.messages += r.stats.messages;
    totals.max_recovery_ms = std::max(totals.max_recovery_ms, r.stats.recovery_ms);
  }
  set_assertion_hook(nullptr);
  logging::configure("info");
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(
      "[ sim      ] {} voters + {} observer(s): {} seeds in {:.1f} s; {} entries committed, {} leaders, {} "
      "crashes, "
      "{} partitions, {} snapshot installs, {} messages; slowest recovery after healing {} ms; {} failed\n",
      voters, observers, totals.seeds, secs, totals.committed, totals.leaders, totals.crashes,
      totals.partitions, totals.installs, totals.messages, totals.max_recovery_ms, failures);
}

TEST(Simulation, three_voters_and_an_observer) { run_seeds("three_voters_and_an_observer", 3, 1); }

TEST(Simulation, five_voters_and_an_observer) { run_seeds("five_voters_and_an_observer", 5, 1); }

TEST(Simulation, a_seed_replays_exactly) {
  logging::configure("raft=off");
  auto describe = [](uint64_t seed) {
    Simulation sim(SimOptions{.seed = seed, .voters = 3, .observers = 1, .fault_phase_ms = 10'000});
    SimResult r = sim.run();
    return sim.describe_failure(fmt::format("{} {} {}", r.ok, r.stats.committed, r.stats.messages));
  };
  EXPECT_EQ(describe(42), describe(42));
  EXPECT_NE(describe(42), describe(43));
  logging::configure("info");
}

}  // namespace
}  // namespace kappa::raft::sim

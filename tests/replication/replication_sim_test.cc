// Deterministic simulation of partition replication (see replication_sim.h).
//
//   KAPPA_TEST_SEED=<n>         run only seed n and print its trace tail
//   KAPPA_SIM_SEEDS=<k>         run k seeds (default kDefaultSeeds; soak runs)
//   KAPPA_SIM_KEEP_GOING=1      count every failing seed instead of stopping at the first
//   KAPPA_SIM_BUDGET_S=<s>      stop starting new seeds after s seconds of wall time
//                               (default kDefaultBudgetS, so a slow or busy CI machine
//                               stays bounded; 0 = no limit).  Seeds always run in order
//                               from 1, and each one replays exactly on its own.
#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "kappa/common/log.h"
#include "replication/replication_sim.h"

namespace kappa::replication::sim {
namespace {

constexpr uint64_t kDefaultSeeds = 2000;
constexpr uint64_t kDefaultBudgetS = 50;

SimOptions options_for(uint64_t seed) {
  SimOptions o;
  o.seed = seed;
  return o;
}

std::optional<uint64_t> env_number(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::stoull(v);
}

TEST(ReplicationSim, seeds) {
  logging::configure("off");
  const std::optional<uint64_t> only = env_number("KAPPA_TEST_SEED");
  const uint64_t count = env_number("KAPPA_SIM_SEEDS").value_or(kDefaultSeeds);
  const bool keep_going = env_number("KAPPA_SIM_KEEP_GOING").value_or(0) != 0;
  const uint64_t first = only.value_or(1), last = only ? *only : count;
  const uint64_t budget_s = env_number("KAPPA_SIM_BUDGET_S").value_or(kDefaultBudgetS);
  SimStats totals;
  int64_t seeds = 0, failures = 0;
  const auto start = std::chrono::steady_clock::now();
  bool out_of_time = false;
  for (uint64_t seed = first; seed <= last; ++seed) {
    if (budget_s > 0 && std::chrono::steady_clock::now() - start > std::chrono::seconds(budget_s)) {
      out_of_time = true;
      break;
    }
    ReplicationSim sim(options_for(seed));
    SimResult r = sim.run();
    ++seeds;
    if (only) fmt::print("{}", sim.describe(r.ok ? "passed (trace for inspection)" : r.failure));
    if (!r.ok) {
      ++failures;
      ADD_FAILURE() << sim.describe(r.failure) << "reproduce: KAPPA_TEST_SEED=" << seed
                    << " build/tests/replication_tests --gtest_filter=ReplicationSim.seeds";
      if (!keep_going) break;
    }
    totals.acked_records += r.stats.acked_records;
    totals.crashes += r.stats.crashes;
    totals.power_losses += r.stats.power_losses;
    totals.partitions += r.stats.partitions;
    totals.leader_epochs += r.stats.leader_epochs;
    totals.messages += r.stats.messages;
    totals.events += r.stats.events;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print(
      "[ sim      ] {} seeds{} ({} failed) in {:.1f} s: {} records acknowledged, {} crashes, {} power losses, {} "
      "network partitions, {} leader elections, {} messages, {} events\n",
      seeds, out_of_time ? fmt::format(" of {} (time budget {} s reached)", count, budget_s) : "", failures, secs, totals.acked_records, totals.crashes, totals.power_losses, totals.partitions,
      totals.leader_epochs, totals.messages, totals.events);
}

// The same seed gives the same run: the trace and the statistics match.
TEST(ReplicationSim, a_seed_replays_exactly) {
  logging::configure("off");
  auto once = [] {
    ReplicationSim sim(options_for(7));
    auto r = sim.run();
    return fmt::format("{} {} {} {} {}|{}", r.ok, r.stats.acked_records, r.stats.messages, r.stats.events,
                       r.stats.leader_epochs, sim.describe(""));
  };
  EXPECT_EQ(once(), once());
}

}  // namespace
}  // namespace kappa::replication::sim

#pragma once
// The two load generators behind `kappa perf`.

#include <memory>
#include <string>

#include "kappa/cli.h"
#include "kappa/perf_report.h"
#include "kappa/producer_flags.h"

namespace kappa::cli {

struct PerfOptions {
  std::string topic;
  int64_t num_records = 0;
  int record_size = 100;
  double throughput = -1;  // records/s; <= 0: as fast as possible
  bool json = false;
  int64_t idle_timeout_ms = 10'000;
  int32_t partition_max_bytes = 1 << 20;  // consume: Fetch's per-partition byte limit
  ProducerFlags flags;
};

awaitable<int> perf_produce(client::Client& client, PerfOptions o, client::ProducerOptions options);
awaitable<int> perf_consume(client::Client& client, PerfOptions o);

// Prints progress_line() every second while `stats` is alive and *running,
// if stdout is a terminal.
void start_progress(asio::any_io_executor ex, std::shared_ptr<PerfStats> stats, std::shared_ptr<bool> running);
// The summary as text or JSON on stdout.
void print_summary(const PerfStats& stats, bool json, bool progress_shown);

}  // namespace kappa::cli

// kappa perf produce|consume: registration and the shared reporting.
#include "kappa/perf.h"

#include <unistd.h>

#include <cstdio>

namespace kappa::cli {
namespace {

awaitable<void> progress_loop(std::shared_ptr<PerfStats> stats, std::shared_ptr<bool> running) {
  asio::steady_timer tick(co_await asio::this_coro::executor);
  while (*running) {
    tick.expires_after(std::chrono::seconds(1));
    co_await tick.async_wait(use_tuple);
    if (!*running) break;
    auto line = progress_line(*stats);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
  }
}

}  // namespace

void start_progress(asio::any_io_executor ex, std::shared_ptr<PerfStats> stats, std::shared_ptr<bool> running) {
  if (!::isatty(STDOUT_FILENO)) return;
  asio::co_spawn(ex, progress_loop(std::move(stats), std::move(running)), asio::detached);
}

void print_summary(const PerfStats& stats, bool json, bool progress_shown) {
  if (progress_shown && ::isatty(STDOUT_FILENO)) std::fputs("\r\x1b[K", stdout);
  if (json) {
    print_json(summary_json(stats));
  } else {
    auto text = summary_text(stats);
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  std::fflush(stdout);
}

void add_perf_commands(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto* perf = app.add_subcommand("perf", "Load generators: produce or consume N records and report throughput and latency");
  perf->require_subcommand(1);
  auto o = std::make_shared<PerfOptions>();

  auto* produce = perf->add_subcommand("produce", "Produce N records of S bytes; latency is send to acknowledgement");
  produce->add_option("--topic", o->topic, "Topic")->required();
  produce->add_option("--num-records", o->num_records, "Records to send")->required()->check(CLI::PositiveNumber);
  produce->add_option("--record-size", o->record_size, "Value size in bytes")->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  produce->add_option("--throughput", o->throughput, "Target records/s (default: unlimited)");
  add_producer_flags(produce, o->flags);
  produce->add_option("--max-in-flight", o->flags.max_in_flight, "Produce requests in flight per partition")
      ->capture_default_str()->check(CLI::Range(1, 100));
  produce->add_flag("--json", o->json, "Final summary as one JSON document");
  produce->callback([&g, &action, o] {
    action = [&g, o] {
      auto options = producer_options(o->flags);
      return run_with_client(g, [o, options](client::Client& c) { return perf_produce(c, *o, options); });
    };
  });

  auto* consume = perf->add_subcommand("consume", "Consume N records from the beginning; latency is per fetch");
  consume->add_option("--topic", o->topic, "Topic")->required();
  consume->add_option("--num-records", o->num_records, "Records to read")->required()->check(CLI::PositiveNumber);
  consume->add_option("--timeout-ms", o->idle_timeout_ms, "Fail after this long without records")
      ->capture_default_str();
  consume->add_option("--partition-max-bytes", o->partition_max_bytes,
                      "Bytes per partition per Fetch (Kafka's max.partition.fetch.bytes)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 30));
  consume->add_flag("--json", o->json, "Final summary as one JSON document");
  consume->callback([&g, &action, o] {
    action = [&g, o] { return run_with_client(g, [o](client::Client& c) { return perf_consume(c, *o); }); };
  });
}

}  // namespace kappa::cli

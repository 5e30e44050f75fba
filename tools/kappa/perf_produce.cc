// kappa perf produce: N records of S bytes, optionally paced, latency from
// send() to the acknowledgement callback.
#include <random>

#include "kappa/client/producer.h"
#include "kappa/perf.h"

namespace kappa::cli {

awaitable<int> perf_produce(client::Client& client, PerfOptions o, client::ProducerOptions options) {
  auto topic = co_await find_topic(client, o.topic);
  if (!topic) co_return fail(topic.error());
  o.flags.max_in_flight = std::max(1, o.flags.max_in_flight);
  options.max_in_flight = o.flags.max_in_flight;
  std::string payload(static_cast<size_t>(o.record_size), 'x');
  std::mt19937 rng(42);
  for (auto& c : payload) c = static_cast<char>('A' + rng() % 26);

  auto stats = std::make_shared<PerfStats>();
  stats->what = "produce";
  auto running = std::make_shared<bool>(true);
  auto failure = std::make_shared<std::optional<client::Error>>();
  start_progress(client.executor(), stats, running);
  options.delivery_timeout = client.options().retry.total;  // --timeout bounds every record
  client::Producer producer(client, options);
  const auto start = std::chrono::steady_clock::now();
  asio::steady_timer pace(client.executor());
  const uint64_t size = payload.size();
  for (int64_t i = 0; i < o.num_records && !*failure; ++i) {
    if (o.throughput > 0) {
      auto due = start + std::chrono::microseconds(static_cast<int64_t>(1e6 * static_cast<double>(i) / o.throughput));
      if (due > std::chrono::steady_clock::now() + std::chrono::milliseconds(1)) {
        pace.expires_at(due);
        co_await pace.async_wait(use_tuple);
      }
    }
    client::ProducerRecord record;
    record.topic = o.topic;
    record.value = payload;
    const auto sent = std::chrono::steady_clock::now();
    client::DeliveryCallback on_ack = [stats, failure, sent, size](const client::Result<client::RecordMetadata>& r) {
      if (!r) {
        ++stats->errors;
        if (!*failure) *failure = r.error();
        return;
      }
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - sent);
      stats->latency.record(static_cast<uint64_t>(us.count()));
      ++stats->records;
      stats->bytes += size;
    };
    auto queued = co_await producer.send(std::move(record), std::move(on_ack));
    if (!queued) *failure = queued.error();
  }
  (void)co_await producer.close();
  *running = false;
  print_summary(*stats, o.json, true);
  if (*failure) co_return fail(**failure);
  co_return kExitOk;
}

}  // namespace kappa::cli

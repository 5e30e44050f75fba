// kappa perf consume: reads N records from the beginning of every partition;
// latency is the round trip of each poll (one Fetch per leader).
#include <fmt/format.h>

#include <algorithm>

#include "kappa/client/consumer.h"
#include "kappa/perf.h"

namespace kappa::cli {

awaitable<int> perf_consume(client::Client& client, PerfOptions o) {
  auto topic = co_await find_topic(client, o.topic);
  if (!topic) co_return fail(topic.error());
  std::vector<std::pair<client::TopicPartition, client::StartAt>> wanted;
  for (const auto& p : topic->partitions) {
    wanted.emplace_back(client::TopicPartition{o.topic, p.partition}, client::StartAt::earliest());
  }
  client::ConsumerOptions options;
  options.max_wait = std::chrono::milliseconds(100);
  options.partition_max_bytes = o.partition_max_bytes;
  options.max_bytes = std::max(options.max_bytes, o.partition_max_bytes);
  client::Consumer consumer(client, options);
  if (auto r = co_await consumer.assign(std::move(wanted)); !r) co_return fail(r.error());

  auto stats = std::make_shared<PerfStats>();
  stats->what = "consume";
  auto running = std::make_shared<bool>(true);
  start_progress(client.executor(), stats, running);
  auto last_record = std::chrono::steady_clock::now();
  std::optional<std::string> failure;
  while (stats->records < static_cast<uint64_t>(o.num_records)) {
    const auto sent = std::chrono::steady_clock::now();
    auto records = co_await consumer.poll();
    const auto now = std::chrono::steady_clock::now();
    if (!records) {
      failure = records.error().to_string();
      break;
    }
    stats->latency.record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(now - sent).count()));
    for (const auto& r : *records) {
      ++stats->records;
      stats->bytes += (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
    }
    if (!records->empty()) last_record = now;
    if (now - last_record > std::chrono::milliseconds(o.idle_timeout_ms)) {
      failure = fmt::format("only {} of {} records after {} ms without new ones", stats->records, o.num_records,
                            o.idle_timeout_ms);
      break;
    }
  }
  *running = false;
  print_summary(*stats, o.json, true);
  if (failure) co_return fail(*failure);
  co_return kExitOk;
}

}  // namespace kappa::cli

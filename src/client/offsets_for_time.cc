#include "kappa/client/offsets_for_time.h"

#include <fmt/format.h>

#include "kappa/client/admin.h"
#include "kappa/client/consumer.h"

namespace kappa::client {

awaitable<Result<std::map<int32_t, int64_t>>> offsets_for_time(Client& client, const std::string& topic, int64_t ms) {
  Admin admin(client);
  std::vector<int32_t> all;
  auto ends = co_await admin.list_offsets(topic, all, OffsetQuery::latest());
  if (!ends) co_return ends.error();
  auto found = co_await admin.list_offsets(topic, all, OffsetQuery::at_time(ms));
  if (!found) co_return found.error();

  std::map<int32_t, int64_t> out;
  std::map<int32_t, int64_t> end_of;
  std::vector<std::pair<TopicPartition, StartAt>> to_scan;
  for (const auto& [p, e] : *ends) {
    end_of[p] = e.offset;
    auto f = found->find(p);
    const int64_t at = f == found->end() ? -1 : f->second.offset;
    if (at < 0 || at >= e.offset) {
      out[p] = e.offset;  // nothing at/after the time
    } else {
      to_scan.emplace_back(TopicPartition{topic, p}, StartAt::offset(at));
    }
  }
  if (to_scan.empty()) co_return out;

  ConsumerOptions options;
  options.max_wait = std::chrono::milliseconds(100);
  Consumer consumer(client, options);
  size_t pending = to_scan.size();
  auto assigned = co_await consumer.assign(std::move(to_scan));
  if (!assigned) co_return assigned.error();
  const auto deadline = std::chrono::steady_clock::now() + client.options().retry.total;
  while (pending > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      co_return client_error(ClientErrc::kTimedOut, "",
                             fmt::format("reading {} to find offsets for time {} took too long", topic, ms));
    }
    auto records = co_await consumer.poll();
    if (!records) co_return records.error();
    for (const auto& r : *records) {
      if (out.contains(r.partition) || r.timestamp < ms) continue;
      out[r.partition] = r.offset;
      consumer.unassign(TopicPartition{topic, r.partition});
      --pending;
    }
    for (const auto& tp : consumer.assignment()) {
      auto pos = consumer.position(tp);
      if (pos && *pos >= end_of[tp.partition] && !out.contains(tp.partition)) {
        out[tp.partition] = end_of[tp.partition];
        consumer.unassign(tp);
        --pending;
      }
    }
  }
  co_return out;
}

}  // namespace kappa::client

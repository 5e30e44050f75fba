// kappa topics describe: partitions (leader, replicas, ISR, offline
// replicas), the topic's own (non-default) configs, and sizes: log start
// and end offsets per partition, the record count between them, and the
// bytes on disk of the leader's replica (DescribeLogDirs to each leader).
#include <iostream>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kappa/cli.h"
#include "kappa/client/admin.h"

namespace kappa::cli {
namespace {

using client::Admin;
using client::Client;
using client::TopicInfo;

struct TopicReport {
  const TopicInfo* info = nullptr;
  std::map<std::string, std::string> configs;  // overrides only
  std::map<int32_t, int64_t> start;
  std::map<int32_t, int64_t> end;
  std::map<int32_t, int64_t> size_bytes;  // the leader's replica; absent if unknown

  int64_t size(int32_t p) const { return size_bytes.count(p) ? size_bytes.at(p) : -1; }
  int64_t size() const {
    int64_t total = 0;
    for (const auto& [p, b] : size_bytes) total += b;
    return total;
  }

  int64_t messages(int32_t p) const {
    auto s = start.find(p), e = end.find(p);
    return s == start.end() || e == end.end() ? 0 : std::max<int64_t>(0, e->second - s->second);
  }
  int64_t messages() const {
    int64_t total = 0;
    for (const auto& p : info->partitions) total += messages(p.partition);
    return total;
  }
};

boost::json::array ids(const std::vector<int32_t>& v) { return boost::json::array(v.begin(), v.end()); }

boost::json::object to_json(const TopicReport& r) {
  boost::json::array partitions;
  for (const auto& p : r.info->partitions) {
    partitions.push_back({{"partition", p.partition},
                          {"leader", p.leader},
                          {"leader_epoch", p.leader_epoch},
                          {"replicas", ids(p.replicas)},
                          {"isr", ids(p.isr)},
                          {"offline_replicas", ids(p.offline_replicas)},
                          {"log_start_offset", r.start.count(p.partition) ? r.start.at(p.partition) : -1},
                          {"log_end_offset", r.end.count(p.partition) ? r.end.at(p.partition) : -1},
                          {"messages", r.messages(p.partition)},
                          {"size_bytes", r.size(p.partition)}});
  }
  boost::json::object configs;
  for (const auto& [k, v] : r.configs) configs[k] = v;
  const size_t rf = r.info->partitions.empty() ? 0 : r.info->partitions.front().replicas.size();
  return {{"name", r.info->name},           {"topic_id", r.info->id.to_string()},
          {"internal", r.info->internal},   {"partition_count", r.info->partition_count()},
          {"replication_factor", rf},       {"configs", configs},
          {"messages", r.messages()},       {"size_bytes", r.size()},
          {"partitions", partitions}};
}

void print_text(const TopicReport& r) {
  std::vector<std::string> configs;
  for (const auto& [k, v] : r.configs) configs.push_back(k + "=" + v);
  const size_t rf = r.info->partitions.empty() ? 0 : r.info->partitions.front().replicas.size();
  std::cout << fmt::format(
      "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tMessages: {}\tSize: {}\tConfigs: {}\n",
      r.info->name, r.info->id.to_string(), r.info->partition_count(), rf, r.messages(), r.size(),
      fmt::join(configs, ","));
  for (const auto& p : r.info->partitions) {
    std::cout << fmt::format(
        "\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}\tOffline: {}\tLogStartOffset: {}\tLogEndOffset: {}\tMessages: {}"
        "\tSize: {}\n",
        p.partition, p.leader >= 0 ? std::to_string(p.leader) : "none", fmt::join(p.replicas, ","),
        fmt::join(p.isr, ","), fmt::join(p.offline_replicas, ","),
        r.start.count(p.partition) ? std::to_string(r.start.at(p.partition)) : "?",
        r.end.count(p.partition) ? std::to_string(r.end.at(p.partition)) : "?", r.messages(p.partition),
        r.size_bytes.count(p.partition) ? std::to_string(r.size(p.partition)) : "?");
  }
}

// Offsets of partitions that have a leader; leaderless ones are left out.
awaitable<client::Result<std::map<int32_t, int64_t>>> offsets(Admin& admin, const TopicInfo& t, client::OffsetQuery q) {
  std::vector<int32_t> led;
  for (const auto& p : t.partitions) {
    if (p.has_leader()) led.push_back(p.partition);
  }
  std::map<int32_t, int64_t> out;
  if (led.empty()) co_return out;
  auto r = co_await admin.list_offsets(t.name, led, q);
  if (!r) co_return r.error();
  for (const auto& [p, o] : *r) out[p] = o.offset;
  co_return out;
}

// Bytes on disk of each partition's leader replica. Best effort: a leader
// that cannot answer leaves its partitions' sizes unknown.
awaitable<std::map<int32_t, int64_t>> leader_sizes(Admin& admin, const TopicInfo& t) {
  std::map<int32_t, std::vector<int32_t>> by_leader;
  for (const auto& p : t.partitions) {
    if (p.has_leader()) by_leader[p.leader].push_back(p.partition);
  }
  std::map<int32_t, int64_t> out;
  for (const auto& [leader, partitions] : by_leader) {
    auto sizes = co_await admin.log_sizes(leader, t.name, partitions);
    if (sizes) out.insert(sizes->begin(), sizes->end());
  }
  co_return out;
}

}  // namespace

awaitable<int> describe_topics(Client& client, std::vector<std::string> names, bool json) {
  auto md = co_await client.refresh_metadata();
  if (!md) co_return fail(md.error());
  if (names.empty()) {
    for (const auto& [name, t] : (*md)->topics) names.push_back(name);
  }
  Admin admin(client);
  boost::json::array out;
  for (const auto& name : names) {
    TopicReport report;
    report.info = (*md)->topic(name);
    if (!report.info) {
      co_return fail(client::kafka_error(protocol::ErrorCode::kUnknownTopicOrPartition, (*md)->source,
                                         fmt::format("Topic '{}' does not exist.", name)));
    }
    auto configs = co_await admin.describe_configs(client::ConfigResource::kTopic, name);
    if (!configs) co_return fail(configs.error());
    for (const auto& c : *configs) {
      if (c.is_override()) report.configs[c.name] = c.value.value_or(c.sensitive ? "(sensitive)" : "");
    }
    auto start = co_await offsets(admin, *report.info, client::OffsetQuery::earliest());
    if (!start) co_return fail(start.error());
    auto end = co_await offsets(admin, *report.info, client::OffsetQuery::latest());
    if (!end) co_return fail(end.error());
    report.start = std::move(*start);
    report.end = std::move(*end);
    report.size_bytes = co_await leader_sizes(admin, *report.info);
    if (json) {
      out.push_back(to_json(report));
    } else {
      print_text(report);
    }
  }
  if (json) print_json(boost::json::object{{"topics", out}});
  co_return kExitOk;
}

}  // namespace kappa::cli

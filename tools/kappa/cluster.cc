// kappa cluster info|health: the cluster id, controller and brokers; and
// whether every partition has a leader and a full ISR (exit code 1 if not).
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kappa/cli.h"
#include "kappa/client/admin.h"

namespace kappa::cli {
namespace {

using client::Client;

awaitable<int> info(Client& client, bool json) {
  client::Admin admin(client);
  auto cluster = co_await admin.describe_cluster();
  if (!cluster) co_return fail(cluster.error());
  if (json) {
    boost::json::array brokers;
    for (const auto& b : cluster->brokers) {
      brokers.push_back({{"id", b.node_id}, {"host", b.host}, {"port", b.port},
                         {"rack", b.rack ? boost::json::value(*b.rack) : boost::json::value(nullptr)}});
    }
    print_json(boost::json::object{
        {"cluster_id", cluster->cluster_id}, {"controller_id", cluster->controller_id}, {"brokers", brokers}});
    co_return kExitOk;
  }
  std::cout << "Cluster ID: " << cluster->cluster_id << '\n'
            << "Controller: " << cluster->controller_id << '\n'
            << "Brokers: " << cluster->brokers.size() << '\n';
  for (const auto& b : cluster->brokers) {
    std::cout << fmt::format("  {}\t{}:{}\track: {}\n", b.node_id, b.host, b.port, b.rack.value_or("-"));
  }
  co_return kExitOk;
}

struct PartitionIssue {
  std::string topic;
  const client::PartitionInfo* partition;
};

boost::json::array issues_json(const std::vector<PartitionIssue>& issues) {
  boost::json::array out;
  for (const auto& i : issues) {
    out.push_back({{"topic", i.topic},
                   {"partition", i.partition->partition},
                   {"leader", i.partition->leader},
                   {"replicas", boost::json::array(i.partition->replicas.begin(), i.partition->replicas.end())},
                   {"isr", boost::json::array(i.partition->isr.begin(), i.partition->isr.end())}});
  }
  return out;
}

awaitable<int> health(Client& client, bool json) {
  auto md = co_await client.refresh_metadata();
  if (!md) co_return fail(md.error());
  std::vector<PartitionIssue> under_replicated, offline;
  size_t partitions = 0;
  for (const auto& [name, t] : (*md)->topics) {
    for (const auto& p : t.partitions) {
      ++partitions;
      if (!p.has_leader() || !(*md)->broker(p.leader)) offline.push_back({name, &p});
      if (p.under_replicated()) under_replicated.push_back({name, &p});
    }
  }
  const bool healthy = offline.empty() && under_replicated.empty();
  if (json) {
    print_json(boost::json::object{{"healthy", healthy},
                                   {"brokers", (*md)->brokers.size()},
                                   {"topics", (*md)->topics.size()},
                                   {"partitions", partitions},
                                   {"under_replicated_partitions", issues_json(under_replicated)},
                                   {"offline_partitions", issues_json(offline)}});
  } else {
    std::cout << "Brokers: " << (*md)->brokers.size() << "\nTopics: " << (*md)->topics.size()
              << "\nPartitions: " << partitions << "\nUnder-replicated partitions: " << under_replicated.size()
              << "\nOffline partitions: " << offline.size() << '\n';
    for (const auto& i : offline) std::cout << fmt::format("  offline: {}-{}\n", i.topic, i.partition->partition);
    for (const auto& i : under_replicated) {
      std::cout << fmt::format("  under-replicated: {}-{} replicas [{}] isr [{}]\n", i.topic, i.partition->partition,
                               fmt::join(i.partition->replicas, ","), fmt::join(i.partition->isr, ","));
    }
    std::cout << "Status: " << (healthy ? "healthy" : "UNHEALTHY") << '\n';
  }
  co_return healthy ? kExitOk : kExitFailed;
}

}  // namespace

void add_cluster_commands(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto* cluster = app.add_subcommand("cluster", "Cluster id, controller, brokers and health");
  cluster->require_subcommand(1);
  auto json = std::make_shared<bool>(false);
  auto* info_cmd = cluster->add_subcommand("info", "Cluster id, controller and brokers (host, port, rack)");
  info_cmd->add_flag("--json", *json, "One JSON document");
  info_cmd->callback([&g, &action, json] {
    action = [&g, json] { return run_with_client(g, [json](Client& c) { return info(c, *json); }); };
  });
  auto* health_cmd = cluster->add_subcommand(
      "health", "Brokers, under-replicated and offline partitions; exit code 1 when unhealthy");
  health_cmd->add_flag("--json", *json, "One JSON document");
  health_cmd->callback([&g, &action, json] {
    action = [&g, json] { return run_with_client(g, [json](Client& c) { return health(c, *json); }); };
  });
}

}  // namespace kappa::cli

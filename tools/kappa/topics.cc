// kappa topics list|create|delete|alter-config|add-partitions (describe is in
// topics_describe.cc).
#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "kappa/cli.h"
#include "kappa/client/admin.h"

namespace kappa::cli {

awaitable<int> describe_topics(client::Client& client, std::vector<std::string> topics, bool json);

namespace {

using client::Admin;
using client::Client;

struct TopicsOptions {
  bool json = false;
  bool internal = false;
  std::vector<std::string> names;
  int32_t partitions = -1;
  int16_t replication_factor = -1;
  std::vector<std::string> configs;
  bool if_not_exists = false;
  bool if_exists = false;
  std::vector<std::string> set;
  std::vector<std::string> remove;
  int32_t count = 0;
};

awaitable<int> list(Client& client, TopicsOptions o) {
  auto md = co_await client.refresh_metadata();
  if (!md) co_return fail(md.error());
  boost::json::array out;
  for (const auto& [name, t] : (*md)->topics) {
    if (t.internal && !o.internal) continue;
    if (!o.json) {
      std::cout << name << '\n';
      continue;
    }
    const size_t rf = t.partitions.empty() ? 0 : t.partitions.front().replicas.size();
    out.push_back({{"name", name}, {"topic_id", t.id.to_string()}, {"partitions", t.partition_count()},
                   {"replication_factor", rf}, {"internal", t.internal}});
  }
  if (o.json) print_json(out);
  co_return kExitOk;
}

awaitable<int> create(Client& client, TopicsOptions o) {
  client::NewTopic topic{o.names.front(), o.partitions, o.replication_factor, {}};
  for (const auto& c : o.configs) topic.configs.insert(parse_key_value(c, "--config"));
  Admin admin(client);
  auto r = co_await admin.create_topic(topic);
  if (!r && !(o.if_not_exists && r.error().is(protocol::ErrorCode::kTopicAlreadyExists))) co_return fail(r.error());
  std::cout << (r ? "Created topic " : "Topic already exists: ") << topic.name << '\n';
  co_return kExitOk;
}

awaitable<int> remove(Client& client, TopicsOptions o) {
  Admin admin(client);
  for (const auto& name : o.names) {
    auto r = co_await admin.delete_topic(name);
    if (!r && !(o.if_exists && r.error().is(protocol::ErrorCode::kUnknownTopicOrPartition))) co_return fail(r.error());
    std::cout << (r ? "Deleted topic " : "No such topic: ") << name << '\n';
  }
  co_return kExitOk;
}

awaitable<int> alter_config(Client& client, TopicsOptions o) {
  std::vector<client::ConfigChange> changes;
  for (const auto& s : o.set) {
    auto [k, v] = parse_key_value(s, "--set");
    changes.push_back({k, client::ConfigOp::kSet, v});
  }
  for (const auto& k : o.remove) changes.push_back({k, client::ConfigOp::kDelete, std::nullopt});
  Admin admin(client);
  auto r = co_await admin.alter_configs(client::ConfigResource::kTopic, o.names.front(), changes);
  if (!r) co_return fail(r.error());
  std::cout << "Updated config of topic " << o.names.front() << '\n';
  co_return kExitOk;
}

awaitable<int> add_partitions(Client& client, TopicsOptions o) {
  Admin admin(client);
  auto r = co_await admin.create_partitions(o.names.front(), o.count);
  if (!r) co_return fail(r.error());
  std::cout << "Topic " << o.names.front() << " now has " << o.count << " partitions\n";
  co_return kExitOk;
}

// Wires a subcommand to a body run with the shared options.
void on_run(CLI::App* cmd, const GlobalOptions& g, Action& action, std::shared_ptr<TopicsOptions> o,
            awaitable<int> (*body)(Client&, TopicsOptions)) {
  cmd->callback([&g, &action, o, body] {
    action = [&g, o, body] { return run_with_client(g, [o, body](Client& c) { return body(c, *o); }); };
  });
}

}  // namespace

void add_topics_commands(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto* topics = app.add_subcommand("topics", "List, describe, create, delete and change topics");
  topics->require_subcommand(1);
  auto o = std::make_shared<TopicsOptions>();

  auto* list_cmd = topics->add_subcommand("list", "List topic names");
  list_cmd->add_flag("--json", o->json, "One JSON array with name, topic_id, partitions, replication_factor");
  list_cmd->add_flag("--internal", o->internal, "Include internal topics (__consumer_offsets, ...)");
  on_run(list_cmd, g, action, o, list);

  auto* describe = topics->add_subcommand("describe", "Partitions, leaders, replicas, ISR, configs and offsets");
  describe->add_option("topics", o->names, "Topics to describe (default: all)");
  describe->add_flag("--json", o->json, "One JSON document");
  describe->callback([&g, &action, o] {
    action = [&g, o] {
      return run_with_client(g, [o](Client& c) { return describe_topics(c, o->names, o->json); });
    };
  });

  auto* create_cmd = topics->add_subcommand("create", "Create a topic");
  create_cmd->add_option("topic", o->names, "Topic name")->required()->expected(1);
  create_cmd->add_option("-p,--partitions", o->partitions, "Partition count (default: the broker's num.partitions)")
      ->check(CLI::PositiveNumber);
  create_cmd->add_option("-r,--replication-factor", o->replication_factor,
                         "Replicas per partition (default: the broker's default.replication.factor)")
      ->check(CLI::PositiveNumber);
  create_cmd->add_option("-c,--config", o->configs, "Topic config key=value (repeatable)");
  create_cmd->add_flag("--if-not-exists", o->if_not_exists, "Succeed if the topic already exists");
  on_run(create_cmd, g, action, o, create);

  auto* delete_cmd = topics->add_subcommand("delete", "Delete topics");
  delete_cmd->add_option("topics", o->names, "Topic names")->required();
  delete_cmd->add_flag("--if-exists", o->if_exists, "Succeed if a topic does not exist");
  on_run(delete_cmd, g, action, o, remove);

  auto* alter = topics->add_subcommand("alter-config", "Set or delete topic configs (IncrementalAlterConfigs)");
  alter->add_option("topic", o->names, "Topic name")->required()->expected(1);
  alter->add_option("--set", o->set, "key=value to set (repeatable)");
  alter->add_option("--delete", o->remove, "Config key to reset to its default (repeatable)");
  alter->callback([&g, &action, o] {
    if (o->set.empty() && o->remove.empty()) throw CLI::ValidationError("alter-config", "give --set and/or --delete");
    action = [&g, o] { return run_with_client(g, [o](Client& c) { return alter_config(c, *o); }); };
  });

  auto* grow = topics->add_subcommand("add-partitions", "Grow a topic to a new partition count");
  grow->add_option("topic", o->names, "Topic name")->required()->expected(1);
  grow->add_option("--count", o->count, "New total partition count")->required()->check(CLI::PositiveNumber);
  on_run(grow, g, action, o, add_partitions);
}

}  // namespace kappa::cli

// kappa groups list|describe|delete|reset-offsets: consumer-group
// administration through the coordinator (client::Admin).
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "kappa/cli.h"
#include "kappa/client/admin.h"
#include "kappa/client/offsets_for_time.h"
#include "kappa/time_parse.h"

namespace kappa::cli {
namespace {

using client::Admin;
using client::Client;
using client::TopicPartition;

struct GroupsOptions {
  bool json = false;
  std::string group;
  std::string topic;
  bool to_earliest = false;
  bool to_latest = false;
  int64_t to_offset = -1;
  std::string to_datetime;
  std::optional<int64_t> shift_by;
  bool dry_run = false;
};

awaitable<int> list(Client& client, GroupsOptions o) {
  Admin admin(client);
  auto groups = co_await admin.list_groups();
  if (!groups) co_return fail(groups.error());
  boost::json::array out;
  for (const auto& g : *groups) {
    if (o.json) {
      out.push_back({{"group", g.group_id}, {"type", g.type}, {"state", g.state}, {"protocol_type", g.protocol_type}});
    } else {
      std::cout << g.group_id << '\n';
    }
  }
  if (o.json) print_json(out);
  co_return kExitOk;
}

// Log end offsets of the partitions of `topics` (by topic).
awaitable<client::Result<std::map<TopicPartition, int64_t>>> end_offsets(Client& client,
                                                                           const std::set<std::string>& topics,
                                                                           client::OffsetQuery query) {
  Admin admin(client);
  std::map<TopicPartition, int64_t> out;
  for (const auto& t : topics) {
    std::vector<int32_t> all;  // every partition
    auto offsets = co_await admin.list_offsets(t, all, query);
    if (!offsets) co_return offsets.error();
    for (const auto& [p, o] : *offsets) out[TopicPartition{t, p}] = o.offset;
  }
  co_return out;
}

std::string partitions_text(const std::vector<TopicPartition>& parts) {
  std::string out;
  for (const auto& tp : parts) out += fmt::format("{}{}-{}", out.empty() ? "" : ",", tp.topic, tp.partition);
  return out.empty() ? "-" : out;
}

awaitable<int> describe(Client& client, GroupsOptions o) {
  Admin admin(client);
  auto group = co_await admin.describe_group(o.group);
  if (!group) co_return fail(group.error());
  auto committed = co_await admin.fetch_offsets(o.group);
  if (!committed) co_return fail(committed.error());
  if (group->state == "Dead" && group->members.empty() && committed->empty()) {
    co_return fail(fmt::format("group '{}' does not exist", o.group));
  }
  // Partitions shown: those with a committed offset and those assigned.
  std::map<TopicPartition, std::string> owner;
  for (const auto& m : group->members) {
    for (const auto& tp : m.assignment) owner[tp] = m.member_id;
  }
  std::set<TopicPartition> partitions;
  std::set<std::string> topics;
  for (const auto& [tp, off] : *committed) partitions.insert(tp);
  for (const auto& [tp, m] : owner) partitions.insert(tp);
  for (const auto& tp : partitions) topics.insert(tp.topic);
  auto ends = co_await end_offsets(client, topics, client::OffsetQuery::latest());
  if (!ends) co_return fail(ends.error());

  if (o.json) {
    boost::json::array members;
    for (const auto& m : group->members) {
      boost::json::array assignment;
      for (const auto& tp : m.assignment) assignment.push_back({{"topic", tp.topic}, {"partition", tp.partition}});
      boost::json::object jm{{"member_id", m.member_id}, {"client_id", m.client_id}, {"client_host", m.client_host},
                             {"member_epoch", m.member_epoch}, {"assignment", std::move(assignment)}};
      jm["instance_id"] = m.instance_id ? boost::json::value(*m.instance_id) : boost::json::value(nullptr);
      members.push_back(std::move(jm));
    }
    boost::json::array offsets;
    for (const auto& tp : partitions) {
      boost::json::object jo{{"topic", tp.topic}, {"partition", tp.partition}};
      auto c = committed->find(tp);
      auto e = ends->find(tp);
      jo["committed_offset"] = c != committed->end() ? boost::json::value(c->second) : boost::json::value(nullptr);
      jo["log_end_offset"] = e != ends->end() ? boost::json::value(e->second) : boost::json::value(nullptr);
      jo["lag"] = c != committed->end() && e != ends->end() ? boost::json::value(std::max<int64_t>(0, e->second - c->second))
                                                            : boost::json::value(nullptr);
      auto w = owner.find(tp);
      jo["member_id"] = w != owner.end() ? boost::json::value(w->second) : boost::json::value(nullptr);
      offsets.push_back(std::move(jo));
    }
    print_json(boost::json::object{{"group", group->group_id},
                                   {"type", group->type},
                                   {"state", group->state},
                                   {"protocol_type", group->protocol_type},
                                   {"protocol", group->protocol},
                                   {"epoch", group->epoch},
                                   {"coordinator", group->coordinator},
                                   {"members", std::move(members)},
                                   {"offsets", std::move(offsets)}});
    co_return kExitOk;
  }
  std::cout << fmt::format("Group {}: type {}, state {}, protocol {}{}, coordinator {}\n", group->group_id,
                           group->type.empty() ? "-" : group->type, group->state,
                           group->protocol.empty() ? "-" : group->protocol,
                           group->epoch >= 0 ? fmt::format(", epoch {}", group->epoch) : "",
                           client.describe_node(group->coordinator));
  std::cout << fmt::format("\nMembers: {}\n", group->members.size());
  if (!group->members.empty()) {
    std::cout << fmt::format("  {:<40} {:<20} {:<20} {}\n", "MEMBER-ID", "CLIENT-ID", "HOST", "ASSIGNMENT");
    for (const auto& m : group->members) {
      std::cout << fmt::format("  {:<40} {:<20} {:<20} {}\n", m.member_id, m.client_id, m.client_host,
                               partitions_text(m.assignment));
    }
  }
  std::cout << fmt::format("\n  {:<24} {:>9} {:>12} {:>12} {:>10}  {}\n", "TOPIC", "PARTITION", "COMMITTED",
                           "LOG-END", "LAG", "MEMBER-ID");
  for (const auto& tp : partitions) {
    auto c = committed->find(tp);
    auto e = ends->find(tp);
    auto w = owner.find(tp);
    std::cout << fmt::format(
        "  {:<24} {:>9} {:>12} {:>12} {:>10}  {}\n", tp.topic, tp.partition,
        c != committed->end() ? std::to_string(c->second) : "-", e != ends->end() ? std::to_string(e->second) : "-",
        c != committed->end() && e != ends->end() ? std::to_string(std::max<int64_t>(0, e->second - c->second)) : "-",
        w != owner.end() ? w->second : "-");
  }
  co_return kExitOk;
}

awaitable<int> remove(Client& client, GroupsOptions o) {
  Admin admin(client);
  auto r = co_await admin.delete_group(o.group);
  if (!r) co_return fail(r.error());
  std::cout << "Deleted group " << o.group << '\n';
  co_return kExitOk;
}

awaitable<int> reset_offsets(Client& client, GroupsOptions o, int64_t datetime_ms) {
  Admin admin(client);
  auto group = co_await admin.describe_group(o.group);
  if (!group) co_return fail(group.error());
  if (!group->members.empty()) {
    co_return fail(fmt::format("group '{}' has {} active member(s) (state {}); stop its consumers before resetting offsets",
                               o.group, group->members.size(), group->state));
  }
  auto topic = co_await find_topic(client, o.topic);
  if (!topic) co_return fail(topic.error());
  auto committed = co_await admin.fetch_offsets(o.group);
  if (!committed) co_return fail(committed.error());
  std::set<std::string> topics{o.topic};
  auto earliest = co_await end_offsets(client, topics, client::OffsetQuery::earliest());
  if (!earliest) co_return fail(earliest.error());
  auto latest = co_await end_offsets(client, topics, client::OffsetQuery::latest());
  if (!latest) co_return fail(latest.error());
  std::map<TopicPartition, int64_t> at_time;
  if (!o.to_datetime.empty()) {
    auto found = co_await client::offsets_for_time(client, o.topic, datetime_ms);
    if (!found) co_return fail(found.error());
    for (const auto& [p, offset] : *found) at_time[TopicPartition{o.topic, p}] = offset;
  }

  std::map<TopicPartition, int64_t> plan;
  std::cout << fmt::format("{:<24} {:>9} {:>12}    {}\n", "TOPIC", "PARTITION", "OLD", "NEW");
  for (const auto& p : topic->partitions) {
    const TopicPartition tp{o.topic, p.partition};
    const int64_t lo = (*earliest)[tp];
    const int64_t hi = (*latest)[tp];
    auto old = committed->find(tp);
    int64_t target;
    if (o.to_earliest) {
      target = lo;
    } else if (o.to_latest) {
      target = hi;
    } else if (o.to_offset >= 0) {
      target = o.to_offset;
    } else if (!o.to_datetime.empty()) {
      target = at_time.contains(tp) ? at_time[tp] : hi;  // no record at/after the time: the end
    } else {
      target = (old != committed->end() ? old->second : hi) + *o.shift_by;
    }
    target = std::clamp(target, lo, hi);
    plan[tp] = target;
    std::cout << fmt::format("{:<24} {:>9} {:>12} -> {}\n", tp.topic, tp.partition,
                             old != committed->end() ? std::to_string(old->second) : "-", target);
  }
  if (o.dry_run) {
    std::cout << "Dry run: offsets not changed.\n";
    co_return kExitOk;
  }
  auto r = co_await admin.commit_offsets(o.group, plan);
  if (!r) co_return fail(r.error());
  std::cout << fmt::format("Reset {} partition(s) of group {}.\n", plan.size(), o.group);
  co_return kExitOk;
}

}  // namespace

void add_groups_commands(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<GroupsOptions>();
  auto* groups = app.add_subcommand("groups", "List, describe, delete consumer groups and reset their offsets");
  groups->require_subcommand(1);

  auto* list_cmd = groups->add_subcommand("list", "List consumer groups");
  list_cmd->add_flag("--json", o->json, "JSON output");
  list_cmd->callback([&g, &action, o] {
    action = [&g, o] { return run_with_client(g, [o](Client& c) { return list(c, *o); }); };
  });

  auto* describe_cmd = groups->add_subcommand("describe", "State, members and per-partition offsets and lag of a group");
  describe_cmd->add_option("group", o->group, "Group id")->required();
  describe_cmd->add_flag("--json", o->json, "JSON output");
  describe_cmd->callback([&g, &action, o] {
    action = [&g, o] { return run_with_client(g, [o](Client& c) { return describe(c, *o); }); };
  });

  auto* delete_cmd = groups->add_subcommand("delete", "Delete an empty group and its committed offsets");
  delete_cmd->add_option("group", o->group, "Group id")->required();
  delete_cmd->callback([&g, &action, o] {
    action = [&g, o] { return run_with_client(g, [o](Client& c) { return remove(c, *o); }); };
  });

  auto* reset = groups->add_subcommand("reset-offsets", "Move the committed offsets of an inactive group");
  reset->add_option("group", o->group, "Group id")->required();
  reset->add_option("--topic", o->topic, "Topic whose partitions are reset")->required();
  auto* earliest = reset->add_flag("--to-earliest", o->to_earliest, "To the log start");
  auto* latest = reset->add_flag("--to-latest", o->to_latest, "To the log end");
  auto* to_offset = reset->add_option("--to-offset", o->to_offset, "To this offset (clamped to the log)")
                        ->check(CLI::NonNegativeNumber);
  auto* to_time = reset->add_option("--to-datetime", o->to_datetime,
                                    "To the first record at/after this time (ISO-8601, e.g. 2026-11-24T10:00:00Z)");
  auto* shift = reset->add_option("--shift-by", o->shift_by, "Move the committed offset by N (may be negative)");
  std::vector<CLI::Option*> modes{earliest, latest, to_offset, to_time, shift};
  for (auto* a : modes) {
    for (auto* b : modes) {
      if (a != b) a->excludes(b);
    }
  }
  reset->add_flag("--dry-run", o->dry_run, "Print the plan only");
  reset->callback([&g, &action, o] {
    action = [&g, o] {
      if (!o->to_earliest && !o->to_latest && o->to_offset < 0 && o->to_datetime.empty() && !o->shift_by) {
        throw UsageError("reset-offsets needs one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by");
      }
      int64_t ms = 0;
      if (!o->to_datetime.empty()) {
        auto t = parse_time_ms(o->to_datetime);
        if (!t) throw UsageError(fmt::format("invalid --to-datetime '{}' (e.g. 2026-11-24T10:00:00Z)", o->to_datetime));
        ms = *t;
      }
      return run_with_client(g, [o, ms](Client& c) { return reset_offsets(c, *o, ms); });
    };
  });
}

}  // namespace kappa::cli

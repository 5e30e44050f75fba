// kappa consume TOPIC: prints records of one or all partitions, from the
// end (default), the beginning, an offset or a point in time, as a --format
// template or as JSON lines; stops after -n records, after --timeout-ms
// without records, or (-e) at the end of the log. With --group it is a
// member of a consumer group (client::GroupMember: KIP-848 by default,
// --group-protocol classic) and starts at the group's committed offsets.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "kappa/cli.h"
#include "kappa/client/consumer.h"
#include "kappa/client/group_member.h"
#include "kappa/record_format.h"
#include "kappa/time_parse.h"

namespace kappa::cli {
namespace {

using client::Client;
using client::StartAt;

struct ConsumeOptions {
  std::string topic;
  bool from_beginning = false;
  int64_t offset = -1;
  std::string from_time;
  int32_t partition = -1;
  int64_t count = -1;
  int64_t idle_timeout_ms = -1;
  bool exit_at_end = false;
  std::string format = "%v\\n";
  bool json = false;
  std::string group;
  std::string group_protocol = "consumer";
};

StartAt start_of(const ConsumeOptions& o) {
  if (o.offset >= 0) return StartAt::offset(o.offset);
  if (!o.from_time.empty()) {
    auto t = parse_time_ms(o.from_time);
    if (!t) throw UsageError(fmt::format("invalid --from-time '{}' (e.g. 2026-11-24T10:00:00Z)", o.from_time));
    return StartAt::timestamp(*t);
  }
  return o.from_beginning ? StartAt::earliest() : StartAt::latest();
}

// One record as --json or the --format template.
void render(const ConsumeOptions& o, const RecordFormatter& formatter, const client::ConsumerRecord& r, std::string& out) {
  if (o.json) {
    out += boost::json::serialize(record_json(r));
    out += '\n';
  } else {
    formatter.append(r, out);
  }
}

void write_out(const std::string& text) {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

awaitable<int> consume(Client& client, ConsumeOptions o, StartAt start) {
  auto topic = co_await find_topic(client, o.topic);
  if (!topic) co_return fail(topic.error());
  std::vector<std::pair<client::TopicPartition, StartAt>> wanted;
  for (const auto& p : topic->partitions) {
    if (o.partition < 0 || p.partition == o.partition) wanted.emplace_back(client::TopicPartition{o.topic, p.partition}, start);
  }
  if (wanted.empty()) {
    co_return fail(fmt::format("partition {} does not exist: topic '{}' has {} partition(s)", o.partition, o.topic,
                               topic->partition_count()));
  }
  client::ConsumerOptions options;
  options.max_wait = std::chrono::milliseconds(500);
  if (o.idle_timeout_ms >= 0) options.max_wait = std::min(options.max_wait, std::chrono::milliseconds(o.idle_timeout_ms));
  client::Consumer consumer(client, options);
  if (auto r = co_await consumer.assign(std::move(wanted)); !r) co_return fail(r.error());
  const RecordFormatter formatter(o.format);
  int64_t printed = 0;
  auto last_record = std::chrono::steady_clock::now();
  std::string out;
  while (o.count < 0 || printed < o.count) {
    if (o.exit_at_end && consumer.at_end()) break;
    auto records = co_await consumer.poll();
    if (!records) co_return fail(records.error());
    out.clear();
    for (const auto& r : *records) {
      if (o.count >= 0 && printed >= o.count) break;
      render(o, formatter, r, out);
      ++printed;
    }
    write_out(out);
    const auto now = std::chrono::steady_clock::now();
    if (!records->empty()) last_record = now;
    if (o.idle_timeout_ms >= 0 && now - last_record >= std::chrono::milliseconds(o.idle_timeout_ms)) break;
  }
  co_return kExitOk;
}

// --group: a member of a consumer group; commits what it printed.
awaitable<int> consume_group(Client& client, ConsumeOptions o) {
  auto topic = co_await find_topic(client, o.topic);
  if (!topic) co_return fail(topic.error());
  client::ConsumerOptions options;
  options.max_wait = std::chrono::milliseconds(300);
  if (o.idle_timeout_ms >= 0) options.max_wait = std::min(options.max_wait, std::chrono::milliseconds(o.idle_timeout_ms));
  options.auto_offset_reset = o.from_beginning ? client::OffsetReset::kEarliest : client::OffsetReset::kLatest;
  client::Consumer consumer(client, options);
  client::GroupMemberOptions mo;
  mo.group_id = o.group;
  mo.topics.push_back(o.topic);
  mo.protocol = o.group_protocol == "classic" ? client::GroupProtocol::kClassic : client::GroupProtocol::kConsumer;
  mo.reset = options.auto_offset_reset;
  mo.log = [](const std::string& message) { std::cerr << "kappa: group: " << message << std::endl; };
  auto member = client::GroupMember::create(client, consumer, std::move(mo));

  const RecordFormatter formatter(o.format);
  int64_t printed = 0;
  auto last_record = std::chrono::steady_clock::now();
  std::string out;
  std::optional<client::Error> failure;
  while (!interrupted() && (o.count < 0 || printed < o.count)) {
    auto ticked = co_await member->tick();
    if (!ticked) {
      failure = ticked.error();
      break;
    }
    if (interrupted()) break;
    if (o.exit_at_end && !member->owned().empty() && consumer.at_end()) break;
    const auto now = std::chrono::steady_clock::now();
    if (o.idle_timeout_ms >= 0 && now - last_record >= std::chrono::milliseconds(o.idle_timeout_ms)) break;
    if (member->owned().empty()) {
      asio::steady_timer pause(client.executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(use_tuple);
      continue;
    }
    auto records = co_await consumer.poll();
    if (!records) {
      failure = records.error();
      break;
    }
    out.clear();
    std::set<client::TopicPartition> rewound;
    for (const auto& r : *records) {
      if (o.count >= 0 && printed >= o.count) {
        // Not printed: read (and committed) from here next time.
        client::TopicPartition tp{r.topic, r.partition};
        if (rewound.insert(tp).second) consumer.seek(tp, r.offset);
        continue;
      }
      render(o, formatter, r, out);
      ++printed;
    }
    write_out(out);
    if (!records->empty()) last_record = std::chrono::steady_clock::now();
  }
  auto left = co_await member->leave();
  if (!left) std::cerr << "kappa: group: leaving failed: " << left.error().to_string() << std::endl;
  if (failure) co_return fail(*failure);
  co_return interrupted() ? 130 : kExitOk;
}

}  // namespace

void add_consume_command(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ConsumeOptions>();
  auto* cmd = app.add_subcommand("consume", "Print records of a topic");
  cmd->add_option("topic", o->topic, "Topic to consume")->required();
  auto* beginning = cmd->add_flag("--from-beginning", o->from_beginning, "Start at the log start (default: the end)");
  auto* offset = cmd->add_option("--offset", o->offset, "Start at this offset")->check(CLI::NonNegativeNumber);
  auto* time = cmd->add_option("--from-time", o->from_time,
                               "Start at the first record at/after this time (ISO-8601, e.g. 2026-11-24T10:00:00Z)");
  beginning->excludes(offset)->excludes(time);
  offset->excludes(time);
  cmd->add_option("-p,--partition", o->partition, "Only this partition (default: all)")->check(CLI::NonNegativeNumber);
  cmd->add_option("-n,--count", o->count, "Stop after N records")->check(CLI::NonNegativeNumber);
  cmd->add_option("--timeout-ms", o->idle_timeout_ms, "Stop after this long without records")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("-e,--exit-at-end", o->exit_at_end, "Stop when the end of every partition is reached");
  auto* format = cmd->add_option("--format", o->format,
                                 "Output template: %k key, %v value, %p partition, %o offset, %t timestamp, "
                                 "%T topic, %h headers, %% percent; escapes \\n \\t \\r \\\\")
                     ->capture_default_str();
  cmd->add_flag("--json", o->json, "One JSON object per record (see docs/cli.md for binary data)")->excludes(format);
  auto* group = cmd->add_option("-g,--group", o->group, "Consume as a member of this consumer group");
  cmd->add_option("--group-protocol", o->group_protocol, "consumer (KIP-848, default) or classic")
      ->check(CLI::IsMember({"consumer", "classic"}))
      ->needs(group);
  group->excludes(offset)->excludes(time);
  cmd->callback([&g, &action, o] {
    action = [&g, o] {
      if (!o->group.empty()) {
        if (o->partition >= 0) throw UsageError("--partition cannot be used with --group (the group assigns partitions)");
        RecordFormatter check(o->format);
        return run_with_client(g, [o](Client& c) { return consume_group(c, *o); }, true);
      }
      const StartAt start = start_of(*o);
      RecordFormatter check(o->format);  // a bad template is a usage error
      return run_with_client(g, [o, start](Client& c) { return consume(c, *o, start); });
    };
  });
}

}  // namespace kappa::cli

// kappa produce TOPIC: one record per input line (stdin or --file), with
// optional keys (--key-separator), headers, partition and compression.
#include <cstdio>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "kappa/cli.h"
#include "kappa/client/producer.h"
#include "kappa/line_source.h"
#include "kappa/producer_flags.h"

namespace kappa::cli {
namespace {

using client::Client;

struct ProduceOptions {
  std::string topic;
  std::string file;
  std::string key_separator;
  std::vector<std::string> headers;
  int32_t partition = -1;
  bool verbose = false;
  ProducerFlags flags;
};

client::ProducerRecord to_record(const ProduceOptions& o, const std::vector<client::Header>& headers,
                                 std::string line) {
  client::ProducerRecord r;
  r.topic = o.topic;
  if (o.partition >= 0) r.partition = o.partition;
  r.headers = headers;
  if (!o.key_separator.empty()) {
    auto at = line.find(o.key_separator);
    if (at == std::string::npos) throw std::invalid_argument("no key separator");
    r.key = line.substr(0, at);
    line.erase(0, at + o.key_separator.size());
  }
  r.value = std::move(line);
  return r;
}

// Fails early, with the broker's name, when --idempotent cannot work.
awaitable<std::optional<client::Error>> check_idempotence(Client& client) {
  auto conn = co_await client.any_connection();
  if (!conn) co_return conn.error();
  if ((*conn)->supports(protocol::ApiKey::kInitProducerId)) co_return std::nullopt;
  co_return client::client_error(client::ClientErrc::kNotAvailable, (*conn)->broker(),
                                 "--idempotent needs InitProducerId, which this broker does not offer");
}

awaitable<int> produce(Client& client, ProduceOptions o, client::ProducerOptions options) {
  auto topic = co_await find_topic(client, o.topic);
  if (!topic) co_return fail(topic.error());
  if (o.partition >= topic->partition_count()) {
    co_return fail(fmt::format("partition {} does not exist: topic '{}' has {} partition(s)", o.partition, o.topic,
                               topic->partition_count()));
  }
  if (options.idempotent) {
    if (auto e = co_await check_idempotence(client)) co_return fail(*e);
  }
  std::vector<client::Header> headers;
  for (const auto& h : o.headers) {
    auto [k, v] = parse_key_value(h, "--header");
    headers.push_back({k, v});
  }
  std::unique_ptr<LineSource> input;
  try {
    input = std::make_unique<LineSource>(client.executor(), o.file);
  } catch (const std::exception& e) {
    co_return fail(e.what());
  }
  options.delivery_timeout = client.options().retry.total;  // --timeout bounds every record
  client::Producer producer(client, options);
  std::optional<client::Error> failure;
  const bool verbose = o.verbose;
  client::DeliveryCallback on_delivery = [&failure, verbose](const client::Result<client::RecordMetadata>& r) {
    if (!r) {
      if (!failure) failure = r.error();
    } else if (verbose) {
      std::printf("%d %lld\n", r->partition, static_cast<long long>(r->offset));
    }
  };
  int64_t line_number = 0;
  while (!failure) {
    auto lines = co_await input->next();
    if (lines.empty()) break;
    for (auto& line : lines) {
      ++line_number;
      client::ProducerRecord record;
      try {
        record = to_record(o, headers, std::move(line));
      } catch (const std::invalid_argument&) {
        failure = client::client_error(client::ClientErrc::kInvalidArgument, "",
                                       fmt::format("line {} has no key separator '{}'", line_number, o.key_separator));
        break;
      }
      auto queued = co_await producer.send(std::move(record), on_delivery);
      if (!queued) {
        failure = queued.error();
        break;
      }
    }
  }
  auto closed = co_await producer.close();
  if (failure) co_return fail(*failure);
  if (!closed) co_return fail(closed.error());
  co_return kExitOk;
}

}  // namespace

void add_produce_command(CLI::App& app, const GlobalOptions& g, Action& action) {
  auto o = std::make_shared<ProduceOptions>();
  auto* cmd = app.add_subcommand("produce", "Produce one record per input line (stdin or --file)");
  cmd->add_option("topic", o->topic, "Topic to produce to")->required();
  cmd->add_option("-f,--file", o->file, "Read lines from this file instead of stdin");
  cmd->add_option("-K,--key-separator", o->key_separator,
                  "Split each line at the first SEP into key and value (lines without it fail)");
  cmd->add_option("-H,--header", o->headers, "Header key=value added to every record (repeatable)");
  cmd->add_option("-p,--partition", o->partition, "Partition (default: by key with Java's murmur2, else sticky)")
      ->check(CLI::NonNegativeNumber);
  add_producer_flags(cmd, o->flags);
  cmd->add_flag("-v,--verbose", o->verbose, "Print 'partition offset' of every acknowledged record");
  cmd->callback([&g, &action, o] {
    action = [&g, o] {
      auto options = producer_options(o->flags);
      return run_with_client(g, [o, options](Client& c) { return produce(c, *o, options); });
    };
  });
}

}  // namespace kappa::cli

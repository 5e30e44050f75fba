#pragma once
// Shared plumbing of the `kappa` CLI: global options, running a command's
// coroutine against a bootstrapped Client, and how failures are reported.
//
// Exit codes: 0 ok, 1 the operation failed (the message names the broker
// and the Kafka error), 2 bad usage. Errors go to stderr as
//   kappa: broker 127.0.0.1:9092: TOPIC_ALREADY_EXISTS: Topic 'x' already exists.
// Every request is bounded by --timeout, and so is every retry loop, so a
// broker that goes away ends the command with exit code 1, never a hang.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include "kappa/async/asio.h"
#include "kappa/client/client.h"

namespace kappa::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct GlobalOptions {
  std::string brokers = "127.0.0.1:9092";
  std::string timeout = "30s";
  std::string client_id = "kappa-cli";

  // --timeout as a duration ("30s", "500ms", "2m", plain = ms); 0 if bad.
  std::chrono::milliseconds timeout_ms() const;
};

// Raised by commands for bad option values found after parsing; main()
// prints it and exits with kExitUsage.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using CommandBody = std::function<awaitable<int>(client::Client&)>;

// Bootstraps a Client from the global options and runs `body` on a
// single-threaded io_context. Returns the body's exit code, or kExitFailed
// after printing the bootstrap error.
// SIGINT/SIGTERM stop the command at once with 130 — unless
// `graceful_interrupt`: then the first signal only sets interrupted(), the
// body is expected to wind down (e.g. leave its group) and return 130 soon;
// a second signal, or 15 s, stops it anyway.
int run_with_client(const GlobalOptions& globals, CommandBody body, bool graceful_interrupt = false);
// Whether SIGINT/SIGTERM arrived (graceful_interrupt mode only).
bool interrupted();

// "k=v" -> {k, v}; throws UsageError naming `what` otherwise.
std::pair<std::string, std::string> parse_key_value(std::string_view text, std::string_view what);
// One JSON document and a newline on stdout.
void print_json(const boost::json::value& value);

// A topic's metadata, waiting a little (up to 3 s, within --timeout) for a
// topic that was just created elsewhere to become visible.
awaitable<client::Result<client::TopicInfo>> find_topic(client::Client& client, const std::string& name);

// Prints "kappa: <error>" to stderr; returns kExitFailed.
int fail(const client::Error& error);
int fail(std::string_view message);

// Registers each command group on the root app. Each sets *action to what
// should run when its subcommand is chosen.
using Action = std::function<int()>;
void add_topics_commands(CLI::App& app, const GlobalOptions& globals, Action& action);
void add_produce_command(CLI::App& app, const GlobalOptions& globals, Action& action);
void add_consume_command(CLI::App& app, const GlobalOptions& globals, Action& action);
void add_groups_commands(CLI::App& app, const GlobalOptions& globals, Action& action);
void add_cluster_commands(CLI::App& app, const GlobalOptions& globals, Action& action);
void add_perf_commands(CLI::App& app, const GlobalOptions& globals, Action& action);

}  // namespace kappa::cli

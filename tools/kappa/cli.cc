#include "kappa/cli.h"

#include <charconv>
#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>

#include <fmt/format.h>

namespace kappa::cli {

std::chrono::milliseconds GlobalOptions::timeout_ms() const {
  std::string_view text = timeout;
  double value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 0) return std::chrono::milliseconds(0);
  std::string_view unit(p, text.data() + text.size() - p);
  double ms = unit.empty() || unit == "ms" ? value
              : unit == "s"                ? value * 1000
              : unit == "m"                ? value * 60'000
                                           : -1;
  if (ms < 1) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

int fail(const client::Error& error) { return fail(error.to_string()); }

int fail(std::string_view message) {
  std::fflush(stdout);
  std::cerr << "kappa: " << message << std::endl;
  return kExitFailed;
}

namespace {
bool g_interrupted = false;
}  // namespace

bool interrupted() { return g_interrupted; }

int run_with_client(const GlobalOptions& globals, CommandBody body, bool graceful_interrupt) {
  auto brokers = client::BrokerAddress::parse_list(globals.brokers);
  if (!brokers) throw UsageError(fmt::format("invalid broker list '{}' (expected host:port[,host:port...])", globals.brokers));
  const auto timeout = globals.timeout_ms();
  if (timeout.count() <= 0) throw UsageError(fmt::format("invalid --timeout '{}' (e.g. 30s, 500ms)", globals.timeout));

  client::ClientOptions options;
  options.bootstrap = std::move(*brokers);
  options.connection.client_id = globals.client_id;
  options.connection.request_timeout = timeout;
  options.connection.connect_timeout = std::min(timeout, std::chrono::milliseconds(10'000));
  options.retry.total = timeout;

  asio::io_context io(1);
  client::Client client(io.get_executor(), std::move(options));
  int rc = kExitFailed;
  bool finished = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer grace(io);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int) {
        if (ec) return;
        rc = 130;
        if (graceful_interrupt && !g_interrupted) {
          g_interrupted = true;
          grace.expires_after(std::chrono::seconds(15));
          grace.async_wait([&](const boost::system::error_code& e) {
            if (!e) io.stop();
          });
          signals.async_wait(on_signal);
          return;
        }
        io.stop();
      };
  signals.async_wait(on_signal);
  asio::co_spawn(
      io,
      [&]() -> awaitable<int> {
        auto ready = co_await client.bootstrap();
        if (!ready) co_return fail(ready.error());
        co_return co_await body(client);
      },
      [&](std::exception_ptr e, int code) {
        finished = true;
        rc = code;
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const UsageError&) {
            throw;
          } catch (const std::exception& ex) {
            rc = fail(fmt::format("internal error: {}", ex.what()));
          }
        }
        signals.cancel();
        grace.cancel();
        client.close();
        io.stop();
      });
  io.run();
  std::fflush(stdout);
  (void)finished;
  return rc;
}

std::pair<std::string, std::string> parse_key_value(std::string_view text, std::string_view what) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw UsageError(fmt::format("invalid {} '{}' (expected key=value)", what, text));
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

awaitable<client::Result<client::TopicInfo>> find_topic(client::Client& client, const std::string& name) {
  using namespace std::chrono_literals;
  const auto deadline = std::chrono::steady_clock::now() + std::min<std::chrono::milliseconds>(
                                                               3s, client.options().retry.total);
  while (true) {
    auto t = co_await client.topic(name);
    if (t || !t.error().is(protocol::ErrorCode::kUnknownTopicOrPartition) ||
        std::chrono::steady_clock::now() + 200ms > deadline) {
      co_return t;
    }
    asio::steady_timer pause(client.executor(), 200ms);
    co_await pause.async_wait(use_tuple);
  }
}

void print_json(const boost::json::value& value) {
  std::string text = boost::json::serialize(value);
  text += '\n';
  std::fwrite(text.data(), 1, text.size(), stdout);
}

}  // namespace kappa::cli

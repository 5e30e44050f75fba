// kappa-broker: runs one Kappa node.
//   kappa-broker --config FILE [--override key=value ...]
#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "broker/broker.h"
#include "kappa/common/log.h"

int main(int argc, char** argv) {
  using namespace kappa;
  CLI::App app{"Kappa broker: a Kafka-compatible log broker"};
  std::string config_file;
  std::vector<std::string> overrides;
  bool print_default = false;
  app.add_option("-c,--config", config_file, "YAML configuration file (Kafka setting names)");
  app.add_option("-o,--override", overrides, "key=value setting that wins over the file (repeatable)");
  app.add_flag("--print-default-config", print_default, "print the documented default configuration and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (print_default) {
    std::cout << config::render_default_config();
    return 0;
  }
  std::string error;
  auto cfg = config::BrokerConfig::load(config_file, overrides, error);
  if (!cfg) {
    std::cerr << "kappa-broker: configuration error: " << error << "\n";
    return 2;
  }
  if (auto bad = logging::configure(cfg->get("logger.level")); !bad.empty()) {
    std::cerr << "kappa-broker: configuration error: setting 'logger.level': " << bad << "\n";
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  // Destroyed after the broker, yet the io_context may still hold suspended
  // coroutine frames (long polls, acks=all waits, fetchers) whose destructors
  // use the broker: after run() they are destroyed with shutdown(), while the
  // broker is alive (a clean stop used to crash with SIGSEGV at exit).
  struct IoContext : asio::io_context {
    using asio::io_context::shutdown;
  };
  IoContext io;
  broker::Broker broker(io, std::move(*cfg));
  try {
    broker.start();
  } catch (const std::exception& e) {
    logging::get("broker")->critical("startup failed: {}", e.what());
    return 1;
  }
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    logging::get("broker")->info("received signal {}", sig);
    asio::co_spawn(io, broker.shutdown(), [&](std::exception_ptr) { io.stop(); });
  });
  io.run();
  io.shutdown();
  return 0;
}

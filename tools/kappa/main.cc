// kappa: the operator CLI of a Kappa (or any Kafka) cluster.
// One binary, one file per command group; see docs/cli.md.
#include <cstdlib>
#include <iostream>

#include "kappa/cli.h"

int main(int argc, char** argv) {
  using namespace kappa::cli;
  CLI::App app("kappa: topics, produce, consume, groups, cluster and perf commands for Kappa and Kafka brokers", "kappa");
  app.fallthrough();  // global options may follow the subcommand
  app.require_subcommand(1);
  GlobalOptions globals;
  app.add_option("-b,--brokers", globals.brokers, "Bootstrap brokers host:port[,host:port...]")
      ->envname("KAPPA_BROKERS")
      ->capture_default_str();
  app.add_option("--timeout", globals.timeout, "Bound on every request and retry loop (e.g. 30s, 500ms)")
      ->capture_default_str();
  app.add_option("--client-id", globals.client_id, "Client id sent to brokers")->capture_default_str();
  app.set_version_flag("--version", "kappa 0.1.0");

  Action action;
  add_topics_commands(app, globals, action);
  add_produce_command(app, globals, action);
  add_consume_command(app, globals, action);
  add_groups_commands(app, globals, action);
  add_cluster_commands(app, globals, action);
  add_perf_commands(app, globals, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (!action) {
    std::cerr << app.help();
    return kExitUsage;
  }
  try {
    return action();
  } catch (const UsageError& e) {
    std::cerr << "kappa: " << e.what() << "\nRun with --help for more information.\n";
    return kExitUsage;
  }
}

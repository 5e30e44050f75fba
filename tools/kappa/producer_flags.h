#pragma once
// The producer options shared by `kappa produce` and `kappa perf produce`.

#include <string>

#include <CLI/CLI.hpp>

#include "kappa/client/producer.h"

namespace kappa::cli {

struct ProducerFlags {
  std::string compression = "none";
  std::string acks = "all";
  int linger_ms = 5;
  int batch_size = 16 * 1024;
  int max_in_flight = 1;
  bool idempotent = false;
};

void add_producer_flags(CLI::App* cmd, ProducerFlags& flags);
// Throws UsageError for values CLI11 could not check.
client::ProducerOptions producer_options(const ProducerFlags& flags);

}  // namespace kappa::cli

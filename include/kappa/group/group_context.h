#pragma once
// What every group state machine of one coordinator partition shares: the
// settings, the clock, where records go, and where new member ids come from.

#include <functional>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "kappa/common/clock.h"
#include "kappa/group/group_config.h"
#include "kappa/group/record_sink.h"

namespace kappa::group {

struct GroupContext {
  const GroupConfig& config;
  const Clock& clock;
  RecordSink& sink;
  // A fresh random UUID in text form (member ids); injectable for tests.
  std::function<std::string()> new_uuid;
  std::shared_ptr<spdlog::logger> logger;
  std::string log_prefix;  // "[__consumer_offsets-7] "

  int64_t now() const { return clock.monotonic_ms(); }
  int64_t wall() const { return clock.wall_ms(); }
};

// java.util.UUID#toString of a random (version 4) UUID: 8-4-4-4-12 hex digits.
std::string random_java_uuid();

}  // namespace kappa::group

#pragma once
// The "raft" module logger.  Lines carry the node and term: "[n1 t7] ...".

#include <spdlog/spdlog.h>

#include "kappa/common/log.h"

namespace kappa::raft {

inline spdlog::logger& raft_logger() {
  static const auto logger = logging::get("raft");
  return *logger;
}

}  // namespace kappa::raft

#pragma once
// The storage module's logger.

#include <spdlog/spdlog.h>

#include "kappa/common/log.h"

namespace kappa::storage {

inline spdlog::logger& logger() {
  static const auto instance = logging::get("storage");
  return *instance;
}

}  // namespace kappa::storage

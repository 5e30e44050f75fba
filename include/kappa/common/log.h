#pragma once
// One spdlog logger per module ("storage", "broker", "raft", ...), created on
// first use and sharing one sink, so levels can be set per module.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace kappa::logging {

// Returns the logger for `module`; safe for concurrent use.
std::shared_ptr<spdlog::logger> get(std::string_view module);
// Applies a spec like "info" or "info,storage=debug,raft=trace".
// Returns an error message on a bad spec, empty on success.
std::string configure(std::string_view spec);

}  // namespace kappa::logging

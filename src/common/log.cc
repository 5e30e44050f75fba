#include "kappa/common/log.h"

#include <map>
#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace kappa::logging {
namespace {

struct Registry {
  std::mutex mu;
  std::shared_ptr<spdlog::sinks::sink> sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
  spdlog::level::level_enum default_level = spdlog::level::info;
  std::map<std::string, spdlog::level::level_enum, std::less<>> overrides;
};

Registry& registry() {
  static Registry r;
  return r;
}

spdlog::level::level_enum level_for(Registry& r, std::string_view module) {
  auto it = r.overrides.find(module);
  return it == r.overrides.end() ? r.default_level : it->second;
}

}  // namespace

std::shared_ptr<spdlog::logger> get(std::string_view module) {
  auto& r = registry();
  std::lock_guard lock(r.mu);
  auto it = r.loggers.find(module);
  if (it != r.loggers.end()) return it->second;
  auto logger = std::make_shared<spdlog::logger>(std::string(module), r.sink);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
  logger->set_level(level_for(r, module));
  r.loggers.emplace(std::string(module), logger);
  return logger;
}

std::string configure(std::string_view spec) {
  auto& r = registry();
  spdlog::level::level_enum def = r.default_level;
  std::map<std::string, spdlog::level::level_enum, std::less<>> overrides;
  auto parse_level = [](std::string_view s, spdlog::level::level_enum& out) {
    for (int i = 0; i < spdlog::level::n_levels; ++i) {
      auto lvl = static_cast<spdlog::level::level_enum>(i);
      auto name = spdlog::level::to_string_view(lvl);
      if (std::string_view(name.data(), name.size()) == s) {
        out = lvl;
        return true;
      }
    }
    if (s == "warning") {
      out = spdlog::level::warn;
      return true;
    }
    return false;
  };
  size_t pos = 0;
  while (pos <= spec.size()) {
    size_t end = spec.find(',', pos);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view item = spec.substr(pos, end - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      spdlog::level::level_enum lvl;
      if (eq == std::string_view::npos) {
        if (!parse_level(item, lvl)) return "unknown log level '" + std::string(item) + "'";
        def = lvl;
      } else {
        if (!parse_level(item.substr(eq + 1), lvl)) {
          return "unknown log level '" + std::string(item.substr(eq + 1)) + "'";
        }
        overrides[std::string(item.substr(0, eq))] = lvl;
      }
    }
    pos = end + 1;
  }
  std::lock_guard lock(r.mu);
  r.default_level = def;
  r.overrides = std::move(overrides);
  for (auto& [name, logger] : r.loggers) logger->set_level(level_for(r, name));
  return {};
}

}  // namespace kappa::logging

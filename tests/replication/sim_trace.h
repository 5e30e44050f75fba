#pragma once
// The last lines of what happened in a simulation run, printed with a
// failing seed.

#include <cstdint>
#include <deque>
#include <string>

#include <fmt/format.h>

namespace kappa::replication::sim {

class SimTrace {
 public:
  explicit SimTrace(size_t keep = 400) : keep_(keep) {}
  template <typename... Args>
  void add(int64_t now_ms, fmt::format_string<Args...> f, Args&&... args) {
    lines_.push_back(fmt::format("{:>7} {}", now_ms, fmt::format(f, std::forward<Args>(args)...)));
    if (lines_.size() > keep_) lines_.pop_front();
  }
  std::string tail() const {
    std::string out;
    for (const auto& l : lines_) out += l + "\n";
    return out;
  }

 private:
  size_t keep_;
  std::deque<std::string> lines_;
};

}  // namespace kappa::replication::sim

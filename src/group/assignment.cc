#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kappa/group/consumer_member.h"

namespace kappa::group {

size_t partition_count(const Assignment& a) {
  size_t n = 0;
  for (const auto& [t, ps] : a) n += ps.size();
  return n;
}

bool contains(const Assignment& a, const protocol::Uuid& topic, int32_t partition) {
  auto it = a.find(topic);
  return it != a.end() && it->second.count(partition);
}

bool is_subset(const Assignment& sub, const Assignment& of) {
  for (const auto& [t, ps] : sub) {
    for (int32_t p : ps) {
      if (!contains(of, t, p)) return false;
    }
  }
  return true;
}

std::string to_string(const Assignment& a) {
  std::string out;
  for (const auto& [t, ps] : a) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}-[{}]", t.to_string(), fmt::join(ps, ","));
  }
  return out;
}

}  // namespace kappa::group

#include "kappa/client/group_assignment.h"

#include <algorithm>
#include <iterator>

namespace kappa::client {

AssignmentChange reconcile(const std::set<TopicPartition>& owned, const std::set<TopicPartition>& target) {
  AssignmentChange out;
  std::set_difference(owned.begin(), owned.end(), target.begin(), target.end(), std::back_inserter(out.revoked));
  std::set_difference(target.begin(), target.end(), owned.begin(), owned.end(), std::back_inserter(out.added));
  return out;
}

std::map<std::string, std::vector<TopicPartition>> range_assign(
    const std::map<std::string, std::vector<std::string>>& subscriptions,
    const std::map<std::string, int32_t>& partition_counts) {
  std::map<std::string, std::vector<TopicPartition>> out;
  std::map<std::string, std::vector<std::string>> members_of;  // topic -> members, sorted (map order)
  for (const auto& [member, topics] : subscriptions) {
    out[member];
    for (const auto& t : std::set<std::string>(topics.begin(), topics.end())) members_of[t].push_back(member);
  }
  for (const auto& [topic, members] : members_of) {
    auto count = partition_counts.find(topic);
    if (count == partition_counts.end() || count->second <= 0) continue;
    const int32_t n = count->second;
    const auto m = static_cast<int32_t>(members.size());
    const int32_t per = n / m;
    const int32_t extra = n % m;
    for (int32_t i = 0; i < m; ++i) {
      const int32_t start = per * i + std::min(i, extra);
      const int32_t length = per + (i < extra ? 1 : 0);
      for (int32_t p = start; p < start + length; ++p) out[members[i]].push_back({topic, p});
    }
  }
  return out;
}

}  // namespace kappa::client

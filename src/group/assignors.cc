// The uniform assignor: sticky first, then balanced by moving partitions
// from the most loaded eligible member to the least loaded one.
#include <algorithm>

#include "kappa/group/assignor.h"

namespace kappa::group {
namespace {

using protocol::Uuid;
using TopicPartition = std::pair<Uuid, int32_t>;

class UniformAssignor final : public PartitionAssignor {
 public:
  std::string_view name() const override { return "uniform"; }

  std::map<std::string, Assignment> assign(const AssignmentInput& in) const override {
    std::map<std::string, std::set<TopicPartition>> owned;
    std::map<std::string, const AssignmentMember*> members;
    for (const auto& m : in.members) {
      owned[m.member_id];
      members[m.member_id] = &m;
    }
    auto eligible = [&](const std::string& member, const TopicPartition& tp) {
      return members.at(member)->topics.count(tp.first) > 0;
    };
    // 1. Keep what each member already has, if still valid.
    std::set<TopicPartition> taken;
    for (const auto& [member, assignment] : in.current) {
      if (!members.count(member)) continue;
      for (const auto& [topic, parts] : assignment) {
        auto count = in.partitions.find(topic);
        if (count == in.partitions.end()) continue;
        for (int32_t p : parts) {
          TopicPartition tp{topic, p};
          if (p < count->second && eligible(member, tp) && taken.insert(tp).second) owned[member].insert(tp);
        }
      }
    }
    // 2. Hand out the rest, each to the least loaded eligible member.
    for (const auto& [topic, count] : in.partitions) {
      for (int32_t p = 0; p < count; ++p) {
        TopicPartition tp{topic, p};
        if (taken.count(tp)) continue;
        const std::string* best = nullptr;
        for (const auto& [member, parts] : owned) {
          if (eligible(member, tp) && (!best || parts.size() < owned[*best].size())) best = &member;
        }
        if (best) owned[*best].insert(tp);
      }
    }
    // 3. Balance: move a partition while some member has two more than
    // another member that could take it.  Each move lowers the sum of
    // squared loads, so this ends.
    bool moved = true;
    while (moved) {
      moved = false;
      std::vector<std::string> by_load;
      for (const auto& [member, parts] : owned) by_load.push_back(member);
      std::stable_sort(by_load.begin(), by_load.end(),
                       [&](const auto& a, const auto& b) { return owned[a].size() > owned[b].size(); });
      for (const auto& from : by_load) {
        for (auto it = by_load.rbegin(); it != by_load.rend() && !moved; ++it) {
          const std::string& to = *it;
          if (owned[to].size() + 1 >= owned[from].size()) break;
          // The highest-numbered movable partition moves.
          for (auto p = owned[from].rbegin(); p != owned[from].rend(); ++p) {
            if (eligible(to, *p)) {
              owned[to].insert(*p);
              owned[from].erase(std::next(p).base());
              moved = true;
              break;
            }
          }
        }
        if (moved) break;
      }
    }
    std::map<std::string, Assignment> out;
    for (const auto& [member, parts] : owned) {
      auto& a = out[member];
      for (const auto& [topic, p] : parts) a[topic].insert(p);
    }
    return out;
  }
};

class RangeAssignor final : public PartitionAssignor {
 public:
  std::string_view name() const override { return "range"; }

  std::map<std::string, Assignment> assign(const AssignmentInput& in) const override {
    std::map<std::string, Assignment> out;
    for (const auto& m : in.members) out[m.member_id];
    for (const auto& [topic, count] : in.partitions) {
      std::vector<std::string> subscribers;  // in member-id order (out is sorted)
      for (const auto& m : in.members) {
        if (m.topics.count(topic)) subscribers.push_back(m.member_id);
      }
      std::sort(subscribers.begin(), subscribers.end());
      if (subscribers.empty()) continue;
      const int32_t n = static_cast<int32_t>(subscribers.size());
      const int32_t quota = count / n, extra = count % n;
      int32_t next = 0;
      for (int32_t i = 0; i < n; ++i) {
        const int32_t take = quota + (i < extra ? 1 : 0);
        for (int32_t k = 0; k < take; ++k) out[subscribers[i]][topic].insert(next++);
      }
    }
    for (auto& [member, a] : out) {
      for (auto it = a.begin(); it != a.end();) it = it->second.empty() ? a.erase(it) : std::next(it);
    }
    return out;
  }
};

}  // namespace

const PartitionAssignor* find_assignor(std::string_view name) {
  static const UniformAssignor uniform;
  static const RangeAssignor range;
  if (name == uniform.name()) return &uniform;
  if (name == range.name()) return &range;
  return nullptr;
}

}  // namespace kappa::group

#include "kappa/controller/replica_placer.h"

#include <algorithm>
#include <set>

namespace kappa::controller {

ReplicaPlacer::ReplicaPlacer(std::vector<PlacementBroker> brokers) {
  std::sort(brokers.begin(), brokers.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  // Interleave racks: r1b1, r2b1, r3b1, r1b2, ...
  std::map<std::string, std::vector<PlacementBroker>> by_rack;
  for (auto& b : brokers) by_rack[b.rack.value_or("")].push_back(b);
  for (size_t round = 0; order_.size() < brokers.size(); ++round) {
    for (auto& [rack, list] : by_rack) {
      if (round < list.size()) order_.push_back(list[round]);
    }
  }
  for (const auto& b : order_) {
    leaders_[b.id] = 0;
    replicas_[b.id] = 0;
  }
}

void ReplicaPlacer::add_existing(const std::vector<int32_t>& replicas) {
  for (size_t i = 0; i < replicas.size(); ++i) {
    auto it = replicas_.find(replicas[i]);
    if (it == replicas_.end()) continue;
    ++it->second;
    if (i == 0) ++leaders_[replicas[i]];
  }
}

std::vector<int32_t> ReplicaPlacer::place(int rf) {
  std::vector<int32_t> out;
  if (rf <= 0 || static_cast<size_t>(rf) > order_.size()) return out;
  // Leader: fewest leaders, then fewest replicas, then position.
  size_t leader = 0;
  for (size_t i = 1; i < order_.size(); ++i) {
    auto key = [&](size_t k) { return std::pair(leaders_[order_[k].id], replicas_[order_[k].id]); };
    if (key(i) < key(leader)) leader = i;
  }
  out.push_back(order_[leader].id);
  std::set<std::string> racks{order_[leader].rack.value_or("")};
  std::set<int32_t> chosen{order_[leader].id};
  while (out.size() < static_cast<size_t>(rf)) {
    std::optional<size_t> best;
    auto score = [&](size_t k) {
      bool new_rack = !racks.count(order_[k].rack.value_or(""));
      size_t distance = (k + order_.size() - leader) % order_.size();
      return std::tuple(!new_rack, replicas_[order_[k].id], distance);
    };
    for (size_t k = 0; k < order_.size(); ++k) {
      if (chosen.count(order_[k].id)) continue;
      if (!best || score(k) < score(*best)) best = k;
    }
    out.push_back(order_[*best].id);
    chosen.insert(order_[*best].id);
    racks.insert(order_[*best].rack.value_or(""));
  }
  ++leaders_[out.front()];
  for (int32_t id : out) ++replicas_[id];
  return out;
}

}  // namespace kappa::controller

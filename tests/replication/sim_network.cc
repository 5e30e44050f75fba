#include "replication/sim_network.h"

#include <algorithm>

namespace kappa::replication::sim {

void SimNetwork::set_up(int node, bool up) {
  if (up) {
    down_.erase(node);
  } else {
    down_.insert(node);
  }
  ++incarnation_[node];
}

bool SimNetwork::is_up(int node) const { return !down_.count(node); }

void SimNetwork::isolate(const std::set<int>& side) {
  std::set<int> nodes{kController, kClient};
  for (const auto& [n, inc] : incarnation_) nodes.insert(n);
  for (int a : side) {
    for (int b : nodes) {
      if (!side.count(b)) cut(a, b);
    }
  }
}

void SimNetwork::cut(int a, int b) { cuts_.insert({std::min(a, b), std::max(a, b)}); }

void SimNetwork::heal() { cuts_.clear(); }

bool SimNetwork::connected(int a, int b) const { return !cuts_.count({std::min(a, b), std::max(a, b)}); }

void SimNetwork::send(int from, int to, std::function<void()> deliver) {
  if (!is_up(from) || !is_up(to) || !connected(from, to) || rng_.chance(faults_.drop)) {
    ++dropped_;
    return;
  }
  int64_t delay = rng_.uniform(faults_.min_delay_ms, faults_.max_delay_ms);
  if (rng_.chance(faults_.spike)) delay += rng_.uniform(0, faults_.spike_ms);
  const uint64_t from_inc = incarnation_[from], to_inc = incarnation_[to];
  queue_.after(delay, [this, from, to, from_inc, to_inc, deliver = std::move(deliver)] {
    if (incarnation_[from] != from_inc || incarnation_[to] != to_inc || !connected(from, to)) {
      ++dropped_;
      return;
    }
    ++delivered_;
    deliver();
  });
}

}  // namespace kappa::replication::sim

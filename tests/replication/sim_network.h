#pragma once
// The simulated network between brokers, the controller and the client.
// A message is a closure run at its destination after a random delay
// (random delays reorder messages), unless it is lost: dropped at random,
// cut by a network partition (checked when sent and when delivered), or
// sent to/from a node that crashed or restarted meanwhile (its connections
// died with it, like TCP).

#include <cstdint>
#include <functional>
#include <map>
#include <set>

#include "replication/sim_events.h"

namespace kappa::replication::sim {

inline constexpr int kController = 0;
inline constexpr int kClient = 100;

struct NetworkFaults {
  double drop = 0;           // chance a message is lost
  int64_t min_delay_ms = 1;
  int64_t max_delay_ms = 5;
  double spike = 0;          // chance of a much longer delay (up to spike_ms)
  int64_t spike_ms = 300;
};

class SimNetwork {
 public:
  SimNetwork(EventQueue& queue, SimRandom& rng) : queue_(queue), rng_(rng) {}

  void set_faults(const NetworkFaults& f) { faults_ = f; }
  // A node went down (false) or came back as a new incarnation (true).
  void set_up(int node, bool up);
  bool is_up(int node) const;
  // Nodes in `side` cannot reach nodes outside it (both directions).
  void isolate(const std::set<int>& side);
  void cut(int a, int b);
  void heal();
  bool connected(int a, int b) const;

  void send(int from, int to, std::function<void()> deliver);

  uint64_t delivered() const { return delivered_; }
  uint64_t dropped() const { return dropped_; }

 private:
  EventQueue& queue_;
  SimRandom& rng_;
  NetworkFaults faults_;
  std::map<int, uint64_t> incarnation_;  // bumped when a node goes down
  std::set<int> down_;
  std::set<std::pair<int, int>> cuts_;  // (min, max)
  uint64_t delivered_ = 0, dropped_ = 0;
};

}  // namespace kappa::replication::sim

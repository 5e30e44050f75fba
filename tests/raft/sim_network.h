#pragma once
// The simulated network: every message gets a random delay (so messages are
// reordered), may be dropped or duplicated, and is lost if a partition cuts
// its link at send or delivery time.  Partitions are directed, so asymmetric
// ones (a hears b, b does not hear a) are possible.  All randomness comes from
// the simulation's generator, so a seed replays exactly.

#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "kappa/raft/message.h"

namespace kappa::raft::sim {

struct NetworkFaults {
  double drop_rate = 0;
  double duplicate_rate = 0;
  int64_t max_delay_ms = 10;   // usual delay is uniform in [1, max_delay_ms]
  double long_delay_rate = 0;  // ...but sometimes up to long_delay_ms
  int64_t long_delay_ms = 0;
};

class SimNetwork {
 public:
  SimNetwork(int nodes, std::mt19937_64& rng)
      : rng_(rng), cut_(static_cast<size_t>((nodes + 1) * (nodes + 1))), n_(nodes + 1) {}

  void set_faults(const NetworkFaults& faults) { faults_ = faults; }
  // Returns false if the message was lost right away (drop or cut link).
  bool send(Message m, int64_t now_ms);
  // The next message due at or before now_ms, if any.
  bool has_due(int64_t now_ms) const { return !queue_.empty() && queue_.begin()->first.first <= now_ms; }
  Message pop();

  void cut(int from, int to) { cut_[index(from, to)] = true; }
  bool is_cut(int from, int to) const { return cut_[index(from, to)]; }
  void heal() { std::fill(cut_.begin(), cut_.end(), false); }
  size_t in_flight() const { return queue_.size(); }
  // A node lost power: what it sent since `since_ms` was still in its send
  // buffers and never left the machine.  Returns how many messages were lost.
  size_t lose_sent_by(int node, int64_t since_ms);

 private:
  size_t index(int from, int to) const { return static_cast<size_t>(from * n_ + to); }
  bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int64_t delay();
  void enqueue(Message m, int64_t now_ms);

  std::mt19937_64& rng_;
  NetworkFaults faults_;
  std::vector<bool> cut_;
  int n_;
  struct InFlight {
    int64_t sent_ms;
    Message message;
  };
  // Keyed by (due time, send sequence): FIFO among messages due together.
  std::map<std::pair<int64_t, uint64_t>, InFlight> queue_;
  uint64_t seq_ = 0;
};

}  // namespace kappa::raft::sim

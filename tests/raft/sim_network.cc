#include "raft/sim_network.h"

namespace kappa::raft::sim {

bool SimNetwork::send(Message m, int64_t now_ms) {
  if (is_cut(m.from.value(), m.to.value()) || chance(faults_.drop_rate)) return false;
  if (chance(faults_.duplicate_rate)) enqueue(m, now_ms);
  enqueue(std::move(m), now_ms);
  return true;
}

Message SimNetwork::pop() {
  auto node = queue_.extract(queue_.begin());
  return std::move(node.mapped().message);
}

int64_t SimNetwork::delay() {
  if (chance(faults_.long_delay_rate)) return 1 + static_cast<int64_t>(rng_() % faults_.long_delay_ms);
  return 1 + static_cast<int64_t>(rng_() % faults_.max_delay_ms);
}

void SimNetwork::enqueue(Message m, int64_t now_ms) {
  queue_.emplace(std::pair{now_ms + delay(), seq_++}, InFlight{now_ms, std::move(m)});
}

size_t SimNetwork::lose_sent_by(int node, int64_t since_ms) {
  size_t lost = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (it->second.message.from.value() == node && it->second.sent_ms >= since_ms) {
      it = queue_.erase(it);
      ++lost;
    } else {
      ++it;
    }
  }
  return lost;
}

}  // namespace kappa::raft::sim

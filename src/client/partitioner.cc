#include "kappa/client/partitioner.h"

#include <span>

#include "kappa/client/murmur2.h"

namespace kappa::client {

Partitioner::Partitioner(uint32_t seed) : state_(seed | 1) {}

int32_t Partitioner::for_key(const std::string& key, int32_t partition_count) {
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(key.data()), key.size());
  return partition_for_key(bytes, partition_count);
}

int32_t Partitioner::sticky(const std::string& topic, int32_t partition_count) {
  auto it = sticky_.find(topic);
  if (it == sticky_.end()) {
    state_ = state_ * 1664525u + 1013904223u;  // a small LCG is plenty for spreading
    it = sticky_.emplace(topic, static_cast<int32_t>((state_ >> 8) % static_cast<uint32_t>(partition_count))).first;
  }
  if (it->second >= partition_count) it->second %= partition_count;
  return it->second;
}

int32_t Partitioner::advance(const std::string& topic, int32_t partition_count) {
  int32_t next = (sticky(topic, partition_count) + 1) % partition_count;
  sticky_[topic] = next;
  return next;
}

}  // namespace kappa::client

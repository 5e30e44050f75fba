#pragma once
// Partitioner: where the producer puts a record, as the Java client does.
//   - an explicit partition wins;
//   - a keyed record goes to to_positive(murmur2(key)) % partition_count
//     (murmur2.h), so keys land where every Kafka client puts them;
//   - unkeyed records stick to one partition per topic until the producer
//     starts a new batch for it, then move on round-robin (KIP-480's idea:
//     full batches instead of one record per partition per request).
// Not thread-safe.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace kappa::client {

class Partitioner {
 public:
  explicit Partitioner(uint32_t seed);

  // The partition for a keyed record.
  static int32_t for_key(const std::string& key, int32_t partition_count);
  // The current sticky partition of `topic` (picked at random at first).
  int32_t sticky(const std::string& topic, int32_t partition_count);
  // Moves `topic` on to its next partition and returns it.
  int32_t advance(const std::string& topic, int32_t partition_count);

 private:
  std::map<std::string, int32_t, std::less<>> sticky_;
  uint32_t state_;
};

}  // namespace kappa::client

#pragma once
// Kafka's murmur2: MurmurHash2 (32-bit) with seed 0x9747b28c, reading the
// input in little-endian 4-byte blocks, exactly as the Java client's
// Utils.murmur2 does. The Java default partitioner puts a keyed record in
// partition to_positive(murmur2(key)) % partition_count; using the same
// function keeps keys on the partitions every other Kafka client picks.

#include <cstdint>
#include <span>
#include <string_view>

namespace kappa::client {

// The hash as Java's signed int.
int32_t murmur2(std::span<const uint8_t> data);
inline int32_t murmur2(std::string_view data) {
  return murmur2(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

// Java's Utils.toPositive: clears the sign bit (not abs()).
inline int32_t to_positive(int32_t v) { return v & 0x7fffffff; }

// The partition the Java client's default partitioner gives a keyed record.
inline int32_t partition_for_key(std::span<const uint8_t> key, int32_t partition_count) {
  return to_positive(murmur2(key)) % partition_count;
}

}  // namespace kappa::client

#pragma once
// Which __consumer_offsets partition coordinates a group:
//   abs(hashCode(group_id)) % partitions
// with Java's String.hashCode over UTF-16 code units and Kafka's abs, which
// maps Integer.MIN_VALUE to 0.  Every Kafka client and broker agrees on this
// mapping, so it must be bit-exact.

#include <cstdint>
#include <string_view>

namespace kappa::group {

// java.lang.String#hashCode of the string Java decodes from these UTF-8
// bytes (malformed input becomes U+FFFD exactly where Java's decoder puts
// them: a group id is whatever bytes a client sent).
int32_t java_string_hashcode(std::string_view utf8);

// Kafka's Utils.abs: |n|, and 0 for INT32_MIN.
inline int32_t kafka_abs(int32_t n) { return n == INT32_MIN ? 0 : (n < 0 ? -n : n); }

// The partition of `group_id`; `partitions` must be positive.
int32_t partition_for_group(std::string_view group_id, int32_t partitions);

}  // namespace kappa::group

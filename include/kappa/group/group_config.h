#pragma once
// The broker settings the group coordinator runs with (offsets.*, group.*),
// as plain values so the state machines can be driven without a broker.

#include <cstdint>
#include <string>
#include <vector>

namespace kappa::group {

struct GroupConfig {
  // Classic protocol.
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 1'800'000;
  int32_t initial_rebalance_delay_ms = 3000;
  int32_t max_size = INT32_MAX;
  // A member that joined but never completed a rebalance is dropped after
  // this long (Kafka's fixed 5 minutes: it cannot heartbeat yet).
  int64_t new_member_join_timeout_ms = 300'000;

  // Offsets.
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
  int32_t offset_metadata_max_bytes = 4096;
  int64_t offsets_commit_timeout_ms = 5000;

  // KIP-848 consumer groups.
  bool consumer_protocol_enabled = true;
  int32_t consumer_session_timeout_ms = 45'000;
  int32_t consumer_heartbeat_interval_ms = 5000;
  int32_t consumer_max_size = INT32_MAX;
  std::vector<std::string> consumer_assignors = {"uniform", "range"};  // first = default
};

}  // namespace kappa::group

#pragma once
// BrokerVersions: the API version ranges one broker advertised in its
// ApiVersions response, and the version choice made from them.
//
// The client speaks, per API, the highest version that both its own codec
// (protocol::api_spec(key).min_version..max_version) and the broker support.
// Kafka 4.x advertises Produce from v0 while rejecting v0-2; since the
// codec starts at v3 the intersection never picks those.

#include <cstdint>
#include <map>
#include <optional>

#include "kappa/protocol/api_key.h"
#include "kappa/protocol/msg/api_versions.h"

namespace kappa::client {

// Pass as a version to mean "negotiate" (or "no cap" for pick()).
inline constexpr int16_t kAutoVersion = -1;

struct VersionRange {
  int16_t min = 0;
  int16_t max = 0;
  friend bool operator==(const VersionRange&, const VersionRange&) = default;
};

class BrokerVersions {
 public:
  // Unknown: nothing negotiated; pick() then answers with the codec's maximum.
  BrokerVersions() = default;
  explicit BrokerVersions(const protocol::ApiVersionsResponse& response);

  bool known() const { return known_; }
  // The broker's range for `key`; nullopt if the broker does not advertise it
  // (or, when unknown, if the codec has no schema for it).
  std::optional<VersionRange> range(protocol::ApiKey key) const;
  bool supports(protocol::ApiKey key) const { return pick(key).has_value(); }
  // The highest version both sides support, at most `cap` (kAutoVersion: no
  // cap); nullopt if there is none.
  std::optional<int16_t> pick(protocol::ApiKey key, int16_t cap = kAutoVersion) const;
  // True if `version` is inside both ranges.
  bool allows(protocol::ApiKey key, int16_t version) const;

 private:
  std::map<int16_t, VersionRange> ranges_;
  bool known_ = false;
};

}  // namespace kappa::client

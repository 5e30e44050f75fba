#include "kappa/client/broker_versions.h"

#include <algorithm>

#include "kappa/protocol/api_table.h"

namespace kappa::client {

BrokerVersions::BrokerVersions(const protocol::ApiVersionsResponse& response) : known_(true) {
  for (const auto& k : response.api_keys) ranges_[k.api_key] = {k.min_version, k.max_version};
}

std::optional<VersionRange> BrokerVersions::range(protocol::ApiKey key) const {
  if (!known_) {
    const auto* spec = protocol::find_api(static_cast<int16_t>(key));
    if (!spec) return std::nullopt;
    return VersionRange{spec->min_version, spec->max_version};
  }
  auto it = ranges_.find(static_cast<int16_t>(key));
  if (it == ranges_.end()) return std::nullopt;
  return it->second;
}

std::optional<int16_t> BrokerVersions::pick(protocol::ApiKey key, int16_t cap) const {
  const auto* spec = protocol::find_api(static_cast<int16_t>(key));
  auto theirs = range(key);
  if (!spec || !theirs) return std::nullopt;
  int16_t lo = std::max(spec->min_version, theirs->min);
  int16_t hi = std::min(spec->max_version, theirs->max);
  if (cap != kAutoVersion) hi = std::min(hi, cap);
  if (hi < lo) return std::nullopt;
  return hi;
}

bool BrokerVersions::allows(protocol::ApiKey key, int16_t version) const {
  const auto* spec = protocol::find_api(static_cast<int16_t>(key));
  auto theirs = range(key);
  return spec && theirs && spec->supports(version) && version >= theirs->min && version <= theirs->max;
}

}  // namespace kappa::client

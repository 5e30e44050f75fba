#pragma once
// Read-only views of the metadata image shaped the way responses need them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/metadata/metadata_image.h"

namespace kappa::broker {

struct BrokerAddress {
  int32_t id;
  std::string host;
  int32_t port;
  std::optional<std::string> rack;
};

// Live (registered, unfenced) brokers with their endpoint on `listener`.
std::vector<BrokerAddress> live_brokers(const metadata::MetadataImage& image, std::string_view listener);
// Replicas of `p` whose broker is not live.
std::vector<int32_t> offline_replicas(const metadata::MetadataImage& image, const metadata::PartitionState& p);
bool is_live(const metadata::MetadataImage& image, int32_t broker_id);

// Kafka's topic name rules: 1-249 chars of [a-zA-Z0-9._-], not "." or "..".
// Returns an error message, or nullopt when valid.
std::optional<std::string> validate_topic_name(std::string_view name);

}  // namespace kappa::broker

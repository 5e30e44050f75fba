#include "broker/cluster_view.h"

#include <fmt/format.h>

namespace kappa::broker {

bool is_live(const metadata::MetadataImage& image, int32_t broker_id) {
  const auto* b = image.broker(broker_id);
  return b && !b->fenced;
}

std::vector<BrokerAddress> live_brokers(const metadata::MetadataImage& image, std::string_view listener) {
  std::vector<BrokerAddress> out;
  for (const auto& [id, b] : image.brokers()) {
    if (b.fenced) continue;
    const auto* ep = b.endpoint(listener);
    if (!ep && !b.endpoints.empty()) ep = &b.endpoints.front();
    if (!ep) continue;
    out.push_back({id, ep->host, ep->port, b.rack});
  }
  return out;
}

std::vector<int32_t> offline_replicas(const metadata::MetadataImage& image, const metadata::PartitionState& p) {
  std::vector<int32_t> out;
  for (int32_t r : p.replicas) {
    if (!is_live(image, r)) out.push_back(r);
  }
  return out;
}

std::optional<std::string> validate_topic_name(std::string_view name) {
  if (name.empty()) return "topic name is empty";
  if (name == "." || name == "..") return "topic name cannot be '.' or '..'";
  if (name.size() > 249) return fmt::format("topic name is longer than 249 characters");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) return fmt::format("topic name '{}' has a character outside [a-zA-Z0-9._-]", name);
  }
  return std::nullopt;
}

}  // namespace kappa::broker

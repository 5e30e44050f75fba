#include "kappa/group/consumer_protocol.h"

#include <algorithm>

#include "kappa/protocol/msg/consumer_protocol_subscription.h"

namespace kappa::group {

std::optional<std::vector<std::string>> parse_subscription_topics(std::span<const uint8_t> metadata) {
  try {
    protocol::Reader r(metadata);
    const int16_t version = r.i16();
    if (version < 0) return std::nullopt;
    protocol::ConsumerProtocolSubscription s;
    // Later versions only append fields: read the prefix we know.
    s.decode(r, std::min<int16_t>(version, protocol::ConsumerProtocolSubscription::kMaxVersion));
    return std::move(s.topics);
  } catch (const protocol::DecodeError&) {
    return std::nullopt;
  }
}

}  // namespace kappa::group

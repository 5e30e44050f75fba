#pragma once
// The "consumer" embedded protocol of classic groups: JoinGroup protocol
// metadata is a ConsumerProtocolSubscription prefixed by its int16 version.
// The coordinator treats it as opaque except to learn which topics a group
// consumes (offset expiry, OffsetDelete).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/protocol/wire.h"

namespace kappa::group {

inline constexpr std::string_view kConsumerProtocolType = "consumer";

// The subscribed topics, or nullopt when the bytes do not parse.
std::optional<std::vector<std::string>> parse_subscription_topics(std::span<const uint8_t> metadata);

}  // namespace kappa::group

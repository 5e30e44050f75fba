#pragma once
// The "consumer" embedded protocol of classic groups, as Kafka's
// ConsumerProtocol encodes it: JoinGroup metadata is a
// ConsumerProtocolSubscription and SyncGroup assignments are
// ConsumerProtocolAssignments, each prefixed by an int16 version.
//
// We write version 0 of both (every client reads it) and read any version:
// later versions only append fields, which are ignored.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kappa/client/records.h"

namespace kappa::client {

inline constexpr const char* kConsumerProtocolType = "consumer";

struct ConsumerSubscription {
  std::vector<std::string> topics;
};

std::vector<uint8_t> encode_subscription(const ConsumerSubscription& subscription);
// nullopt when the bytes do not parse.
std::optional<ConsumerSubscription> decode_subscription(std::span<const uint8_t> bytes);

// Partitions grouped by topic in the encoding; order is preserved.
std::vector<uint8_t> encode_assignment(const std::vector<TopicPartition>& partitions);
// An empty buffer is an empty assignment (what Kafka sends to members it
// gives nothing); nullopt when the bytes do not parse.
std::optional<std::vector<TopicPartition>> decode_assignment(std::span<const uint8_t> bytes);

}  // namespace kappa::client

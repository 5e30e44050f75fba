#pragma once
// Finds the local partition a client request names, or the Kafka error to
// answer with: UNKNOWN_TOPIC_OR_PARTITION (or UNKNOWN_TOPIC_ID) when the
// cluster has no such partition, NOT_LEADER_OR_FOLLOWER when it lives on
// other brokers or this broker does not lead it.

#include <string_view>

#include "broker/broker.h"
#include "kappa/protocol/error_code.h"
#include "kappa/replication/partition.h"

namespace kappa::broker {

struct LeaderLookup {
  replication::Partition* partition = nullptr;  // set only when error == kNone
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
};

LeaderLookup find_leader(Broker& broker, std::string_view topic, int32_t partition);
LeaderLookup find_leader(Broker& broker, const protocol::Uuid& topic_id, int32_t partition);

}  // namespace kappa::broker

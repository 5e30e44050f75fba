#include "broker/partition_lookup.h"

namespace kappa::broker {
namespace {

LeaderLookup classify(const metadata::TopicImage* topic, int32_t partition, replication::Partition* local,
                      protocol::ErrorCode unknown) {
  if (!topic || partition < 0 || partition >= static_cast<int32_t>(topic->partitions.size())) return {nullptr, unknown};
  if (!local || !local->is_leader()) return {nullptr, protocol::ErrorCode::kNotLeaderOrFollower};
  return {local, protocol::ErrorCode::kNone};
}

}  // namespace

LeaderLookup find_leader(Broker& broker, std::string_view topic, int32_t partition) {
  return classify(broker.image().topic(topic), partition, broker.replicas().get(topic, partition),
                  protocol::ErrorCode::kUnknownTopicOrPartition);
}

LeaderLookup find_leader(Broker& broker, const protocol::Uuid& topic_id, int32_t partition) {
  return classify(broker.image().topic(topic_id), partition, broker.replicas().get(topic_id, partition),
                  protocol::ErrorCode::kUnknownTopicId);
}

}  // namespace kappa::broker

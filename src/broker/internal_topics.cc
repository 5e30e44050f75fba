// Broker::ensure_internal_topic: internal topics are created on first need
// through the active controller, wherever it runs.  Kept apart from
// broker.cc so topic creation can change in one place.
#include "broker/broker.h"
#include "kappa/common/log.h"

namespace kappa::broker {

awaitable<protocol::ErrorCode> Broker::ensure_internal_topic(std::string name, int32_t partitions,
                                                             int16_t replication_factor,
                                                             std::map<std::string, std::string> configs) {
  if (image_.topic(name)) co_return protocol::ErrorCode::kNone;
  controller::NewTopic topic;
  topic.name = name;
  topic.num_partitions = partitions;
  topic.replication_factor = replication_factor;
  topic.configs = std::move(configs);
  auto created = co_await create_topic_anywhere(std::move(topic));
  if (created.ok()) {
    logging::get("broker")->info("created internal topic {} with {} partitions, replication factor {}", name,
                                 partitions, replication_factor);
    co_return protocol::ErrorCode::kNone;
  }
  if (created.error == protocol::ErrorCode::kTopicAlreadyExists) co_return protocol::ErrorCode::kNone;
  logging::get("broker")->warn("cannot create internal topic {}: {}", name, created.message);
  co_return created.error;
}

}  // namespace kappa::broker

// CreateTopics: validate each topic and create it through the controller;
// validate_only plans without writing.  v5+ reports the resulting partition
// count, replication factor and configs.
#include <map>
#include <set>

#include "broker/broker.h"
#include "broker/config_describer.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/create_topics.h"

namespace kappa::broker {

using protocol::CreateTopicsResponse;
using protocol::ErrorCode;

awaitable<CreateTopicsResponse> handle_create_topics(RequestContext& ctx, protocol::CreateTopicsRequest& req) {
  Broker& broker = ctx.broker;
  CreateTopicsResponse resp;
  std::map<std::string, int> counts;
  for (const auto& t : req.topics) ++counts[t.name];
  for (auto& t : req.topics) {
    CreateTopicsResponse::CreatableTopicResult result;
    result.name = t.name;
    if (counts[t.name] > 1) {
      result.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
      result.error_message = "Duplicate topic name in the request.";
      resp.topics.push_back(std::move(result));
      continue;
    }
    controller::NewTopic topic;
    topic.name = t.name;
    topic.num_partitions = t.num_partitions;
    topic.replication_factor = t.replication_factor;
    for (const auto& a : t.assignments) topic.assignments[a.partition_index] = a.broker_ids;
    bool null_config = false;
    for (const auto& c : t.configs) {
      if (!c.value) null_config = true;
      else topic.configs[c.name] = *c.value;
    }
    if (null_config) {
      result.error_code = protocol::code_of(ErrorCode::kInvalidConfig);
      result.error_message = "Null value not supported for topic configs.";
      resp.topics.push_back(std::move(result));
      continue;
    }
    if (topic.assignments.size() != t.assignments.size()) {
      result.error_code = protocol::code_of(ErrorCode::kInvalidReplicaAssignment);
      result.error_message = "Duplicate partition index in the assignments.";
      resp.topics.push_back(std::move(result));
      continue;
    }
    auto created = co_await broker.controller().create_topic(topic, req.validate_only);
    result.error_code = protocol::code_of(created.error);
    if (!created.ok()) {
      result.error_message = created.message;
    } else {
      result.topic_id = req.validate_only ? protocol::Uuid{} : created.id;
      result.num_partitions = created.num_partitions;
      result.replication_factor = created.replication_factor;
      auto& configs = result.configs.emplace();
      for (const auto& d : describe_topic_configs(broker.config(), topic.configs)) {
        configs.push_back({d.name, d.value, d.read_only, static_cast<int8_t>(d.source), d.sensitive});
      }
    }
    resp.topics.push_back(std::move(result));
  }
  co_return resp;
}

}  // namespace kappa::broker

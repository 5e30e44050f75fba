// DescribeConfigs: topic configs (overrides over broker defaults) and this
// broker's static configs, with sources, synonyms and documentation.
#include <algorithm>

#include "broker/broker.h"
#include "broker/config_describer.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/describe_configs.h"

namespace kappa::broker {

using protocol::DescribeConfigsResponse;
using protocol::ErrorCode;

namespace {
constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;

void fill(DescribeConfigsResponse::DescribeConfigsResult& result, const std::vector<DescribedConfig>& configs,
          const std::optional<std::vector<std::string>>& keys, bool synonyms, bool documentation) {
  for (const auto& d : configs) {
    if (keys && std::find(keys->begin(), keys->end(), d.name) == keys->end()) continue;
    DescribeConfigsResponse::DescribeConfigsResourceResult c;
    c.name = d.name;
    c.value = d.value;
    c.read_only = d.read_only;
    c.config_source = static_cast<int8_t>(d.source);
    c.is_sensitive = d.sensitive;
    c.config_type = d.type;
    if (documentation) c.documentation = d.documentation;
    if (synonyms) {
      for (const auto& s : d.synonyms) c.synonyms.push_back({s.name, s.value, static_cast<int8_t>(s.source)});
    }
    result.configs.push_back(std::move(c));
  }
}
}  // namespace

awaitable<DescribeConfigsResponse> handle_describe_configs(RequestContext& ctx,
                                                           protocol::DescribeConfigsRequest& req) {
  Broker& broker = ctx.broker;
  DescribeConfigsResponse resp;
  for (const auto& r : req.resources) {
    DescribeConfigsResponse::DescribeConfigsResult result;
    result.resource_type = r.resource_type;
    result.resource_name = r.resource_name;
    if (r.resource_type == kTopicResource) {
      const auto* topic = broker.image().topic(r.resource_name);
      if (!topic) {
        result.error_code = protocol::code_of(ErrorCode::kUnknownTopicOrPartition);
        result.error_message = "Topic " + r.resource_name + " does not exist.";
      } else {
        fill(result, describe_topic_configs(broker.config(), topic->configs), r.configuration_keys,
             req.include_synonyms, req.include_documentation);
      }
    } else if (r.resource_type == kBrokerResource) {
      if (!r.resource_name.empty() && r.resource_name != std::to_string(broker.node_id())) {
        result.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
        result.error_message = "Unexpected broker id, expected " + std::to_string(broker.node_id());
      } else {
        fill(result, describe_broker_configs(broker.config()), r.configuration_keys, req.include_synonyms,
             req.include_documentation);
      }
    } else {
      result.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
      result.error_message = "Unsupported resource type " + std::to_string(r.resource_type);
    }
    resp.results.push_back(std::move(result));
  }
  co_return resp;
}

}  // namespace kappa::broker

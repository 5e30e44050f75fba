// AlterConfigs (replace all overrides of a topic) and IncrementalAlterConfigs
// (SET / DELETE / APPEND / SUBTRACT single settings).  Broker settings are
// static (set in the broker's config file), so broker resources are refused.
#include <algorithm>
#include <map>
#include <optional>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "kappa/config/config_def.h"
#include "kappa/protocol/msg/alter_configs.h"
#include "kappa/protocol/msg/incremental_alter_configs.h"

namespace kappa::broker {

using protocol::ErrorCode;

namespace {
constexpr int8_t kTopicResource = 2;
constexpr int8_t kBrokerResource = 4;

using Changes = std::map<std::string, std::optional<std::string>>;

struct Outcome {
  ErrorCode error = ErrorCode::kNone;
  std::optional<std::string> message;
};

Outcome unsupported_resource(int8_t type) {
  if (type == kBrokerResource) {
    return {ErrorCode::kInvalidRequest,
            "broker settings are static in Kappa: change them in the broker's config file and restart"};
  }
  return {ErrorCode::kInvalidRequest, "Unsupported resource type " + std::to_string(type)};
}

awaitable<Outcome> apply(Broker& broker, const std::string& topic, Changes changes, bool validate_only) {
  auto r = co_await broker.controller().alter_topic_configs(topic, std::move(changes), validate_only);
  co_return Outcome{r.error, r.ok() ? std::nullopt : std::optional<std::string>(r.message)};
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

awaitable<protocol::AlterConfigsResponse> handle_alter_configs(RequestContext& ctx,
                                                               protocol::AlterConfigsRequest& req) {
  protocol::AlterConfigsResponse resp;
  for (const auto& r : req.resources) {
    Outcome outcome;
    if (r.resource_type != kTopicResource) {
      outcome = unsupported_resource(r.resource_type);
    } else if (const auto* topic = ctx.broker.image().topic(r.resource_name); !topic) {
      outcome = {ErrorCode::kUnknownTopicOrPartition, "Topic " + r.resource_name + " does not exist."};
    } else {
      Changes changes;
      for (const auto& [k, v] : topic->configs) changes[k] = std::nullopt;  // full replacement
      for (const auto& c : r.configs) changes[c.name] = c.value;
      outcome = co_await apply(ctx.broker, r.resource_name, std::move(changes), req.validate_only);
    }
    resp.responses.push_back({protocol::code_of(outcome.error), outcome.message, r.resource_type, r.resource_name});
  }
  co_return resp;
}

awaitable<protocol::IncrementalAlterConfigsResponse> handle_incremental_alter_configs(
    RequestContext& ctx, protocol::IncrementalAlterConfigsRequest& req) {
  protocol::IncrementalAlterConfigsResponse resp;
  for (const auto& r : req.resources) {
    Outcome outcome;
    const auto* topic = r.resource_type == kTopicResource ? ctx.broker.image().topic(r.resource_name) : nullptr;
    if (r.resource_type != kTopicResource) {
      outcome = unsupported_resource(r.resource_type);
    } else if (!topic) {
      outcome = {ErrorCode::kUnknownTopicOrPartition, "Topic " + r.resource_name + " does not exist."};
    } else {
      Changes changes;
      config::TopicConfig current(&ctx.broker.config(), topic->configs);
      for (const auto& c : r.configs) {
        const auto* def = config::find_topic_config(c.name);
        if (!def) {
          outcome = {ErrorCode::kInvalidConfig, "unknown topic config '" + c.name + "'"};
          break;
        }
        switch (c.config_operation) {
          case 0:  // SET
            changes[c.name] = c.value;
            if (!c.value) outcome = {ErrorCode::kInvalidRequest, "Null value not supported for SET of " + c.name};
            break;
          case 1:  // DELETE
            changes[c.name] = std::nullopt;
            break;
          case 2:    // APPEND
          case 3: {  // SUBTRACT
            if (def->type != config::ConfigType::kList) {
              outcome = {ErrorCode::kInvalidConfig, c.name + " is not a list; APPEND/SUBTRACT need a list config"};
              break;
            }
            auto items = split(changes.count(c.name) && changes[c.name] ? *changes[c.name] : current.get(c.name));
            for (const auto& v : split(c.value.value_or(""))) {
              auto it = std::find(items.begin(), items.end(), v);
              if (c.config_operation == 2 && it == items.end()) items.push_back(v);
              if (c.config_operation == 3 && it != items.end()) items.erase(it);
            }
            changes[c.name] = join(items);
            break;
          }
          default:
            outcome = {ErrorCode::kInvalidRequest, "unknown config operation " + std::to_string(c.config_operation)};
        }
        if (outcome.error != ErrorCode::kNone) break;
      }
      if (outcome.error == ErrorCode::kNone) {
        outcome = co_await apply(ctx.broker, r.resource_name, std::move(changes), req.validate_only);
      }
    }
    resp.responses.push_back({protocol::code_of(outcome.error), outcome.message, r.resource_type, r.resource_name});
  }
  co_return resp;
}

}  // namespace kappa::broker

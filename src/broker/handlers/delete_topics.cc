// DeleteTopics: by name (v1-5) or by name or topic id (v6+).
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/delete_topics.h"

namespace kappa::broker {

using protocol::DeleteTopicsResponse;
using protocol::ErrorCode;

awaitable<DeleteTopicsResponse> handle_delete_topics(RequestContext& ctx, protocol::DeleteTopicsRequest& req) {
  Broker& broker = ctx.broker;
  DeleteTopicsResponse resp;
  std::vector<protocol::DeleteTopicsRequest::DeleteTopicState> targets = req.topics;
  for (const auto& name : req.topic_names) targets.push_back({name, {}});
  const bool enabled = broker.config().get_bool("delete.topic.enable");
  for (const auto& t : targets) {
    DeleteTopicsResponse::DeletableTopicResult result;
    result.name = t.name;
    result.topic_id = t.topic_id;
    const metadata::TopicImage* topic = nullptr;
    if (t.name) {
      topic = broker.image().topic(*t.name);
    } else {
      topic = broker.image().topic(t.topic_id);
    }
    if (!enabled) {
      result.error_code = protocol::code_of(ErrorCode::kTopicDeletionDisabled);
      result.error_message = "Topic deletion is disabled.";
    } else if (!topic) {
      result.error_code = protocol::code_of(t.name ? ErrorCode::kUnknownTopicOrPartition : ErrorCode::kUnknownTopicId);
      result.error_message = "This server does not host this topic.";
    } else {
      std::string name = topic->name;
      result.name = name;
      result.topic_id = topic->id;
      auto r = co_await broker.controller().delete_topic(name);
      result.error_code = protocol::code_of(r.error);
      if (!r.ok()) result.error_message = r.message;
    }
    resp.responses.push_back(std::move(result));
  }
  co_return resp;
}

}  // namespace kappa::broker

// Forwarding of metadata changes from a broker to the active controller
// (KappaForward), for the handlers registered with add_forwarded() and for
// the broker's own topic creations.
#include "broker/api_registry.h"
#include "broker/broker.h"
#include "broker/controller_channel.h"
#include "kappa/common/log.h"
#include "kappa/protocol/msg/create_topics.h"
#include "kappa/protocol/msg/kappa_forward.h"

namespace kappa::broker {
namespace {

constexpr auto kForwardTimeout = std::chrono::seconds(30);

// Sends an encoded request to the active controller; returns the encoded
// response once this node's metadata includes the change.
awaitable<std::optional<std::vector<uint8_t>>> forward_bytes(Broker& broker, protocol::ApiKey key, int16_t version,
                                                             const std::optional<std::string>& client_id,
                                                             std::vector<uint8_t> body) {
  protocol::KappaForwardRequest fwd;
  fwd.cluster_id = broker.cluster_id();
  fwd.broker_id = broker.node_id();
  fwd.api_key = static_cast<int16_t>(key);
  fwd.api_version = version;
  fwd.client_id = client_id;
  fwd.request = std::move(body);
  const auto deadline = std::chrono::steady_clock::now() + kForwardTimeout;
  auto resp = co_await broker.channel().send<protocol::KappaForwardRequest, protocol::KappaForwardResponse>(fwd,
                                                                                                         deadline);
  if (!resp || resp->error_code != 0) {
    logging::get("broker")->warn("cannot forward {} to the active controller: {}",
                                 protocol::api_spec(key).name,
                                 resp ? protocol::error_name(resp->error_code) : "no controller reachable");
    co_return std::nullopt;
  }
  co_await broker.wait_for_metadata(resp->metadata_offset, deadline);
  co_return std::move(resp->response);
}

}  // namespace

bool is_active_controller(RequestContext& ctx) { return ctx.broker.is_active_controller(); }

awaitable<bool> forward_to_controller(RequestContext& ctx, std::span<const uint8_t> body, protocol::Writer& w) {
  auto key = static_cast<protocol::ApiKey>(ctx.header.api_key);
  auto response = co_await forward_bytes(ctx.broker, key, ctx.version(), ctx.header.client_id,
                                         std::vector<uint8_t>(body.begin(), body.end()));
  if (!response) co_return false;  // handled locally: the local controller answers NOT_CONTROLLER
  w.append(response->data(), response->size());
  co_return true;
}

awaitable<controller::CommandResult> Broker::create_topic_anywhere(controller::NewTopic topic) {
  if (is_active_controller()) co_return co_await controller().create_topic(std::move(topic), false);
  constexpr int16_t kVersion = protocol::CreateTopicsRequest::kMaxVersion;
  protocol::CreateTopicsRequest req;
  auto& t = req.topics.emplace_back();
  t.name = topic.name;
  t.num_partitions = topic.num_partitions;
  t.replication_factor = topic.replication_factor;
  for (const auto& [k, v] : topic.configs) t.configs.push_back({k, v});
  protocol::Writer w;
  req.encode(w, kVersion);
  auto bytes = co_await forward_bytes(*this, protocol::ApiKey::kCreateTopics, kVersion, std::string("kappa-broker"),
                                      std::move(w.buffer()));
  if (!bytes) co_return controller::CommandResult{protocol::ErrorCode::kNotController, "no active controller"};
  protocol::CreateTopicsResponse resp;
  try {
    protocol::Reader r(*bytes);
    resp.decode(r, kVersion);
  } catch (const protocol::DecodeError& e) {
    co_return controller::CommandResult{protocol::ErrorCode::kUnknownServerError, e.what()};
  }
  if (resp.topics.empty()) co_return controller::CommandResult{protocol::ErrorCode::kUnknownServerError, "empty"};
  co_return controller::CommandResult{static_cast<protocol::ErrorCode>(resp.topics[0].error_code),
                                      resp.topics[0].error_message.value_or("")};
}

}  // namespace kappa::broker

// FindCoordinator (v0-6; v4+ batches keys): the broker leading the group's
// __consumer_offsets partition.  The topic is created on first need with
// offsets.topic.num.partitions partitions, replication factor
// min(offsets.topic.replication.factor, live brokers), compaction.
// Kappa has no transaction coordinator: transactional ids get
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as produce does for transactions.
#include <algorithm>

#include "broker/broker.h"
#include "broker/cluster_view.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/find_coordinator.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::FindCoordinatorResponse;

namespace {

constexpr int8_t kGroupKey = 0;
constexpr int8_t kTransactionKey = 1;

awaitable<ErrorCode> ensure_offsets_topic(Broker& broker) {
  if (broker.image().topic(group::kOffsetsTopic)) co_return ErrorCode::kNone;
  // Without a known active controller the topic cannot be created now:
  // answer at once (the client retries) rather than hold this connection's
  // later responses, e.g. its fetches, for a forwarding timeout.
  if (broker.controller_id() < 0) co_return ErrorCode::kCoordinatorNotAvailable;
  const auto& c = broker.config();
  const auto live = static_cast<int32_t>(live_brokers(broker.image(), "").size());
  const auto rf =
      static_cast<int16_t>(std::max(1, std::min(c.get_int("offsets.topic.replication.factor"), live)));
  std::map<std::string, std::string> configs;
  configs["cleanup.policy"] = "compact";
  configs["segment.bytes"] = c.get("offsets.topic.segment.bytes");
  configs["compression.type"] = "producer";
  co_return co_await broker.ensure_internal_topic(
      std::string(group::kOffsetsTopic), c.get_int("offsets.topic.num.partitions"), rf, std::move(configs));
}

awaitable<FindCoordinatorResponse::Coordinator> find(RequestContext& ctx, int8_t key_type,
                                                     const std::string& key) {
  FindCoordinatorResponse::Coordinator c;
  c.key = key;
  c.node_id = -1;
  c.port = -1;
  auto fail = [&](ErrorCode e, const char* message) {
    c.error_code = protocol::code_of(e);
    c.error_message = message;
    return c;
  };
  if (key_type == kTransactionKey) {
    co_return fail(ErrorCode::kTransactionalIdAuthorizationFailed,
                   "Transactions are not supported by this broker.");
  }
  Broker& broker = ctx.broker;
  if (co_await ensure_offsets_topic(broker) != ErrorCode::kNone) {
    co_return fail(ErrorCode::kCoordinatorNotAvailable, "The coordinator is not available.");
  }
  const auto* topic = broker.image().topic(group::kOffsetsTopic);
  const int32_t partition = broker.groups().partition_for(key);
  if (!topic || partition >= static_cast<int32_t>(topic->partitions.size())) {
    co_return fail(ErrorCode::kCoordinatorNotAvailable, "The coordinator is not available.");
  }
  const int32_t leader = topic->partitions[static_cast<size_t>(partition)].leader;
  for (const auto& b : live_brokers(broker.image(), ctx.listener_name)) {
    if (b.id != leader) continue;
    c.node_id = b.id;
    c.host = b.host;
    c.port = b.port;
    co_return c;
  }
  co_return fail(ErrorCode::kCoordinatorNotAvailable, "The coordinator is not available.");
}

}  // namespace

awaitable<FindCoordinatorResponse> handle_find_coordinator(RequestContext& ctx,
                                                           protocol::FindCoordinatorRequest& req) {
  FindCoordinatorResponse resp;
  if (req.key_type != kGroupKey && req.key_type != kTransactionKey) {
    // Kafka rejects the whole request.
    if (ctx.version() >= 4) {
      for (const auto& key : req.coordinator_keys) {
        resp.coordinators.push_back({key, -1, "", -1, protocol::code_of(ErrorCode::kInvalidRequest),
                                     "Unknown coordinator type in FindCoordinator request"});
      }
    } else {
      resp.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
      resp.node_id = -1;
      resp.port = -1;
    }
    co_return resp;
  }
  if (ctx.version() >= 4) {
    for (const auto& key : req.coordinator_keys)
      resp.coordinators.push_back(co_await find(ctx, req.key_type, key));
    co_return resp;
  }
  auto c = co_await find(ctx, req.key_type, req.key);
  resp.error_code = c.error_code;
  resp.error_message = c.error_code ? c.error_message : std::nullopt;
  resp.node_id = c.node_id;
  resp.host = c.host;
  resp.port = c.port;
  co_return resp;
}

}  // namespace kappa::broker

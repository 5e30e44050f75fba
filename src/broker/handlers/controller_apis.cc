// APIs of the controller listener: the Raft transport between voters,
// broker registration and heartbeats, forwarded metadata changes, and the
// metadata log for nodes outside the quorum.  Every request must carry this
// cluster's id; anything else is refused with INCONSISTENT_CLUSTER_ID.
#include <algorithm>

#include "broker/api_registry.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "kappa/controller/raft_wire.h"
#include "kappa/protocol/msg/broker_heartbeat.h"
#include "kappa/protocol/msg/broker_registration.h"
#include "kappa/protocol/msg/kappa_fetch_metadata.h"
#include "kappa/protocol/msg/kappa_forward.h"
#include "kappa/protocol/msg/kappa_raft_message.h"

namespace kappa::broker {

using protocol::ErrorCode;

namespace {

template <typename Resp>
bool refuse_foreign_cluster(const Broker& broker, const std::string& cluster_id, Resp& resp) {
  if (cluster_id == broker.cluster_id()) return false;
  resp.error_code = protocol::code_of(ErrorCode::kInconsistentClusterId);
  if constexpr (requires { resp.error_message; }) {
    resp.error_message = "cluster " + cluster_id + " is not this node's cluster " + broker.cluster_id();
  }
  return true;
}

}  // namespace

awaitable<protocol::KappaRaftMessageResponse> handle_kappa_raft_message(RequestContext& ctx,
                                                                        protocol::KappaRaftMessageRequest& req) {
  protocol::KappaRaftMessageResponse resp;
  Broker& broker = ctx.broker;
  if (refuse_foreign_cluster(broker, req.cluster_id, resp)) co_return resp;
  auto* quorum = broker.quorum();
  const auto& voters = broker.config().voters();
  const bool from_voter =
      std::any_of(voters.begin(), voters.end(), [&](const auto& v) { return v.id == req.from; });
  auto message = controller::from_wire(req);
  if (!quorum || req.to != broker.node_id() || !from_voter || !message) {
    resp.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
    resp.error_message = "not a raft message for this node from a quorum voter";
    co_return resp;
  }
  quorum->receive(std::move(*message));
  co_return resp;
}

awaitable<protocol::BrokerRegistrationResponse> handle_broker_registration(RequestContext& ctx,
                                                                           protocol::BrokerRegistrationRequest& req) {
  protocol::BrokerRegistrationResponse resp;
  Broker& broker = ctx.broker;
  if (refuse_foreign_cluster(broker, req.cluster_id, resp)) co_return resp;
  if (!broker.is_active_controller()) {
    resp.error_code = protocol::code_of(ErrorCode::kNotController);
    co_return resp;
  }
  controller::BrokerRegistration reg;
  reg.broker_id = req.broker_id;
  reg.incarnation = req.incarnation_id;
  for (const auto& l : req.listeners) reg.endpoints.push_back({l.name, l.host, l.port});
  reg.rack = req.rack;
  auto [error, epoch] = co_await broker.lifecycle()->register_broker(std::move(reg));
  resp.error_code = protocol::code_of(error);
  resp.broker_epoch = epoch;
  co_return resp;
}

awaitable<protocol::BrokerHeartbeatResponse> handle_broker_heartbeat(RequestContext& ctx,
                                                                     protocol::BrokerHeartbeatRequest& req) {
  protocol::BrokerHeartbeatResponse resp;
  Broker& broker = ctx.broker;
  if (!broker.is_active_controller()) {
    resp.error_code = protocol::code_of(ErrorCode::kNotController);
    co_return resp;
  }
  controller::BrokerHeartbeat heartbeat{req.broker_id, req.broker_epoch, req.current_metadata_offset, req.want_fence,
                                        req.want_shut_down};  // named: see docs/coroutines.md
  auto reply = co_await broker.lifecycle()->heartbeat(heartbeat);
  resp.error_code = protocol::code_of(reply.error);
  resp.is_caught_up = reply.caught_up;
  resp.is_fenced = reply.fenced;
  resp.should_shut_down = reply.should_shutdown;
  co_return resp;
}

awaitable<protocol::KappaForwardResponse> handle_kappa_forward(RequestContext& ctx,
                                                               protocol::KappaForwardRequest& req) {
  protocol::KappaForwardResponse resp;
  Broker& broker = ctx.broker;
  if (refuse_foreign_cluster(broker, req.cluster_id, resp)) co_return resp;
  if (!broker.is_active_controller()) {
    resp.error_code = protocol::code_of(ErrorCode::kNotController);
    co_return resp;
  }
  const ApiHandler* handler = api_registry().find(req.api_key, protocol::kListenerBroker);
  if (!handler || !handler->forward_to_controller || !handler->spec->supports(req.api_version)) {
    resp.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
    resp.error_message = "API " + std::to_string(req.api_key) + " v" + std::to_string(req.api_version) +
                         " cannot be forwarded to the controller";
    co_return resp;
  }
  auto frame = std::make_shared<std::vector<uint8_t>>(std::move(req.request));
  protocol::RequestHeader header{req.api_key, req.api_version, 0, req.client_id};
  const std::string peer = "broker " + std::to_string(req.broker_id);
  RequestContext inner{broker, header, peer, protocol::kListenerBroker, ctx.listener_name, frame};
  protocol::Reader reader(std::span<const uint8_t>(frame->data(), frame->size()), frame);
  protocol::Writer out;
  try {
    co_await handler->invoke(inner, reader, out);
  } catch (const protocol::DecodeError& e) {
    resp.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
    resp.error_message = std::string("malformed forwarded request: ") + e.what();
    co_return resp;
  }
  resp.response = std::move(out.buffer());
  resp.metadata_offset = broker.image().offset();
  co_return resp;
}

awaitable<protocol::KappaFetchMetadataResponse> handle_kappa_fetch_metadata(RequestContext& ctx,
                                                                            protocol::KappaFetchMetadataRequest& req) {
  protocol::KappaFetchMetadataResponse resp;
  Broker& broker = ctx.broker;
  if (refuse_foreign_cluster(broker, req.cluster_id, resp)) co_return resp;
  auto* quorum = broker.quorum();
  if (!quorum) {
    resp.error_code = protocol::code_of(ErrorCode::kNotController);
    co_return resp;
  }
  if (broker.image().offset() <= req.fetch_offset && req.max_wait_ms > 0) {
    co_await broker.wait_for_metadata(req.fetch_offset + 1, std::chrono::steady_clock::now() +
                                                                std::chrono::milliseconds(req.max_wait_ms));
    quorum = broker.quorum();
    if (!quorum) co_return resp;
  }
  resp.leader_id = quorum->active_controller();
  resp.high_watermark = quorum->applied_index();
  int64_t from = req.fetch_offset;
  auto entries = quorum->committed_after(from, 1000);
  if (!entries) {  // compacted away: start from the snapshot
    const auto& snap = quorum->snapshot();
    resp.snapshot_index = snap.last_index;
    resp.snapshot = snap.data;
    from = snap.last_index;
    entries = quorum->committed_after(from, 1000);
  }
  for (auto& e : entries.value_or(std::vector<raft::Entry>{})) {
    resp.entries.push_back({e.index, e.type == raft::EntryType::kData ? std::move(e.payload) : protocol::Bytes{}});
  }
  co_return resp;
}

}  // namespace kappa::broker

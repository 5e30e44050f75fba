// JoinGroup (v0-9): KIP-394 member ids from v4, static members from v5,
// SkipAssignment from v9.  The answer comes when the rebalance completes.
#include "kappa/protocol/msg/join_group.h"
#include "broker/broker.h"
#include "broker/handlers/group_request.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::JoinGroupResponse;

namespace {

JoinGroupResponse response(RequestContext& ctx, const group::JoinResult& r) {
  JoinGroupResponse resp;
  resp.error_code = protocol::code_of(r.error);
  resp.generation_id = r.generation_id;
  resp.protocol_type = r.protocol_type;
  // Before v7 the protocol name is not nullable: "" stands for none.
  resp.protocol_name =
      r.protocol_name ? r.protocol_name : (ctx.version() < 7 ? std::optional<std::string>("") : std::nullopt);
  resp.leader = r.leader_id;
  resp.skip_assignment = r.skip_assignment;
  resp.member_id = r.member_id;
  for (const auto& m : r.members) resp.members.push_back({m.member_id, m.group_instance_id, m.metadata});
  return resp;
}

}  // namespace

awaitable<JoinGroupResponse> handle_join_group(RequestContext& ctx, protocol::JoinGroupRequest& req) {
  auto& groups = ctx.broker.groups();
  if (req.group_id.empty()) {
    co_return response(ctx, group::JoinResult::failure(req.member_id, ErrorCode::kInvalidGroupId));
  }
  if (auto e = groups.status(req.group_id); e != ErrorCode::kNone) {
    co_return response(ctx, group::JoinResult::failure(req.member_id, e));
  }
  group::JoinParams p;
  p.member_id = req.member_id;
  p.group_instance_id = req.group_instance_id;
  p.client_id = client_id(ctx);
  p.client_host = client_host(ctx);
  p.session_timeout_ms = req.session_timeout_ms;
  p.rebalance_timeout_ms = ctx.version() == 0 ? req.session_timeout_ms : req.rebalance_timeout_ms;
  p.protocol_type = req.protocol_type;
  for (auto& proto : req.protocols) p.protocols.push_back({proto.name, std::move(proto.metadata)});
  p.require_known_member_id = ctx.version() >= 4;
  p.supports_skip_assignment = ctx.version() >= 9;
  p.reason = req.reason.value_or("");
  co_return response(ctx, co_await groups.join_group(req.group_id, std::move(p)));
}

}  // namespace kappa::broker

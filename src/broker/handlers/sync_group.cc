// SyncGroup (v0-5): members get the leader's assignment.
#include "kappa/protocol/msg/sync_group.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::SyncGroupResponse;

awaitable<SyncGroupResponse> handle_sync_group(RequestContext& ctx, protocol::SyncGroupRequest& req) {
  SyncGroupResponse resp;
  auto& groups = ctx.broker.groups();
  ErrorCode e = req.group_id.empty() ? ErrorCode::kInvalidGroupId : groups.status(req.group_id);
  // A loading coordinator lost the rebalance in progress: the member must
  // rejoin, and older clients do not know COORDINATOR_LOAD_IN_PROGRESS here.
  if (e == ErrorCode::kCoordinatorLoadInProgress) e = ErrorCode::kRebalanceInProgress;
  if (e != ErrorCode::kNone) {
    resp.error_code = protocol::code_of(e);
    co_return resp;
  }
  group::SyncParams p;
  p.member_id = req.member_id;
  p.group_instance_id = req.group_instance_id;
  p.generation = req.generation_id;
  p.protocol_type = req.protocol_type;
  p.protocol_name = req.protocol_name;
  for (auto& a : req.assignments) p.assignment[a.member_id] = std::move(a.assignment);
  auto r = co_await groups.sync_group(req.group_id, std::move(p));
  resp.error_code = protocol::code_of(r.error);
  resp.protocol_type = r.protocol_type;
  resp.protocol_name = r.protocol_name;
  resp.assignment = std::move(r.assignment);
  co_return resp;
}

}  // namespace kappa::broker

// LeaveGroup (v0-5): v0-2 name one member, v3+ a batch (by member id or,
// for administrative removal, by group.instance.id).  Before v3 the only
// error is the top-level one: the member's own.
#include "kappa/protocol/msg/leave_group.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::LeaveGroupResponse;

awaitable<LeaveGroupResponse> handle_leave_group(RequestContext& ctx, protocol::LeaveGroupRequest& req) {
  LeaveGroupResponse resp;
  auto& groups = ctx.broker.groups();
  std::vector<group::LeavingMember> leaving;
  if (ctx.version() < 3) {
    leaving.push_back({req.member_id, std::nullopt, ""});
  } else {
    for (const auto& m : req.members)
      leaving.push_back({m.member_id, m.group_instance_id, m.reason.value_or("")});
  }
  ErrorCode e = req.group_id.empty() ? ErrorCode::kInvalidGroupId : groups.status(req.group_id);
  group::LeaveOutcome out;
  if (e == ErrorCode::kNone) {
    out = co_await groups.leave_group(req.group_id, leaving);
  } else {
    out.error = e;
  }
  if (ctx.version() < 3) {
    ErrorCode top = out.error;
    if (top == ErrorCode::kNone && !out.members.empty()) top = out.members.front();
    resp.error_code = protocol::code_of(top);
    co_return resp;
  }
  resp.error_code = protocol::code_of(out.error);
  for (size_t i = 0; i < out.members.size() && i < leaving.size(); ++i) {
    resp.members.push_back(
        {leaving[i].member_id, leaving[i].group_instance_id, protocol::code_of(out.members[i])});
  }
  co_return resp;
}

}  // namespace kappa::broker

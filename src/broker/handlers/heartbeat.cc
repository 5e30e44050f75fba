// Heartbeat (v0-4).
#include "kappa/protocol/msg/heartbeat.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;

awaitable<protocol::HeartbeatResponse> handle_heartbeat(RequestContext& ctx,
                                                        protocol::HeartbeatRequest& req) {
  protocol::HeartbeatResponse resp;
  auto& groups = ctx.broker.groups();
  ErrorCode e = req.group_id.empty() ? ErrorCode::kInvalidGroupId : groups.status(req.group_id);
  if (e == ErrorCode::kCoordinatorLoadInProgress) {
    co_return resp;  // still loading: answer blindly, as Kafka does
  }
  if (e == ErrorCode::kNone) {
    e = co_await groups.heartbeat(req.group_id, req.member_id, req.group_instance_id, req.generation_id);
  }
  resp.error_code = protocol::code_of(e);
  co_return resp;
}

}  // namespace kappa::broker

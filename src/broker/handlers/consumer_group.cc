// ConsumerGroupHeartbeat (v0-1) and ConsumerGroupDescribe (v0): KIP-848
// groups, where the broker assigns partitions.  Answered with
// UNSUPPORTED_VERSION when group.coordinator.rebalance.protocols leaves out
// "consumer", as Kafka does.
#include "broker/broker.h"
#include "broker/handlers/group_request.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/consumer_group_describe.h"
#include "kappa/protocol/msg/consumer_group_heartbeat.h"

namespace kappa::broker {

using protocol::ConsumerGroupDescribeResponse;
using protocol::ConsumerGroupHeartbeatResponse;
using protocol::ErrorCode;

awaitable<ConsumerGroupHeartbeatResponse> handle_consumer_group_heartbeat(
    RequestContext& ctx, protocol::ConsumerGroupHeartbeatRequest& req) {
  ConsumerGroupHeartbeatResponse resp;
  auto& groups = ctx.broker.groups();
  auto fail = [&](ErrorCode e, std::optional<std::string> message) {
    resp.error_code = protocol::code_of(e);
    resp.error_message = std::move(message);
    return resp;
  };
  if (!groups.config().consumer_protocol_enabled) {
    co_return fail(ErrorCode::kUnsupportedVersion, "The new group coordinator is not enabled.");
  }
  if (!req.group_id.empty()) {
    if (auto e = groups.status(req.group_id); e != ErrorCode::kNone) co_return fail(e, std::nullopt);
  }
  group::ConsumerHeartbeatParams p;
  p.group_id = req.group_id;
  p.member_id = req.member_id;
  p.member_epoch = req.member_epoch;
  p.instance_id = req.instance_id;
  p.rack_id = req.rack_id;
  p.rebalance_timeout_ms = req.rebalance_timeout_ms;
  p.subscribed_topic_names = req.subscribed_topic_names;
  p.subscribed_topic_regex = req.subscribed_topic_regex;
  p.server_assignor = req.server_assignor;
  if (req.topic_partitions) {
    auto& owned = p.owned.emplace();
    for (const auto& tp : *req.topic_partitions)
      owned[tp.topic_id].insert(tp.partitions.begin(), tp.partitions.end());
  }
  p.client_id = client_id(ctx);
  p.client_host = client_host(ctx);
  p.api_version = ctx.version();
  if (p.group_id.empty()) co_return fail(ErrorCode::kInvalidRequest, "GroupId can't be empty.");
  auto r = co_await groups.consumer_heartbeat(std::move(p));
  if (r.error != ErrorCode::kNone) co_return fail(r.error, r.error_message);
  resp.member_id = r.member_id;
  resp.member_epoch = r.member_epoch;
  resp.heartbeat_interval_ms = r.heartbeat_interval_ms;
  if (r.assignment) {
    auto& a = resp.assignment.emplace();
    for (const auto& [topic, parts] : *r.assignment) {
      a.topic_partitions.push_back({topic, std::vector<int32_t>(parts.begin(), parts.end())});
    }
  }
  co_return resp;
}

namespace {

ConsumerGroupDescribeResponse::Assignment describe_assignment(const metadata::MetadataImage& image,
                                                              const group::Assignment& a) {
  ConsumerGroupDescribeResponse::Assignment out;
  for (const auto& [topic, parts] : a) {
    const auto* t = image.topic(topic);
    out.topic_partitions.push_back(
        {topic, t ? t->name : "", std::vector<int32_t>(parts.begin(), parts.end())});
  }
  return out;
}

}  // namespace

awaitable<ConsumerGroupDescribeResponse> handle_consumer_group_describe(
    RequestContext& ctx, protocol::ConsumerGroupDescribeRequest& req) {
  ConsumerGroupDescribeResponse resp;
  auto& groups = ctx.broker.groups();
  for (const auto& id : req.group_ids) {
    auto& d = resp.groups.emplace_back();
    d.group_id = id;
    if (req.include_authorized_operations) d.authorized_operations = kAllGroupOperations;
    ErrorCode e =
        groups.config().consumer_protocol_enabled ? groups.status(id) : ErrorCode::kUnsupportedVersion;
    if (e != ErrorCode::kNone) {
      d.error_code = protocol::code_of(e);
      continue;
    }
    auto g = groups.describe_consumer_group(id);
    d.error_code = protocol::code_of(g.error);
    d.error_message = g.error_message;
    d.group_state = g.state;
    d.group_epoch = g.group_epoch;
    d.assignment_epoch = g.assignment_epoch;
    d.assignor_name = g.assignor;
    for (const auto& dm : g.members) {
      const auto& m = dm.member;
      ConsumerGroupDescribeResponse::Member out;
      out.member_id = m.member_id;
      out.instance_id = m.instance_id;
      out.rack_id = m.rack_id;
      out.member_epoch = m.member_epoch;
      out.client_id = m.client_id;
      out.client_host = m.client_host;
      out.subscribed_topic_names = m.subscribed_topic_names;
      out.subscribed_topic_regex = m.subscribed_topic_regex;
      out.assignment = describe_assignment(ctx.broker.image(), m.assigned);
      out.target_assignment = describe_assignment(ctx.broker.image(), dm.target);
      d.members.push_back(std::move(out));
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

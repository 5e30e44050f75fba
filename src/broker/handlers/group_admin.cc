// ListGroups (v0-5), DescribeGroups (v0-5), DeleteGroups (v0-2).
#include <algorithm>
#include <cctype>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/delete_groups.h"
#include "kappa/protocol/msg/describe_groups.h"
#include "kappa/protocol/msg/list_groups.h"

namespace kappa::broker {

using protocol::ErrorCode;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool matches(const std::vector<std::string>& filter, const std::string& value) {
  if (filter.empty()) return true;
  return std::any_of(filter.begin(), filter.end(),
                     [&](const std::string& f) { return lower(f) == lower(value); });
}

}  // namespace

awaitable<protocol::ListGroupsResponse> handle_list_groups(RequestContext& ctx,
                                                           protocol::ListGroupsRequest& req) {
  protocol::ListGroupsResponse resp;
  auto out = ctx.broker.groups().list_groups();
  resp.error_code = protocol::code_of(out.error);
  for (const auto& g : out.groups) {
    if (!matches(req.states_filter, g.state) || !matches(req.types_filter, g.type)) continue;
    resp.groups.push_back({g.group_id, g.protocol_type, g.state, g.type});
  }
  co_return resp;
}

awaitable<protocol::DescribeGroupsResponse> handle_describe_groups(RequestContext& ctx,
                                                                   protocol::DescribeGroupsRequest& req) {
  protocol::DescribeGroupsResponse resp;
  auto& groups = ctx.broker.groups();
  for (const auto& id : req.groups) {
    auto& d = resp.groups.emplace_back();
    d.group_id = id;
    if (req.include_authorized_operations) d.authorized_operations = kAllGroupOperations;
    if (auto e = groups.status(id); e != ErrorCode::kNone) {
      d.error_code = protocol::code_of(e);
      continue;
    }
    auto g = groups.describe_group(id);
    d.group_state = g.state;
    d.protocol_type = g.protocol_type;
    d.protocol_data = g.protocol_data;
    for (auto& m : g.members) {
      d.members.push_back({m.member_id, m.group_instance_id, m.client_id, m.client_host,
                           std::move(m.metadata), std::move(m.assignment)});
    }
  }
  co_return resp;
}

awaitable<protocol::DeleteGroupsResponse> handle_delete_groups(RequestContext& ctx,
                                                               protocol::DeleteGroupsRequest& req) {
  protocol::DeleteGroupsResponse resp;
  auto& groups = ctx.broker.groups();
  for (const auto& id : req.groups_names) {
    ErrorCode e = groups.status(id);
    if (e == ErrorCode::kNone) e = co_await groups.delete_group(id);
    resp.results.push_back({id, protocol::code_of(e)});
  }
  co_return resp;
}

}  // namespace kappa::broker

// ClassicGroup: the GroupMetadata record — writing it and loading from it.
#include "kappa/common/assert.h"
#include "kappa/group/classic_group.h"

namespace kappa::group {

using protocol::ErrorCode;

protocol::GroupMetadataValue ClassicGroup::to_record(
    const std::map<std::string, protocol::Bytes>& assignment) const {
  protocol::GroupMetadataValue v;
  v.protocol_type = protocol_type_.value_or("");
  v.generation = generation_;
  v.protocol = protocol_name_;
  v.leader = leader_;
  v.current_state_timestamp = state_timestamp_ms_.value_or(-1);
  if (!protocol_name_) return v;  // an empty generation has no members
  for (const auto& [id, m] : members_) {
    protocol::GroupMetadataValue::MemberMetadata mm;
    mm.member_id = id;
    mm.group_instance_id = m.group_instance_id;
    mm.client_id = m.client_id;
    mm.client_host = m.client_host;
    mm.rebalance_timeout = m.rebalance_timeout_ms;
    mm.session_timeout = m.session_timeout_ms;
    if (const auto* md = m.metadata(*protocol_name_)) mm.subscription = *md;
    auto it = assignment.find(id);
    if (it != assignment.end()) mm.assignment = it->second;
    v.members.push_back(std::move(mm));
  }
  return v;
}

ErrorCode ClassicGroup::store(const std::map<std::string, protocol::Bytes>& assignment) {
  auto value = to_record(assignment);
  std::vector<CoordinatorRecord> records;
  records.push_back(group_metadata_record(id_, &value));
  return ctx_.sink.append(std::move(records));
}

std::unique_ptr<ClassicGroup> ClassicGroup::load(std::string id, const protocol::GroupMetadataValue& value,
                                                 GroupContext& ctx) {
  auto g = std::make_unique<ClassicGroup>(std::move(id), ctx);
  g->generation_ = value.generation;
  if (!value.protocol_type.empty()) g->protocol_type_ = value.protocol_type;
  g->protocol_name_ = value.protocol;
  if (value.current_state_timestamp >= 0) g->state_timestamp_ms_ = value.current_state_timestamp;
  if (value.members.empty() || !value.protocol) {
    g->state_ = ClassicGroupState::kEmpty;
    g->protocol_name_.reset();
    return g;
  }
  const int64_t now = ctx.now();
  for (const auto& mm : value.members) {
    ClassicMember m;
    m.member_id = mm.member_id;
    m.group_instance_id = mm.group_instance_id;
    m.client_id = mm.client_id;
    m.client_host = mm.client_host;
    m.session_timeout_ms = mm.session_timeout;
    m.rebalance_timeout_ms = mm.rebalance_timeout >= 0 ? mm.rebalance_timeout : mm.session_timeout;
    m.protocol_type = value.protocol_type;
    m.protocols = {GroupProtocol{*value.protocol, mm.subscription}};
    m.assignment = mm.assignment;
    m.session_deadline = now + m.session_timeout_ms;
    g->add_member(std::move(m));
  }
  if (value.protocol_type.empty()) g->protocol_type_.reset();
  g->leader_ = value.leader;
  if (!g->leader_ || !g->members_.count(*g->leader_)) g->leader_ = g->members_.begin()->first;
  g->state_ = ClassicGroupState::kStable;
  g->compute_subscribed_topics();
  return g;
}

}  // namespace kappa::group

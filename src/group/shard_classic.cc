// GroupShard: the classic protocol's group lookups and checks; the rest is
// ClassicGroup's.
#include "kappa/group/group_shard.h"

namespace kappa::group {

using protocol::ErrorCode;

void GroupShard::join_group(const std::string& group_id, JoinParams params, JoinCallback done) {
  const auto& config = ctx_.config;
  if (params.session_timeout_ms < config.min_session_timeout_ms ||
      params.session_timeout_ms > config.max_session_timeout_ms) {
    return done(JoinResult::failure(params.member_id, ErrorCode::kInvalidSessionTimeout));
  }
  if (const ConsumerGroup* cg = find_consumer(group_id)) {
    if (!cg->empty())
      return done(JoinResult::failure(params.member_id, ErrorCode::kInconsistentGroupProtocol));
    // An empty KIP-848 group becomes a classic one (its offsets stay).
    if (auto e = append_and_apply(cg->tombstones()); e != ErrorCode::kNone) {
      return done(JoinResult::failure(params.member_id, group_write_error(e)));
    }
  }
  ClassicGroup* group = find_classic(group_id);
  if (!group) {
    if (!params.member_id.empty())
      return done(JoinResult::failure(params.member_id, ErrorCode::kUnknownMemberId));
    group = &get_or_create_classic(group_id);
  }
  group->join(std::move(params), std::move(done));
}

void GroupShard::sync_group(const std::string& group_id, SyncParams p, SyncCallback done) {
  ClassicGroup* group = find_classic(group_id);
  if (!group) return done(SyncResult{ErrorCode::kUnknownMemberId, {}, {}, {}});
  group->sync(p.member_id, p.group_instance_id, p.generation, p.protocol_type, p.protocol_name,
              std::move(p.assignment), std::move(done));
}

ErrorCode GroupShard::heartbeat(const std::string& group_id, const std::string& member_id,
                                const std::optional<std::string>& instance_id, int32_t generation) {
  ClassicGroup* group = find_classic(group_id);
  if (!group) return ErrorCode::kUnknownMemberId;
  return group->heartbeat(member_id, instance_id, generation);
}

std::vector<ErrorCode> GroupShard::leave_group(const std::string& group_id,
                                               const std::vector<LeavingMember>& members) {
  ClassicGroup* group = find_classic(group_id);
  if (!group) return std::vector<ErrorCode>(members.size(), ErrorCode::kUnknownMemberId);
  return group->leave(members);
}

}  // namespace kappa::group

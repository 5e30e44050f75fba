// ClassicGroup: JoinGroup.  New dynamic members first get an id and
// MEMBER_ID_REQUIRED (KIP-394, JoinGroup v4+) and join with it; static
// members (KIP-345) that come back under their group.instance.id take over
// their old membership — in a Stable group without a rebalance.
#include <fmt/format.h>

#include "kappa/common/assert.h"
#include "kappa/group/classic_group.h"

namespace kappa::group {

using protocol::ErrorCode;
using State = ClassicGroupState;

namespace {
std::string with_reason(const std::string& reason) {
  return reason.empty() ? "" : fmt::format(" ({})", reason);
}
}  // namespace

void ClassicGroup::join(JoinParams p, JoinCallback done) {
  if (!accept_joining_member(p.member_id)) {
    remove_member(p.member_id);
    done(JoinResult::failure("", ErrorCode::kGroupMaxSizeReached));
  } else if (p.member_id.empty()) {
    join_new_member(p, done);
  } else {
    join_current_member(p, done);
  }
  if (state_ == State::kPreparingRebalance) try_complete_join();
}

bool ClassicGroup::accept_joining_member(const std::string& member_id) const {
  const auto max = static_cast<size_t>(ctx_.config.max_size);
  auto it = members_.find(member_id);
  switch (state_) {
    case State::kEmpty:
    case State::kDead:
      return true;
    case State::kPreparingRebalance:
      return (it != members_.end() && it->second.is_awaiting_join()) ||
             static_cast<size_t>(num_awaiting_join_) < max;
    default:
      return it != members_.end() || members_.size() < max;
  }
}

void ClassicGroup::join_new_member(JoinParams& p, JoinCallback& done) {
  if (state_ == State::kDead) return done(JoinResult::failure("", ErrorCode::kCoordinatorNotAvailable));
  if (!supports_protocols(p.protocol_type, p.protocols)) {
    return done(JoinResult::failure("", ErrorCode::kInconsistentGroupProtocol));
  }
  const std::string new_id = fmt::format("{}-{}", p.group_instance_id.value_or(p.client_id), ctx_.new_uuid());
  if (p.group_instance_id) return join_static_new_member(p, new_id, done);
  if (p.require_known_member_id) {
    // KIP-394: remember the id, let the client rejoin with it.
    pending_members_[new_id] = ctx_.now() + p.session_timeout_ms;
    return done(JoinResult::failure(new_id, ErrorCode::kMemberIdRequired));
  }
  add_member_and_rebalance(p, new_id, std::move(done));
}

void ClassicGroup::join_static_new_member(JoinParams& p, const std::string& new_id, JoinCallback& done) {
  auto it = static_members_.find(*p.group_instance_id);
  if (it != static_members_.end()) {
    ctx_.logger->info("{}group {}: static member {} rejoins as {}, replacing {}", ctx_.log_prefix, id_,
                      *p.group_instance_id, new_id, it->second);
    const std::string old_id = it->second;
    return update_static_member_and_rebalance(old_id, new_id, p, std::move(done));
  }
  add_member_and_rebalance(p, new_id, std::move(done));
}

void ClassicGroup::join_current_member(JoinParams& p, JoinCallback& done) {
  const std::string& id = p.member_id;
  if (state_ == State::kDead) return done(JoinResult::failure(id, ErrorCode::kCoordinatorNotAvailable));
  if (!supports_protocols(p.protocol_type, p.protocols)) {
    return done(JoinResult::failure(id, ErrorCode::kInconsistentGroupProtocol));
  }
  if (pending_members_.count(id)) {
    // Pending ids are only handed to dynamic members.
    if (p.group_instance_id) return done(JoinResult::failure(id, ErrorCode::kUnknownServerError));
    return add_member_and_rebalance(p, id, std::move(done));
  }
  const bool instance_unknown = p.group_instance_id && !static_members_.count(*p.group_instance_id);
  if (is_static_member_fenced(p.group_instance_id, id)) {
    return done(JoinResult::failure(id, ErrorCode::kFencedInstanceId));
  }
  auto it = members_.find(id);
  if (it == members_.end() || instance_unknown)
    return done(JoinResult::failure(id, ErrorCode::kUnknownMemberId));
  ClassicMember& m = it->second;
  switch (state_) {
    case State::kPreparingRebalance:
      return update_member_and_rebalance(m, p, std::move(done));
    case State::kCompletingRebalance:
      // Same metadata: the member missed the JoinGroup response; repeat it.
      if (m.matches(p.protocols)) return done(join_result_for(m, is_leader(id), leader_.value_or(""), false));
      return update_member_and_rebalance(m, p, std::move(done));
    case State::kStable:
      // The leader rejoins to trigger a rebalance (e.g. topic metadata changed).
      if (is_leader(id) || !m.matches(p.protocols)) return update_member_and_rebalance(m, p, std::move(done));
      return done(join_result_for(m, false, leader_.value_or(""), false));
    case State::kEmpty:
    case State::kDead:
      return done(JoinResult::failure(id, ErrorCode::kUnknownMemberId));
  }
}

void ClassicGroup::add_member_and_rebalance(JoinParams& p, const std::string& member_id, JoinCallback done) {
  ClassicMember m;
  m.member_id = member_id;
  m.group_instance_id = p.group_instance_id;
  m.client_id = p.client_id;
  m.client_host = p.client_host;
  m.rebalance_timeout_ms = p.rebalance_timeout_ms;
  m.session_timeout_ms = p.session_timeout_ms;
  m.protocol_type = p.protocol_type;
  m.protocols = std::move(p.protocols);
  m.is_new = true;
  m.awaiting_join = std::move(done);
  // A new member cannot heartbeat until its first rebalance completes;
  // bound how long it may stay without completing one.
  m.session_deadline = ctx_.now() + ctx_.config.new_member_join_timeout_ms;
  if (state_ == State::kPreparingRebalance && generation_ == 0) new_member_added_ = true;
  add_member(std::move(m));
  maybe_prepare_rebalance(fmt::format("adding new member {}{}", member_id, with_reason(p.reason)));
}

void ClassicGroup::update_member_and_rebalance(ClassicMember& m, JoinParams& p, JoinCallback done) {
  update_member(m, std::move(p.protocols), p.rebalance_timeout_ms, p.session_timeout_ms, std::move(done));
  maybe_prepare_rebalance(
      fmt::format("member {} rejoins in {}{}", m.member_id, state_name(state_), with_reason(p.reason)));
}

void ClassicGroup::update_static_member_and_rebalance(const std::string& old_id, const std::string& new_id,
                                                      JoinParams& p, JoinCallback done) {
  const std::string instance_id = *p.group_instance_id;
  const std::string current_leader = leader_.value_or("");
  const ClassicMember& before = members_.at(old_id);
  auto old_protocols = before.protocols;
  const int32_t old_rebalance_timeout = before.rebalance_timeout_ms;
  const int32_t old_session_timeout = before.session_timeout_ms;

  replace_static_member(instance_id, old_id, new_id);
  ClassicMember& m = members_.at(new_id);
  reschedule_session(m, m.session_timeout_ms);
  update_member(m, std::move(p.protocols), p.rebalance_timeout_ms, p.session_timeout_ms, std::move(done));

  switch (state_) {
    case State::kStable: {
      if (protocol_name_ != select_protocol()) {
        return maybe_prepare_rebalance(
            fmt::format("static member {} changes the selected protocol", instance_id));
      }
      // Same protocol: persist the new member id and hand back the current
      // generation — no rebalance for anyone.
      std::map<std::string, protocol::Bytes> assignment;
      for (const auto& [id, member] : members_) assignment[id] = member.assignment;
      if (auto e = store(assignment); e != ErrorCode::kNone) {
        ctx_.logger->warn("{}group {}: cannot persist static member {}: {}", ctx_.log_prefix, id_,
                          instance_id, protocol::error_name(e));
        // Undo the replacement; answer with the error.
        auto cb = std::move(m.awaiting_join);
        m.awaiting_join = nullptr;
        --num_awaiting_join_;
        update_member(m, std::move(old_protocols), old_rebalance_timeout, old_session_timeout, nullptr);
        replace_static_member(instance_id, new_id, old_id);
        reschedule_session(members_.at(old_id), members_.at(old_id).session_timeout_ms);
        JoinResult r = JoinResult::failure("", group_write_error(e));
        r.generation_id = generation_;
        r.protocol_type = protocol_type_;
        r.protocol_name = protocol_name_;
        r.leader_id = current_leader;
        return cb(std::move(r));
      }
      if (p.supports_skip_assignment) {
        // JoinGroup v9+: a static leader learns it leads but skips the assignor.
        const bool leads = is_leader(new_id);
        return complete_join_of(m, join_result_for(m, leads, leader_.value_or(""), leads));
      }
      // Older clients: report the old leader id so the new member does not
      // believe it must assign (a Stable group would ignore its assignment).
      return complete_join_of(m, join_result_for(m, false, current_leader, false));
    }
    case State::kCompletingRebalance:
      // The leader may already be assigning with the old member id.
      return prepare_rebalance(
          fmt::format("static member {} rejoins during CompletingRebalance", instance_id));
    case State::kPreparingRebalance:
      return;  // answered when the rebalance completes
    case State::kEmpty:
    case State::kDead:
      KAPPA_ASSERT(false, "group {}: static member {} in {}", id_, instance_id, state_name(state_));
  }
}

}  // namespace kappa::group

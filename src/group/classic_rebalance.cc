// ClassicGroup: rebalances (PreparingRebalance -> CompletingRebalance ->
// Stable), SyncGroup, LeaveGroup and the timers.
#include <fmt/format.h>

#include "kappa/common/assert.h"
#include "kappa/group/classic_group.h"

namespace kappa::group {

using protocol::ErrorCode;
using State = ClassicGroupState;

void ClassicGroup::maybe_prepare_rebalance(std::string_view reason) {
  if (state_ == State::kStable || state_ == State::kCompletingRebalance || state_ == State::kEmpty) {
    prepare_rebalance(reason);
  }
}

void ClassicGroup::prepare_rebalance(std::string_view reason) {
  // Members waiting for an assignment must rejoin.
  if (state_ == State::kCompletingRebalance)
    reset_and_propagate_assignment_error(ErrorCode::kRebalanceInProgress);
  pending_sync_.clear();
  sync_deadline_ = kNoDeadline;
  const int64_t now = ctx_.now();
  const int64_t rebalance_timeout = rebalance_timeout_ms();
  if (state_ == State::kEmpty) {
    const int64_t delay = ctx_.config.initial_rebalance_delay_ms;
    join_timer_ = JoinTimer{now + delay, true, delay, std::max<int64_t>(rebalance_timeout - delay, 0)};
  } else {
    join_timer_ = JoinTimer{now + rebalance_timeout, false, 0, 0};
  }
  transition(State::kPreparingRebalance);
  ctx_.logger->info("{}group {}: preparing to rebalance (generation {}): {}", ctx_.log_prefix, id_,
                    generation_, reason);
  try_complete_join();
}

void ClassicGroup::try_complete_join() {
  if (state_ == State::kPreparingRebalance && !join_timer_.initial && has_all_members_joined())
    complete_join();
}

void ClassicGroup::complete_join() {
  // Dynamic members that did not rejoin in time are dropped; static ones
  // keep their place until their session expires.
  std::vector<std::string> missing;
  for (const auto& [id, m] : members_) {
    if (!m.is_awaiting_join() && !m.is_static()) missing.push_back(id);
  }
  for (const auto& id : missing) remove_member(id);
  if (state_ == State::kDead) return;

  // Elect a leader among the members that did rejoin.
  if (leader_ && !members_.at(*leader_).is_awaiting_join()) {
    const ClassicMember* joined = nullptr;
    for (const auto& [id, m] : members_) {
      if (m.is_awaiting_join()) {
        joined = &m;
        break;
      }
    }
    if (!joined) {
      // Nobody rejoined (only absent static members): wait again until
      // their sessions expire.
      ctx_.logger->warn("{}group {}: no member rejoined; waiting another rebalance timeout", ctx_.log_prefix,
                        id_);
      join_timer_ = JoinTimer{ctx_.now() + rebalance_timeout_ms(), false, 0, 0};
      return;
    }
    leader_ = joined->member_id;
  }

  ++generation_;
  new_member_added_ = false;
  join_timer_ = JoinTimer{};
  pending_sync_.clear();
  if (members_.empty()) {
    protocol_name_.reset();
    transition(State::kEmpty);
    compute_subscribed_topics();
    ctx_.logger->info("{}group {}: generation {} is empty", ctx_.log_prefix, id_, generation_);
    if (auto e = store({}); e != ErrorCode::kNone) {
      // Harmless: an empty generation has nobody to confuse on failover.
      ctx_.logger->warn("{}group {}: cannot write the empty generation: {}", ctx_.log_prefix, id_,
                        protocol::error_name(e));
    }
    return;
  }
  protocol_name_ = select_protocol();
  transition(State::kCompletingRebalance);
  compute_subscribed_topics();
  ctx_.logger->info("{}group {}: generation {} with {} members, protocol {}, leader {}", ctx_.log_prefix, id_,
                    generation_, members_.size(), *protocol_name_, *leader_);
  for (auto& [id, m] : members_) {
    JoinResult r = join_result_for(m, is_leader(id), *leader_, false);
    complete_join_of(m, std::move(r));
    reschedule_session(m, m.session_timeout_ms);
    m.is_new = false;
    pending_sync_.insert(id);
  }
  sync_deadline_ = ctx_.now() + rebalance_timeout_ms();
}

void ClassicGroup::remove_member_and_update_group(const std::string& member_id, std::string_view reason) {
  remove_member(member_id);
  switch (state_) {
    case State::kStable:
    case State::kCompletingRebalance:
      return maybe_prepare_rebalance(reason);
    case State::kPreparingRebalance:
      return try_complete_join();
    default:
      return;
  }
}

void ClassicGroup::set_and_propagate_assignment(const std::map<std::string, protocol::Bytes>& assignment) {
  for (auto& [id, m] : members_) {
    auto it = assignment.find(id);
    m.assignment = it == assignment.end() ? protocol::Bytes{} : it->second;
    if (m.is_awaiting_sync()) {
      m.complete_sync(SyncResult{ErrorCode::kNone, protocol_type_, protocol_name_, m.assignment});
      reschedule_session(m, m.session_timeout_ms);
    }
  }
}

void ClassicGroup::reset_and_propagate_assignment_error(ErrorCode error) {
  for (auto& [id, m] : members_) {
    m.assignment.clear();
    m.complete_sync(SyncResult{error, {}, {}, {}});
  }
}

void ClassicGroup::sync(const std::string& member_id, const std::optional<std::string>& instance_id,
                        int32_t generation, const std::optional<std::string>& protocol_type,
                        const std::optional<std::string>& protocol_name,
                        std::map<std::string, protocol::Bytes> assignment, SyncCallback done) {
  auto fail = [&](ErrorCode e) { done(SyncResult{e, {}, {}, {}}); };
  if (state_ == State::kDead) return fail(ErrorCode::kCoordinatorNotAvailable);
  if (auto e = validate_member(member_id, instance_id); e != ErrorCode::kNone) return fail(e);
  if (generation != generation_) return fail(ErrorCode::kIllegalGeneration);
  if (protocol_type && protocol_type_ != protocol_type) return fail(ErrorCode::kInconsistentGroupProtocol);
  if (protocol_name && protocol_name_ != protocol_name) return fail(ErrorCode::kInconsistentGroupProtocol);
  switch (state_) {
    case State::kEmpty:
      return fail(ErrorCode::kUnknownMemberId);
    case State::kPreparingRebalance:
      return fail(ErrorCode::kRebalanceInProgress);
    case State::kDead:
      return fail(ErrorCode::kCoordinatorNotAvailable);
    case State::kStable: {
      // Already stable: hand back the member's assignment.
      pending_sync_.erase(member_id);
      if (pending_sync_.empty()) sync_deadline_ = kNoDeadline;
      ClassicMember& m = members_.at(member_id);
      reschedule_session(m, m.session_timeout_ms);
      return done(SyncResult{ErrorCode::kNone, protocol_type_, protocol_name_, m.assignment});
    }
    case State::kCompletingRebalance:
      break;
  }
  ClassicMember& m = members_.at(member_id);
  m.complete_sync(SyncResult{ErrorCode::kRebalanceInProgress, {}, {}, {}});  // a duplicate SyncGroup
  m.awaiting_sync = std::move(done);
  pending_sync_.erase(member_id);
  if (pending_sync_.empty()) sync_deadline_ = kNoDeadline;
  if (!is_leader(member_id)) return;  // followers wait for the leader's assignment

  // The leader's assignment: members it left out get an empty one; entries
  // for non-members are ignored.
  std::map<std::string, protocol::Bytes> full;
  for (const auto& [id, _] : members_) {
    auto it = assignment.find(id);
    full[id] = it == assignment.end() ? protocol::Bytes{} : std::move(it->second);
  }
  if (auto e = store(full); e != ErrorCode::kNone) {
    ctx_.logger->warn("{}group {}: cannot store the assignment of generation {}: {}", ctx_.log_prefix, id_,
                      generation_, protocol::error_name(e));
    reset_and_propagate_assignment_error(group_write_error(e));
    return maybe_prepare_rebalance("the assignment could not be stored");
  }
  set_and_propagate_assignment(full);
  transition(State::kStable);
}

std::vector<ErrorCode> ClassicGroup::leave(const std::vector<LeavingMember>& leaving) {
  std::vector<ErrorCode> errors;
  for (const auto& l : leaving) {
    if (state_ == State::kDead) {
      errors.push_back(ErrorCode::kCoordinatorNotAvailable);
    } else if (l.member_id.empty()) {
      // Administrative removal by group.instance.id.
      auto it = l.group_instance_id ? static_members_.find(*l.group_instance_id) : static_members_.end();
      if (it == static_members_.end()) {
        errors.push_back(ErrorCode::kUnknownMemberId);
        continue;
      }
      const std::string id = it->second;
      remove_member_and_update_group(id, fmt::format("static member {} leaves{}", *l.group_instance_id,
                                                     l.reason.empty() ? "" : " (" + l.reason + ")"));
      errors.push_back(ErrorCode::kNone);
    } else if (pending_members_.erase(l.member_id)) {
      if (state_ == State::kPreparingRebalance) try_complete_join();
      errors.push_back(ErrorCode::kNone);
    } else if (auto e = validate_member(l.member_id, l.group_instance_id); e != ErrorCode::kNone) {
      errors.push_back(e);
    } else {
      remove_member_and_update_group(l.member_id, fmt::format("member {} leaves{}", l.member_id,
                                                              l.reason.empty() ? "" : " (" + l.reason + ")"));
      errors.push_back(ErrorCode::kNone);
    }
  }
  return errors;
}

void ClassicGroup::expire_pending_sync() {
  sync_deadline_ = kNoDeadline;
  if (state_ != State::kCompletingRebalance && state_ != State::kStable) return;
  if (pending_sync_.empty()) return;
  auto missing = pending_sync_;
  ctx_.logger->info("{}group {}: {} members did not sync in time", ctx_.log_prefix, id_, missing.size());
  for (const auto& id : missing) remove_member(id);
  prepare_rebalance("members did not send SyncGroup in time");
}

void ClassicGroup::expire_members(int64_t now) {
  for (auto it = pending_members_.begin(); it != pending_members_.end();) {
    if (it->second <= now) {
      it = pending_members_.erase(it);
    } else {
      ++it;
    }
  }
  std::vector<std::string> expired;
  for (auto& [id, m] : members_) {
    if (m.session_deadline > now) continue;
    if (!m.is_new && (m.is_awaiting_join() || m.is_awaiting_sync())) {
      // Waiting on the rebalance counts as alive (the rebalance and sync
      // timeouts bound the wait): look again a session later.
      reschedule_session(m, m.session_timeout_ms);
      continue;
    }
    expired.push_back(id);
  }
  for (const auto& id : expired) {
    if (!members_.count(id)) continue;
    ctx_.logger->info("{}group {}: member {} failed (session timeout), removing it", ctx_.log_prefix, id_,
                      id);
    remove_member_and_update_group(id, fmt::format("member {} session expired", id));
  }
}

void ClassicGroup::tick() {
  if (state_ == State::kDead) return;
  const int64_t now = ctx_.now();
  expire_members(now);
  if (state_ == State::kPreparingRebalance) {
    try_complete_join();  // pending members may have expired
    if (state_ == State::kPreparingRebalance && join_timer_.deadline <= now) {
      if (join_timer_.initial && new_member_added_ && join_timer_.remaining_ms > 0) {
        // Members keep arriving: wait another delay, within the rebalance timeout.
        new_member_added_ = false;
        const int64_t delay =
            std::min<int64_t>(ctx_.config.initial_rebalance_delay_ms, join_timer_.remaining_ms);
        const int64_t remaining = std::max<int64_t>(join_timer_.remaining_ms - join_timer_.delay_ms, 0);
        join_timer_ = JoinTimer{now + delay, true, delay, remaining};
      } else {
        complete_join();
      }
    }
  }
  if (sync_deadline_ <= now) expire_pending_sync();
}

int64_t ClassicGroup::next_deadline() const {
  if (state_ == State::kDead) return kNoDeadline;
  int64_t next = std::min(join_timer_.deadline, sync_deadline_);
  for (const auto& [id, deadline] : pending_members_) next = std::min(next, deadline);
  for (const auto& [id, m] : members_) next = std::min(next, m.session_deadline);
  return next;
}

}  // namespace kappa::group

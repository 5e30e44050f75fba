// ClassicGroup: membership bookkeeping, protocol selection, validation and
// describe.  The join, rebalance and persistence flows are in
// classic_join.cc, classic_rebalance.cc and classic_store.cc.
#include "kappa/group/classic_group.h"

#include <algorithm>

#include "kappa/common/assert.h"
#include "kappa/group/consumer_protocol.h"

namespace kappa::group {

using protocol::ErrorCode;
using State = ClassicGroupState;

std::string_view state_name(ClassicGroupState s) {
  switch (s) {
    case State::kEmpty:
      return "Empty";
    case State::kPreparingRebalance:
      return "PreparingRebalance";
    case State::kCompletingRebalance:
      return "CompletingRebalance";
    case State::kStable:
      return "Stable";
    case State::kDead:
      return "Dead";
  }
  return "Unknown";
}

ClassicGroup::ClassicGroup(std::string id, GroupContext& ctx) : id_(std::move(id)), ctx_(ctx) {}

const ClassicMember* ClassicGroup::member(const std::string& id) const {
  auto it = members_.find(id);
  return it == members_.end() ? nullptr : &it->second;
}

bool ClassicGroup::is_subscribed_to(const std::string& topic) const {
  return subscribed_topics_ && subscribed_topics_->count(topic) > 0;
}

void ClassicGroup::transition(State to) {
  auto allowed = [&](std::initializer_list<State> from) {
    return std::find(from.begin(), from.end(), state_) != from.end();
  };
  bool ok = false;
  switch (to) {
    case State::kPreparingRebalance:
      ok = allowed({State::kStable, State::kCompletingRebalance, State::kEmpty});
      break;
    case State::kCompletingRebalance:
      ok = allowed({State::kPreparingRebalance});
      break;
    case State::kStable:
      ok = allowed({State::kCompletingRebalance});
      break;
    case State::kEmpty:
      ok = allowed({State::kPreparingRebalance});
      break;
    case State::kDead:
      ok = true;
      break;
  }
  KAPPA_ASSERT(ok, "group {}: illegal transition {} -> {}", id_, state_name(state_), state_name(to));
  state_ = to;
  state_timestamp_ms_ = ctx_.wall();
}

void ClassicGroup::add_member(ClassicMember m) {
  if (members_.empty()) protocol_type_ = m.protocol_type;
  if (!leader_) leader_ = m.member_id;
  for (const auto& p : m.protocols) ++protocol_votes_[p.name];
  if (m.is_awaiting_join()) ++num_awaiting_join_;
  if (m.group_instance_id) static_members_[*m.group_instance_id] = m.member_id;
  pending_members_.erase(m.member_id);
  const std::string id = m.member_id;
  members_.emplace(id, std::move(m));
}

void ClassicGroup::remove_member(const std::string& member_id) {
  auto it = members_.find(member_id);
  if (it == members_.end()) return;
  ClassicMember& m = it->second;
  for (const auto& p : m.protocols) {
    if (--protocol_votes_[p.name] == 0) protocol_votes_.erase(p.name);
  }
  // A member removed while waiting for a response rejoins with a new id.
  complete_join_of(m, JoinResult::failure("", ErrorCode::kUnknownMemberId));
  if (m.group_instance_id) {
    auto s = static_members_.find(*m.group_instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  // Nobody is left to answer a pending SyncGroup of a removed member.
  m.complete_sync(SyncResult{ErrorCode::kUnknownMemberId, {}, {}, {}});
  members_.erase(it);
  pending_sync_.erase(member_id);
  if (leader_ == member_id) {
    leader_.reset();
    if (!members_.empty()) leader_ = members_.begin()->first;
  }
}

void ClassicGroup::update_member(ClassicMember& m, std::vector<GroupProtocol> protocols,
                                 int32_t rebalance_timeout_ms, int32_t session_timeout_ms,
                                 JoinCallback done) {
  for (const auto& p : m.protocols) {
    if (--protocol_votes_[p.name] == 0) protocol_votes_.erase(p.name);
  }
  m.protocols = std::move(protocols);
  for (const auto& p : m.protocols) ++protocol_votes_[p.name];
  m.rebalance_timeout_ms = rebalance_timeout_ms;
  m.session_timeout_ms = session_timeout_ms;
  // A second JoinGroup for the same member (the client retried on another
  // connection): the first one will never be read, answer it anyway.
  complete_join_of(m, JoinResult::failure(m.member_id, ErrorCode::kRebalanceInProgress));
  if (done) {
    m.awaiting_join = std::move(done);
    ++num_awaiting_join_;
  }
}

void ClassicGroup::replace_static_member(const std::string& instance_id, const std::string& old_id,
                                         const std::string& new_id) {
  auto node = members_.extract(old_id);
  KAPPA_ASSERT(!node.empty(), "group {}: static member {} not found", id_, old_id);
  ClassicMember& m = node.mapped();
  // Fence the old instance at once if it is waiting for a response.
  complete_join_of(m, JoinResult::failure(old_id, ErrorCode::kFencedInstanceId));
  m.complete_sync(SyncResult{ErrorCode::kFencedInstanceId, {}, {}, {}});
  m.member_id = new_id;
  node.key() = new_id;
  members_.insert(std::move(node));
  if (pending_sync_.erase(old_id)) pending_sync_.insert(new_id);
  if (leader_ == old_id) leader_ = new_id;
  static_members_[instance_id] = new_id;
}

bool ClassicGroup::supports_protocols(const std::string& type,
                                      const std::vector<GroupProtocol>& protocols) const {
  if (state_ == State::kEmpty) return !type.empty() && !protocols.empty();
  if (protocol_type_ != type) return false;
  for (const auto& p : protocols) {
    auto it = protocol_votes_.find(p.name);
    if (it != protocol_votes_.end() && it->second == static_cast<int32_t>(members_.size())) return true;
  }
  return false;
}

std::string ClassicGroup::select_protocol() const {
  KAPPA_ASSERT(!members_.empty(), "group {}: selecting a protocol without members", id_);
  // Candidates: protocols every member supports.  Each member votes for its
  // most preferred candidate; most votes wins, ties go to the protocol the
  // first member (by id) prefers.
  std::set<std::string> candidates;
  for (const auto& [name, count] : protocol_votes_) {
    if (count == static_cast<int32_t>(members_.size())) candidates.insert(name);
  }
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    for (const auto& p : m.protocols) {
      if (candidates.count(p.name)) {
        ++votes[p.name];
        break;
      }
    }
  }
  std::string best;
  int best_votes = -1;
  for (const auto& p : members_.begin()->second.protocols) {
    auto it = votes.find(p.name);
    if (it != votes.end() && it->second > best_votes) {
      best = p.name;
      best_votes = it->second;
    }
  }
  KAPPA_ASSERT(best_votes > 0, "group {}: no protocol supported by every member", id_);
  return best;
}

int32_t ClassicGroup::rebalance_timeout_ms() const {
  int32_t t = 0;
  for (const auto& [id, m] : members_) t = std::max(t, m.rebalance_timeout_ms);
  return t;
}

bool ClassicGroup::has_all_members_joined() const {
  return static_cast<int32_t>(members_.size()) == num_awaiting_join_ && pending_members_.empty();
}

bool ClassicGroup::is_static_member_fenced(const std::optional<std::string>& instance_id,
                                           const std::string& member_id) const {
  if (!instance_id) return false;
  auto it = static_members_.find(*instance_id);
  return it != static_members_.end() && it->second != member_id;
}

ErrorCode ClassicGroup::validate_member(const std::string& member_id,
                                        const std::optional<std::string>& instance_id) const {
  if (instance_id) {
    auto it = static_members_.find(*instance_id);
    if (it == static_members_.end()) return ErrorCode::kUnknownMemberId;
    if (it->second != member_id) return ErrorCode::kFencedInstanceId;
  }
  if (!members_.count(member_id)) return ErrorCode::kUnknownMemberId;
  return ErrorCode::kNone;
}

std::vector<JoinResponseMember> ClassicGroup::current_member_metadata() const {
  std::vector<JoinResponseMember> out;
  out.reserve(members_.size());
  for (const auto& [id, m] : members_) {
    const auto* md = protocol_name_ ? m.metadata(*protocol_name_) : nullptr;
    out.push_back({id, m.group_instance_id, md ? *md : protocol::Bytes{}});
  }
  return out;
}

JoinResult ClassicGroup::join_result_for(const ClassicMember& m, bool with_members, const std::string& leader,
                                         bool skip_assignment) const {
  JoinResult r;
  r.member_id = m.member_id;
  r.generation_id = generation_;
  r.protocol_type = protocol_type_;
  r.protocol_name = protocol_name_;
  r.leader_id = leader;
  r.skip_assignment = skip_assignment;
  if (with_members) r.members = current_member_metadata();
  return r;
}

void ClassicGroup::compute_subscribed_topics() {
  subscribed_topics_.reset();
  if (protocol_type_ != kConsumerProtocolType || !protocol_name_) return;
  std::set<std::string> topics;
  for (const auto& [id, m] : members_) {
    const auto* md = m.metadata(*protocol_name_);
    auto parsed = md ? parse_subscription_topics(*md) : std::nullopt;
    if (!parsed) return;  // unknown: treat every topic as subscribed
    topics.insert(parsed->begin(), parsed->end());
  }
  subscribed_topics_ = std::move(topics);
}

void ClassicGroup::complete_join_of(ClassicMember& m, JoinResult r) {
  if (!m.is_awaiting_join()) return;
  --num_awaiting_join_;
  m.complete_join(std::move(r));
}

void ClassicGroup::reschedule_session(ClassicMember& m, int64_t timeout_ms) {
  m.session_deadline = ctx_.now() + timeout_ms;
}

ErrorCode ClassicGroup::heartbeat(const std::string& member_id, const std::optional<std::string>& instance_id,
                                  int32_t generation) {
  if (state_ == State::kDead) return ErrorCode::kCoordinatorNotAvailable;
  if (auto e = validate_member(member_id, instance_id); e != ErrorCode::kNone) return e;
  if (generation != generation_) return ErrorCode::kIllegalGeneration;
  ClassicMember& m = members_.at(member_id);
  switch (state_) {
    case State::kEmpty:
      return ErrorCode::kUnknownMemberId;
    case State::kPreparingRebalance:
      reschedule_session(m, m.session_timeout_ms);
      return ErrorCode::kRebalanceInProgress;
    default:
      reschedule_session(m, m.session_timeout_ms);
      return ErrorCode::kNone;
  }
}

ErrorCode ClassicGroup::validate_offset_commit(const std::string& member_id,
                                               const std::optional<std::string>& instance_id,
                                               int32_t generation) {
  if (state_ == State::kDead) return ErrorCode::kCoordinatorNotAvailable;
  // Generation -1 with an empty group: a client that only stores offsets
  // (admin tools, manual assignment).
  if (generation < 0 && state_ == State::kEmpty) return ErrorCode::kNone;
  if (generation >= 0 || !member_id.empty() || instance_id) {
    if (auto e = validate_member(member_id, instance_id); e != ErrorCode::kNone) return e;
    if (generation != generation_) return ErrorCode::kIllegalGeneration;
  } else if (state_ != State::kEmpty) {
    return ErrorCode::kUnknownMemberId;  // only members commit to a non-empty group
  }
  if (state_ == State::kCompletingRebalance) return ErrorCode::kRebalanceInProgress;
  if (state_ == State::kStable || state_ == State::kPreparingRebalance) {
    auto it = members_.find(member_id);
    if (it != members_.end()) reschedule_session(it->second, it->second.session_timeout_ms);
  }
  return ErrorCode::kNone;
}

GroupDescription ClassicGroup::describe() const {
  GroupDescription d;
  d.state = std::string(state_name(state_));
  d.protocol_type = protocol_type_.value_or("");
  const bool stable = state_ == State::kStable && protocol_name_;
  if (stable) d.protocol_data = *protocol_name_;
  for (const auto& [id, m] : members_) {
    DescribedMember dm{id, m.group_instance_id, m.client_id, m.client_host, {}, {}};
    if (stable) {
      if (const auto* md = m.metadata(*protocol_name_)) dm.metadata = *md;
      dm.assignment = m.assignment;
    }
    d.members.push_back(std::move(dm));
  }
  return d;
}

void ClassicGroup::make_dead(ErrorCode error) {
  if (state_ == State::kDead) return;
  for (auto& [id, m] : members_) {
    complete_join_of(m, JoinResult::failure(id, error));
    m.complete_sync(SyncResult{error, {}, {}, {}});
  }
  transition(State::kDead);
  join_timer_ = JoinTimer{};
  sync_deadline_ = kNoDeadline;
}

void ClassicGroup::check_invariants() const {
  int32_t awaiting = 0;
  for (const auto& [id, m] : members_) {
    KAPPA_ASSERT(id == m.member_id, "group {}: member key {} holds {}", id_, id, m.member_id);
    if (m.is_awaiting_join()) ++awaiting;
    if (m.group_instance_id) {
      auto it = static_members_.find(*m.group_instance_id);
      KAPPA_ASSERT(it != static_members_.end() && it->second == id, "group {}: static member {} not mapped",
                   id_, id);
    }
  }
  KAPPA_ASSERT(awaiting == num_awaiting_join_, "group {}: {} awaiting join, counted {}", id_, awaiting,
               num_awaiting_join_);
  for (const auto& [instance, id] : static_members_) {
    KAPPA_ASSERT(members_.count(id), "group {}: instance {} maps to missing member {}", id_, instance, id);
  }
  if (state_ == State::kEmpty) KAPPA_ASSERT(members_.empty(), "group {}: Empty with members", id_);
  if (state_ == State::kStable || state_ == State::kCompletingRebalance) {
    KAPPA_ASSERT(!members_.empty(), "group {}: {} without members", id_, state_name(state_));
  }
  if (leader_) KAPPA_ASSERT(members_.count(*leader_), "group {}: leader {} is not a member", id_, *leader_);
  if (state_ == State::kCompletingRebalance || state_ == State::kStable) {
    KAPPA_ASSERT(protocol_name_.has_value(), "group {}: no protocol in {}", id_, state_name(state_));
    for (const auto& [id, m] : members_) {
      KAPPA_ASSERT(m.metadata(*protocol_name_), "group {}: member {} lacks protocol {}", id_, id,
                   *protocol_name_);
    }
  }
}

}  // namespace kappa::group

// ConsumerGroup: applying records, queries, timers and offset validation.
// The heartbeat flow is in consumer_heartbeat.cc.
#include "kappa/group/consumer_group.h"

#include <fmt/format.h>

#include "kappa/common/assert.h"

namespace kappa::group {

using protocol::ErrorCode;

namespace {

template <typename TopicPartitions>
Assignment to_assignment(const std::vector<TopicPartitions>& tps) {
  Assignment a;
  for (const auto& tp : tps) {
    if (!tp.partitions.empty()) a[tp.topic_id].insert(tp.partitions.begin(), tp.partitions.end());
  }
  return a;
}

}  // namespace

const ConsumerMember* ConsumerGroup::member(const std::string& id) const {
  auto it = members_.find(id);
  return it == members_.end() ? nullptr : &it->second;
}

const Assignment* ConsumerGroup::target(const std::string& member_id) const {
  auto it = target_.find(member_id);
  return it == target_.end() ? nullptr : &it->second;
}

std::string ConsumerGroup::state() const {
  if (members_.empty()) return "Empty";
  if (group_epoch_ > assignment_epoch_) return "Assigning";
  for (const auto& [id, m] : members_) {
    if (!m.is_reconciled_to(assignment_epoch_)) return "Reconciling";
  }
  return "Stable";
}

std::string ConsumerGroup::preferred_assignor(const GroupConfig& config) const {
  std::map<std::string, int> votes;
  for (const auto& [id, m] : members_) {
    if (m.server_assignor) ++votes[*m.server_assignor];
  }
  std::string best = config.consumer_assignors.empty() ? "uniform" : config.consumer_assignors.front();
  int best_votes = 0;
  for (const auto& [name, n] : votes) {
    if (n > best_votes) {
      best = name;
      best_votes = n;
    }
  }
  return best;
}

bool ConsumerGroup::owned_by_other(const std::string& member_id, const protocol::Uuid& topic,
                                   int32_t partition) const {
  auto it = owners_.find({topic, partition});
  return it != owners_.end() && it->second != member_id;
}

// --- Records

void ConsumerGroup::replay(const ParsedRecord& record) {
  std::visit(
      [this](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return;
        } else {
          replay_typed(r);
        }
      },
      record);
}

template <typename Record>
void ConsumerGroup::replay_typed(const Record& r) {
  using T = Record;
  const auto* value = r.value ? &*r.value : nullptr;
  if constexpr (std::is_same_v<T, ConsumerGroupMetadataRecord>) {
    apply_epoch(value);
  } else if constexpr (std::is_same_v<T, ConsumerGroupPartitionMetadataRecord>) {
    apply_partition_metadata(value);
  } else if constexpr (std::is_same_v<T, ConsumerGroupMemberMetadataRecord>) {
    apply_member(r.key.member_id, value);
  } else if constexpr (std::is_same_v<T, ConsumerGroupTargetAssignmentMetadataRecord>) {
    apply_target_epoch(value);
  } else if constexpr (std::is_same_v<T, ConsumerGroupTargetAssignmentMemberRecord>) {
    apply_target(r.key.member_id, value);
  } else if constexpr (std::is_same_v<T, ConsumerGroupCurrentMemberAssignmentRecord>) {
    apply_current(r.key.member_id, value);
  }
}

void ConsumerGroup::apply_epoch(const protocol::ConsumerGroupMetadataValue* v) {
  if (v) {
    group_epoch_ = v->epoch;
    deleted_ = false;
  } else {
    deleted_ = true;
  }
}

void ConsumerGroup::apply_partition_metadata(const protocol::ConsumerGroupPartitionMetadataValue* v) {
  subscription_metadata_.clear();
  if (!v) return;
  for (const auto& t : v->topics)
    subscription_metadata_[t.topic_name] = TopicInfo{t.topic_id, t.topic_name, t.num_partitions};
}

void ConsumerGroup::apply_member(const std::string& member_id,
                                 const protocol::ConsumerGroupMemberMetadataValue* v) {
  if (!v) {
    auto it = members_.find(member_id);
    if (it == members_.end()) return;
    if (it->second.instance_id) {
      auto s = static_members_.find(*it->second.instance_id);
      if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
    }
    members_.erase(it);
    return;
  }
  ConsumerMember& m = members_[member_id];
  m.member_id = member_id;
  if (m.instance_id && m.instance_id != v->instance_id) {
    auto s = static_members_.find(*m.instance_id);
    if (s != static_members_.end() && s->second == member_id) static_members_.erase(s);
  }
  m.instance_id = v->instance_id;
  if (m.instance_id) static_members_[*m.instance_id] = member_id;
  m.rack_id = v->rack_id;
  m.client_id = v->client_id;
  m.client_host = v->client_host;
  m.subscribed_topic_names = v->subscribed_topic_names;
  m.subscribed_topic_regex = v->subscribed_topic_regex;
  m.rebalance_timeout_ms = v->rebalance_timeout_ms;
  m.server_assignor = v->server_assignor;
}

void ConsumerGroup::apply_target_epoch(const protocol::ConsumerGroupTargetAssignmentMetadataValue* v) {
  assignment_epoch_ = v ? v->assignment_epoch : 0;
}

void ConsumerGroup::apply_target(const std::string& member_id,
                                 const protocol::ConsumerGroupTargetAssignmentMemberValue* v) {
  if (v) {
    target_[member_id] = to_assignment(v->topic_partitions);
  } else {
    target_.erase(member_id);
  }
}

void ConsumerGroup::apply_current(const std::string& member_id,
                                  const protocol::ConsumerGroupCurrentMemberAssignmentValue* v) {
  auto it = members_.find(member_id);
  if (it == members_.end()) {
    if (!v) return;
    it = members_.emplace(member_id, ConsumerMember{}).first;
    it->second.member_id = member_id;
  }
  ConsumerMember& m = it->second;
  auto release = [&](const Assignment& a) {
    for (const auto& [t, ps] : a) {
      for (int32_t p : ps) {
        auto o = owners_.find({t, p});
        if (o != owners_.end() && o->second == member_id) owners_.erase(o);
      }
    }
  };
  release(m.assigned);
  release(m.pending_revocation);
  if (v) {
    m.member_epoch = v->member_epoch;
    m.previous_member_epoch = v->previous_member_epoch;
    m.state = static_cast<MemberState>(v->state);
    if (m.state != MemberState::kStable && m.state != MemberState::kUnrevokedPartitions &&
        m.state != MemberState::kUnreleasedPartitions) {
      m.state = MemberState::kUnknown;
    }
    m.assigned = to_assignment(v->assigned_partitions);
    m.pending_revocation = to_assignment(v->partitions_pending_revocation);
  } else {
    m.member_epoch = kLeaveGroupMemberEpoch;
    m.previous_member_epoch = kLeaveGroupMemberEpoch;
    m.state = MemberState::kStable;
    m.assigned.clear();
    m.pending_revocation.clear();
  }
  for (const auto* a : {&m.assigned, &m.pending_revocation}) {
    for (const auto& [t, ps] : *a) {
      for (int32_t p : ps) owners_[{t, p}] = member_id;
    }
  }
  if (m.state != MemberState::kUnrevokedPartitions) m.rebalance_deadline = kNoDeadline;
}

std::vector<CoordinatorRecord> ConsumerGroup::tombstones() const {
  std::vector<CoordinatorRecord> out;
  for (const auto& [id, m] : members_) out.push_back(consumer_group_current_member_record(id_, id, nullptr));
  for (const auto& [id, m] : members_) out.push_back(consumer_group_target_member_record(id_, id, nullptr));
  out.push_back(consumer_group_target_epoch_record(id_, nullptr));
  for (const auto& [id, m] : members_) out.push_back(consumer_group_member_record(id_, id, nullptr));
  out.push_back(consumer_group_partition_metadata_record(id_, nullptr));
  out.push_back(consumer_group_epoch_record(id_, nullptr));
  return out;
}

// --- Timers

std::vector<std::string> ConsumerGroup::expired_members(int64_t now) const {
  std::vector<std::string> out;
  for (const auto& [id, m] : members_) {
    if (m.session_deadline <= now || m.rebalance_deadline <= now) out.push_back(id);
  }
  return out;
}

int64_t ConsumerGroup::next_deadline() const {
  int64_t next = kNoDeadline;
  for (const auto& [id, m] : members_) next = std::min({next, m.session_deadline, m.rebalance_deadline});
  return next;
}

void ConsumerGroup::start_sessions(int64_t now, const GroupConfig& config) {
  for (auto& [id, m] : members_) {
    m.session_deadline = now + config.consumer_session_timeout_ms;
    if (m.state == MemberState::kUnrevokedPartitions && m.rebalance_timeout_ms > 0) {
      m.rebalance_deadline = now + m.rebalance_timeout_ms;
    }
  }
}

// --- Offsets

ErrorCode ConsumerGroup::validate_offset_commit(const std::string& member_id, int32_t member_epoch,
                                                int16_t api_version) const {
  // Epoch -1 with no member: admin tools and manual assignment.
  if (member_epoch < 0 && members_.empty()) return ErrorCode::kNone;
  const ConsumerMember* m = member(member_id);
  if (!m) return ErrorCode::kUnknownMemberId;
  if (api_version < 9) return ErrorCode::kUnsupportedVersion;  // members of KIP-848 groups commit with v9+
  if (member_epoch != m->member_epoch) return ErrorCode::kStaleMemberEpoch;
  return ErrorCode::kNone;
}

ErrorCode ConsumerGroup::validate_offset_fetch(const std::optional<std::string>& member_id,
                                               int32_t member_epoch) const {
  if (!member_id && member_epoch < 0) return ErrorCode::kNone;
  const ConsumerMember* m = member(member_id.value_or(""));
  if (!m) return ErrorCode::kUnknownMemberId;
  if (member_epoch != m->member_epoch) return ErrorCode::kStaleMemberEpoch;
  return ErrorCode::kNone;
}

ConsumerGroupDescription ConsumerGroup::describe(const GroupConfig& config) const {
  ConsumerGroupDescription d;
  d.state = state();
  d.group_epoch = group_epoch_;
  d.assignment_epoch = assignment_epoch_;
  d.assignor = preferred_assignor(config);
  for (const auto& [id, m] : members_) {
    const Assignment* t = target(id);
    d.members.push_back({m, t ? *t : Assignment{}});
  }
  return d;
}

void ConsumerGroup::check_invariants() const {
  KAPPA_ASSERT(assignment_epoch_ <= group_epoch_, "group {}: assignment epoch {} > group epoch {}", id_,
               assignment_epoch_, group_epoch_);
  std::map<std::pair<protocol::Uuid, int32_t>, std::string> seen;
  for (const auto& [id, m] : members_) {
    for (const auto* a : {&m.assigned, &m.pending_revocation}) {
      for (const auto& [t, ps] : *a) {
        for (int32_t p : ps) {
          auto [it, fresh] = seen.emplace(std::make_pair(t, p), id);
          KAPPA_ASSERT(fresh, "group {}: partition {}-{} owned by {} and {}", id_, t.to_string(), p,
                       it->second, id);
        }
      }
    }
    if (m.instance_id) {
      auto s = static_members_.find(*m.instance_id);
      KAPPA_ASSERT(s != static_members_.end() && s->second == id, "group {}: static member {} not mapped",
                   id_, id);
    }
  }
  KAPPA_ASSERT(seen == owners_, "group {}: partition owners out of date", id_);
}

}  // namespace kappa::group

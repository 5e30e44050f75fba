// ConsumerGroup: the ConsumerGroupHeartbeat flow and member removal.
//   1. create or update the member; a subscription change bumps the group
//      epoch (so does a change of the subscribed topics' metadata);
//   2. if the group epoch is ahead of the assignment epoch, compute a new
//      target assignment with the group's assignor;
//   3. reconcile the member towards its target (revoke before assign).
// Every step emits records and applies them to a copy of the group, so
// later steps see earlier ones; the copy is installed only once the
// records are in the log.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "kappa/group/assignor.h"
#include "kappa/group/consumer_group.h"
#include "kappa/group/reconciler.h"

namespace kappa::group {

using protocol::ErrorCode;

namespace {

template <typename TopicPartitions>
std::vector<TopicPartitions> to_wire(const Assignment& a) {
  std::vector<TopicPartitions> out;
  for (const auto& [topic, parts] : a) {
    TopicPartitions tp;
    tp.topic_id = topic;
    tp.partitions.assign(parts.begin(), parts.end());
    out.push_back(std::move(tp));
  }
  return out;
}

std::optional<std::regex> compile(const std::string& pattern) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return std::nullopt;
  }
}

std::string epoch_message(bool greater, int32_t received, int32_t known) {
  return fmt::format(
      "The consumer group member has a {} member epoch ({}) than the one known by the group coordinator "
      "({}). "
      "The member must abandon all its partitions and rejoin.",
      greater ? "greater" : "smaller", received, known);
}

}  // namespace

// Emits records and applies each to the copy of the group it builds.
class ConsumerChangeBuilder {
 public:
  explicit ConsumerChangeBuilder(const ConsumerGroup& g) : next_(std::make_unique<ConsumerGroup>(g)) {}
  ConsumerGroup& next() { return *next_; }
  const std::string& id() const { return next_->id_; }

  void member_metadata(const ConsumerMember& m) {
    protocol::ConsumerGroupMemberMetadataValue v;
    v.instance_id = m.instance_id;
    v.rack_id = m.rack_id;
    v.client_id = m.client_id;
    v.client_host = m.client_host;
    v.subscribed_topic_names = m.subscribed_topic_names;
    v.subscribed_topic_regex = m.subscribed_topic_regex;
    v.rebalance_timeout_ms = m.rebalance_timeout_ms;
    v.server_assignor = m.server_assignor;
    records_.push_back(consumer_group_member_record(id(), m.member_id, &v));
    next_->apply_member(m.member_id, &v);
  }
  void remove_member(const std::string& member_id) {
    records_.push_back(consumer_group_current_member_record(id(), member_id, nullptr));
    next_->apply_current(member_id, nullptr);
    records_.push_back(consumer_group_target_member_record(id(), member_id, nullptr));
    next_->apply_target(member_id, nullptr);
    records_.push_back(consumer_group_member_record(id(), member_id, nullptr));
    next_->apply_member(member_id, nullptr);
  }
  void partition_metadata(const std::map<std::string, TopicInfo>& topics) {
    protocol::ConsumerGroupPartitionMetadataValue v;
    for (const auto& [name, t] : topics) {
      protocol::ConsumerGroupPartitionMetadataValue::TopicMetadata tm;
      tm.topic_id = t.id;
      tm.topic_name = name;
      tm.num_partitions = t.partitions;
      v.topics.push_back(std::move(tm));
    }
    records_.push_back(consumer_group_partition_metadata_record(id(), &v));
    next_->apply_partition_metadata(&v);
  }
  void epoch(int32_t epoch) {
    protocol::ConsumerGroupMetadataValue v{epoch};
    records_.push_back(consumer_group_epoch_record(id(), &v));
    next_->apply_epoch(&v);
  }
  void target(const std::string& member_id, const Assignment& a) {
    protocol::ConsumerGroupTargetAssignmentMemberValue v;
    v.topic_partitions = to_wire<protocol::ConsumerGroupTargetAssignmentMemberValue::TopicPartition>(a);
    records_.push_back(consumer_group_target_member_record(id(), member_id, &v));
    next_->apply_target(member_id, &v);
  }
  void target_epoch(int32_t epoch) {
    protocol::ConsumerGroupTargetAssignmentMetadataValue v{epoch};
    records_.push_back(consumer_group_target_epoch_record(id(), &v));
    next_->apply_target_epoch(&v);
  }
  void current(const ConsumerMember& m) {
    using V = protocol::ConsumerGroupCurrentMemberAssignmentValue;
    V v;
    v.member_epoch = m.member_epoch;
    v.previous_member_epoch = m.previous_member_epoch;
    v.state = static_cast<int8_t>(m.state);
    v.assigned_partitions = to_wire<V::TopicPartitions>(m.assigned);
    v.partitions_pending_revocation = to_wire<V::TopicPartitions>(m.pending_revocation);
    records_.push_back(consumer_group_current_member_record(id(), m.member_id, &v));
    next_->apply_current(m.member_id, &v);
  }

  // The subscribed topics of the copy's members, by name, as they exist now.
  std::map<std::string, TopicInfo> subscription_metadata(const TopicCatalog& topics) const {
    std::map<std::string, TopicInfo> out;
    std::vector<std::regex> regexes;
    for (const auto& [id, m] : next_->members_) {
      for (const auto& name : m.subscribed_topic_names) {
        if (const auto* t = topics.by_name(name)) out[name] = *t;
      }
      if (m.subscribed_topic_regex) {
        if (auto re = compile(*m.subscribed_topic_regex)) regexes.push_back(std::move(*re));
      }
    }
    if (!regexes.empty()) {
      for (const auto& [name, t] : topics.all()) {
        if (t.internal) continue;
        for (const auto& re : regexes) {
          if (std::regex_match(name, re)) {
            out[name] = t;
            break;
          }
        }
      }
    }
    return out;
  }

  // Removes a member and bumps the group epoch (leave, session or
  // rebalance timeout).
  void fence(const std::string& member_id, const TopicCatalog& topics) {
    remove_member(member_id);
    auto meta = subscription_metadata(topics);
    if (meta != next_->subscription_metadata_) partition_metadata(meta);
    epoch(next_->group_epoch_ + 1);
  }

  // A new target assignment for every member at `epoch`.
  void assign(int32_t epoch, const GroupConfig& config) {
    const ConsumerGroup& g = *next_;
    const PartitionAssignor* assignor = find_assignor(g.preferred_assignor(config));
    if (!assignor) assignor = find_assignor("uniform");
    AssignmentInput in;
    std::vector<std::regex> no_regex;
    for (const auto& [id, m] : g.members_) {
      AssignmentMember am{id, m.instance_id, m.rack_id, {}};
      std::optional<std::regex> re;
      if (m.subscribed_topic_regex) re = compile(*m.subscribed_topic_regex);
      for (const auto& [name, t] : g.subscription_metadata_) {
        const bool by_name =
            std::binary_search(m.subscribed_topic_names.begin(), m.subscribed_topic_names.end(), name);
        if (by_name || (re && std::regex_match(name, *re))) am.topics.insert(t.id);
      }
      in.members.push_back(std::move(am));
    }
    for (const auto& [name, t] : g.subscription_metadata_) in.partitions[t.id] = t.partitions;
    in.current = g.target_;
    auto result = assignor->assign(in);
    for (const auto& [id, m] : g.members_) {
      const Assignment& a = result[id];
      const Assignment* old = g.target(id);
      if (!old || *old != a) target(id, a);
    }
    target_epoch(epoch);
  }

  ConsumerGroupChange finish() { return {std::move(records_), std::move(next_)}; }

 private:
  std::unique_ptr<ConsumerGroup> next_;
  std::vector<CoordinatorRecord> records_;
};

ConsumerGroupChange ConsumerGroup::fence(const std::string& member_id, const TopicCatalog& topics) const {
  ConsumerChangeBuilder b(*this);
  b.fence(member_id, topics);
  return b.finish();
}

ConsumerHeartbeatResult ConsumerGroup::heartbeat(const ConsumerHeartbeatParams& p, const TopicCatalog& topics,
                                                 const GroupConfig& config, int64_t now,
                                                 const std::string& new_member_id,
                                                 ConsumerGroupChange& change) const {
  using R = ConsumerHeartbeatResult;
  ConsumerChangeBuilder b(*this);
  const auto static_member = [&]() -> const ConsumerMember* {
    if (!p.instance_id) return nullptr;
    auto it = static_members_.find(*p.instance_id);
    return it == static_members_.end() ? nullptr : member(it->second);
  };

  // --- Leaving: -1 for good, -2 for a static member that will come back.
  if (p.member_epoch == kLeaveGroupMemberEpoch || p.member_epoch == kLeaveGroupStaticMemberEpoch) {
    if (!p.instance_id) {
      if (!member(p.member_id)) {
        return R::failure(ErrorCode::kUnknownMemberId,
                          fmt::format("Member {} is not a member of the group {}.", p.member_id, id_));
      }
      b.fence(p.member_id, topics);
    } else {
      const ConsumerMember* m = static_member();
      if (!m)
        return R::failure(ErrorCode::kUnknownMemberId,
                          fmt::format("Instance id {} is unknown.", *p.instance_id));
      if (m->member_id != p.member_id) {
        return R::failure(ErrorCode::kFencedInstanceId,
                          fmt::format("Static member {} with instance id {} was fenced by member {}.",
                                      p.member_id, *p.instance_id, m->member_id));
      }
      if (p.member_epoch == kLeaveGroupStaticMemberEpoch) {
        ConsumerMember leaving = *m;
        leaving.member_epoch = kLeaveGroupStaticMemberEpoch;
        leaving.pending_revocation.clear();
        b.current(leaving);
      } else {
        b.fence(m->member_id, topics);
      }
    }
    change = b.finish();
    R r;
    r.member_id = p.member_id;
    r.member_epoch = p.member_epoch;
    r.heartbeat_interval_ms = config.consumer_heartbeat_interval_ms;
    return r;
  }

  if (members_.size() >= static_cast<size_t>(config.consumer_max_size) &&
      (p.member_id.empty() || !members_.count(p.member_id))) {
    return R::failure(ErrorCode::kGroupMaxSizeReached,
                      fmt::format("The consumer group has reached its maximum capacity of {} members.",
                                  config.consumer_max_size));
  }
  if (p.subscribed_topic_regex && !p.subscribed_topic_regex->empty() && !compile(*p.subscribed_topic_regex)) {
    return R::failure(ErrorCode::kInvalidRegularExpression,
                      fmt::format("SubscribedTopicRegex `{}` is not a valid regular expression.",
                                  *p.subscribed_topic_regex));
  }
  const std::string member_id = p.member_id.empty() ? new_member_id : p.member_id;

  // --- Find, create or (static member coming back) replace the member.
  auto check_epoch = [&](const ConsumerMember& m) -> std::optional<R> {
    if (p.member_epoch > m.member_epoch) {
      return R::failure(ErrorCode::kFencedMemberEpoch, epoch_message(true, p.member_epoch, m.member_epoch));
    }
    if (p.member_epoch < m.member_epoch &&
        (p.member_epoch != m.previous_member_epoch || !p.owned || !is_subset(*p.owned, m.assigned))) {
      return R::failure(ErrorCode::kFencedMemberEpoch, epoch_message(false, p.member_epoch, m.member_epoch));
    }
    return std::nullopt;
  };
  ConsumerMember before;
  before.member_id = member_id;
  if (!p.instance_id) {
    if (const ConsumerMember* m = member(member_id)) {
      if (auto bad = check_epoch(*m)) return *bad;
      before = *m;
    } else if (p.member_epoch != 0) {
      return R::failure(ErrorCode::kUnknownMemberId,
                        fmt::format("Member {} is not a member of the group {}.", member_id, id_));
    }
  } else if (const ConsumerMember* m = static_member(); p.member_epoch == 0 && m) {
    if (m->member_epoch != kLeaveGroupStaticMemberEpoch) {
      return R::failure(ErrorCode::kUnreleasedInstanceId,
                        fmt::format("Static member {} with instance id {} cannot join the group because the "
                                    "instance id is owned by {} member.",
                                    member_id, *p.instance_id, m->member_id));
    }
    // Takes over the departed instance's assignment under its new id.
    before = *m;
    before.member_id = member_id;
    before.member_epoch = 0;
    before.previous_member_epoch = 0;
    const Assignment* old_target = target(m->member_id);
    b.remove_member(m->member_id);
    b.member_metadata(before);
    b.target(member_id, old_target ? *old_target : Assignment{});
    b.current(before);
  } else if (p.member_epoch == 0) {
    if (const ConsumerMember* same = member(member_id)) before = *same;
  } else {
    if (!m)
      return R::failure(ErrorCode::kUnknownMemberId,
                        fmt::format("Instance id {} is unknown.", *p.instance_id));
    if (m->member_id != member_id) {
      return R::failure(ErrorCode::kFencedInstanceId,
                        fmt::format("Static member {} with instance id {} was fenced by member {}.",
                                    member_id, *p.instance_id, m->member_id));
    }
    if (auto bad = check_epoch(*m)) return *bad;
    before = *m;
  }
  const bool is_new = !b.next().member(member_id);

  // --- 1. The member's subscription.
  ConsumerMember updated = before;
  if (p.instance_id) updated.instance_id = p.instance_id;
  if (p.rack_id) updated.rack_id = p.rack_id;
  if (p.rebalance_timeout_ms != -1) updated.rebalance_timeout_ms = p.rebalance_timeout_ms;
  if (p.server_assignor) updated.server_assignor = p.server_assignor;
  if (p.subscribed_topic_names) {
    auto names = *p.subscribed_topic_names;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    updated.subscribed_topic_names = std::move(names);
  }
  if (p.subscribed_topic_regex) {
    updated.subscribed_topic_regex =
        p.subscribed_topic_regex->empty() ? std::nullopt : p.subscribed_topic_regex;
  }
  updated.client_id = p.client_id;
  updated.client_host = p.client_host;
  bool bump = false;
  if (is_new || !updated.same_subscription_record(before)) {
    b.member_metadata(updated);
    bump = updated.subscribed_topic_names != before.subscribed_topic_names ||
           updated.subscribed_topic_regex != before.subscribed_topic_regex;
  }

  // --- The subscribed topics' metadata; a change bumps the group epoch.
  int32_t group_epoch = b.next().group_epoch_;
  if (bump || topics.version() != catalog_version_) {
    auto meta = b.subscription_metadata(topics);
    if (meta != b.next().subscription_metadata_) {
      b.partition_metadata(meta);
      bump = true;
    }
    b.next().catalog_version_ = topics.version();
  }
  if (bump) b.epoch(++group_epoch);

  // --- 2. A new target assignment when the group epoch moved.
  if (group_epoch > b.next().assignment_epoch_) b.assign(group_epoch, config);
  const Assignment* target_ptr = b.next().target(member_id);
  const Assignment target = target_ptr ? *target_ptr : Assignment{};

  // --- 3. Reconcile.
  const ConsumerMember& current = b.next().members_.at(member_id);
  const ConsumerGroup& next = b.next();
  ConsumerMember reconciled = reconcile(
      current, next.assignment_epoch_, target, p.owned,
      [&](const protocol::Uuid& t, int32_t part) { return next.owned_by_other(member_id, t, part); });
  const bool assignment_changed = !reconciled.same_assignment_record(current);
  if (assignment_changed) b.current(reconciled);

  ConsumerMember& m = b.next().members_.at(member_id);
  m.session_deadline = now + config.consumer_session_timeout_ms;
  if (assignment_changed && m.state == MemberState::kUnrevokedPartitions) {
    m.rebalance_deadline = now + std::max(0, m.rebalance_timeout_ms);
  }

  R r;
  r.member_id = member_id;
  r.member_epoch = m.member_epoch;
  r.heartbeat_interval_ms = config.consumer_heartbeat_interval_ms;
  // The assignment goes back on a (re)join, when the member reported what it
  // owns, or when it changed.
  if (p.member_epoch == 0 || p.owned || m.assigned != before.assigned) r.assignment = m.assigned;
  change = b.finish();
  return r;
}

}  // namespace kappa::group

// GroupShard: ConsumerGroupHeartbeat request checks and ConsumerGroupDescribe.
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kappa/group/group_shard.h"

namespace kappa::group {

using protocol::ErrorCode;

namespace {

bool blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// Kafka's request checks, in its order; nullopt when the request is valid.
std::optional<ConsumerHeartbeatResult> invalid(const ConsumerHeartbeatParams& p, const GroupConfig& config) {
  auto bad = [](std::string m) {
    return ConsumerHeartbeatResult::failure(ErrorCode::kInvalidRequest, std::move(m));
  };
  if (p.api_version >= 1 && blank(p.member_id)) return bad("MemberId can't be empty.");
  if (blank(p.group_id)) return bad("GroupId can't be empty.");
  if (p.instance_id && blank(*p.instance_id)) return bad("InstanceId can't be empty.");
  if (p.rack_id && blank(*p.rack_id)) return bad("RackId can't be empty.");
  if (p.member_epoch == 0) {
    if (p.rebalance_timeout_ms == -1) return bad("RebalanceTimeoutMs must be provided in first request.");
    if (!p.owned || !p.owned->empty()) return bad("TopicPartitions must be empty when (re-)joining.");
    if (!p.subscribed_topic_names && !p.subscribed_topic_regex) {
      return bad("Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.");
    }
  } else if (p.member_epoch == kLeaveGroupStaticMemberEpoch) {
    if (!p.instance_id) return bad("InstanceId can't be null.");
  } else if (p.member_epoch < kLeaveGroupStaticMemberEpoch) {
    return bad("MemberEpoch is invalid.");
  }
  if (p.member_epoch != 0 && p.member_epoch != kLeaveGroupStaticMemberEpoch && blank(p.member_id)) {
    return bad("MemberId can't be empty.");
  }
  const auto& names = config.consumer_assignors;
  if (p.server_assignor && std::find(names.begin(), names.end(), *p.server_assignor) == names.end()) {
    return ConsumerHeartbeatResult::failure(
        ErrorCode::kUnsupportedAssignor,
        fmt::format("ServerAssignor {} is not supported. Supported assignors: {}.", *p.server_assignor,
                    fmt::join(names, ", ")));
  }
  return std::nullopt;
}

}  // namespace

ConsumerHeartbeatResult GroupShard::consumer_heartbeat(const ConsumerHeartbeatParams& p) {
  if (auto bad = invalid(p, ctx_.config)) return *bad;
  std::vector<CoordinatorRecord> prefix;
  if (const ClassicGroup* g = classic_group(p.group_id)) {
    // Only an empty classic group (e.g. offsets of a simple consumer) can
    // become a KIP-848 group; its offsets stay.
    if (g->size() != 0 || g->state() != ClassicGroupState::kEmpty || p.member_epoch != 0) {
      return ConsumerHeartbeatResult::failure(ErrorCode::kGroupIdNotFound,
                                              fmt::format("Group {} is not a consumer group.", p.group_id));
    }
    prefix.push_back(group_metadata_record(p.group_id, nullptr));
  }
  std::unique_ptr<ConsumerGroup> fresh;
  const ConsumerGroup* group = consumer_group(p.group_id);
  if (!group) {
    if (p.member_epoch != 0) {
      return ConsumerHeartbeatResult::failure(ErrorCode::kGroupIdNotFound,
                                              fmt::format("Consumer group {} not found.", p.group_id));
    }
    fresh = std::make_unique<ConsumerGroup>(p.group_id);
    group = fresh.get();
  }
  ConsumerGroupChange change;
  auto result = group->heartbeat(p, topics_, ctx_.config, ctx_.now(), ctx_.new_uuid(), change);
  if (result.error != ErrorCode::kNone) return result;
  prefix.insert(prefix.end(), change.records.begin(), change.records.end());
  if (!prefix.empty()) {
    if (auto e = ctx_.sink.append(std::move(prefix)); e != ErrorCode::kNone) {
      return ConsumerHeartbeatResult::failure(group_write_error(e), "cannot write the group's records");
    }
  }
  if (auto it = classic_.find(p.group_id); it != classic_.end()) classic_.erase(it);
  consumer_[p.group_id] = std::move(change.next);
  return result;
}

ConsumerGroupDescription GroupShard::describe_consumer_group(const std::string& group_id) const {
  if (const ConsumerGroup* cg = consumer_group(group_id)) return cg->describe(ctx_.config);
  ConsumerGroupDescription d;
  d.error = ErrorCode::kGroupIdNotFound;
  d.state = "Dead";
  d.error_message = classic_group(group_id) ? fmt::format("Group {} is not a consumer group.", group_id)
                                            : fmt::format("Group {} not found.", group_id);
  return d;
}

}  // namespace kappa::group

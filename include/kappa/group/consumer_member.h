#pragma once
// A member of a KIP-848 consumer group: its subscription (persisted as
// ConsumerGroupMemberMetadata) and its current assignment (persisted as
// ConsumerGroupCurrentMemberAssignment).

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kappa/group/classic_member.h"
#include "kappa/protocol/uuid.h"

namespace kappa::group {

// Partitions by topic id.
using Assignment = std::map<protocol::Uuid, std::set<int32_t>>;

// Kafka's MemberState values as stored in the record.
enum class MemberState : int8_t {
  kStable = 0,                // reconciled with the target assignment of its epoch
  kUnrevokedPartitions = 1,   // must revoke partitions before its next epoch
  kUnreleasedPartitions = 2,  // at the target epoch, waiting for others to release partitions
  kUnknown = 127,
};

inline constexpr int32_t kLeaveGroupMemberEpoch = -1;
inline constexpr int32_t kLeaveGroupStaticMemberEpoch = -2;

struct ConsumerMember {
  // Subscription (ConsumerGroupMemberMetadata).
  std::string member_id;
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  std::string client_id;
  std::string client_host;
  std::vector<std::string> subscribed_topic_names;  // sorted, unique
  std::optional<std::string> subscribed_topic_regex;
  int32_t rebalance_timeout_ms = -1;
  std::optional<std::string> server_assignor;
  // Current assignment (ConsumerGroupCurrentMemberAssignment).
  int32_t member_epoch = 0;
  int32_t previous_member_epoch = 0;
  MemberState state = MemberState::kStable;
  Assignment assigned;
  Assignment pending_revocation;
  // Runtime only.
  int64_t session_deadline = kNoDeadline;
  int64_t rebalance_deadline = kNoDeadline;  // while in kUnrevokedPartitions

  bool is_reconciled_to(int32_t epoch) const {
    return state == MemberState::kStable && member_epoch == epoch;
  }
  bool same_subscription_record(const ConsumerMember& o) const {
    return instance_id == o.instance_id && rack_id == o.rack_id && client_id == o.client_id &&
           client_host == o.client_host && subscribed_topic_names == o.subscribed_topic_names &&
           subscribed_topic_regex == o.subscribed_topic_regex &&
           rebalance_timeout_ms == o.rebalance_timeout_ms && server_assignor == o.server_assignor;
  }
  bool same_assignment_record(const ConsumerMember& o) const {
    return member_epoch == o.member_epoch && previous_member_epoch == o.previous_member_epoch &&
           state == o.state && assigned == o.assigned && pending_revocation == o.pending_revocation;
  }
};

// Assignment helpers.
size_t partition_count(const Assignment& a);
bool contains(const Assignment& a, const protocol::Uuid& topic, int32_t partition);
// True when every partition of `sub` is in `of`.
bool is_subset(const Assignment& sub, const Assignment& of);
std::string to_string(const Assignment& a);

}  // namespace kappa::group

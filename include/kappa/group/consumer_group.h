#pragma once
// ConsumerGroup: one KIP-848 group — the broker assigns partitions, members
// only heartbeat (ConsumerGroupHeartbeat).
//
//   group epoch        bumped when subscriptions or subscribed topics change
//                      (a member joins, leaves, changes its subscription);
//   assignment epoch   the group epoch the target assignment was computed at;
//   member epoch       each member converges to the assignment epoch through
//                      the reconciler (revoke first, assign after).
//
// The durable state is exactly the replay of the group's records (see
// coordinator_record.h, key versions 3-8).  Every change is computed, never
// applied in place: heartbeat() and fence() return the records to append
// and the group as it will be once they are — the shard appends the
// records and installs that group only if the append succeeded.  Loading
// calls replay() for each record in log order.
//
// Invariants (check_invariants()): a partition is owned (assigned or
// pending revocation) by at most one member; static_members_ maps each
// instance id to its member; assignment_epoch <= group_epoch.
// Not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kappa/group/consumer_member.h"
#include "kappa/group/coordinator_record.h"
#include "kappa/group/group_config.h"
#include "kappa/group/topic_catalog.h"
#include "kappa/protocol/error_code.h"

namespace kappa::group {

struct ConsumerHeartbeatParams {
  std::string group_id;
  std::string member_id;
  int32_t member_epoch = 0;
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  int32_t rebalance_timeout_ms = -1;
  std::optional<std::vector<std::string>> subscribed_topic_names;
  std::optional<std::string> subscribed_topic_regex;
  std::optional<std::string> server_assignor;
  std::optional<Assignment> owned;  // TopicPartitions; nullopt when not sent
  std::string client_id;
  std::string client_host;
  int16_t api_version = 0;
};

struct ConsumerHeartbeatResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::optional<std::string> error_message;
  std::string member_id;
  int32_t member_epoch = 0;
  int32_t heartbeat_interval_ms = 0;
  std::optional<Assignment> assignment;  // sent only when it matters (see heartbeat())

  static ConsumerHeartbeatResult failure(protocol::ErrorCode e, std::string message) {
    ConsumerHeartbeatResult r;
    r.error = e;
    r.error_message = std::move(message);
    return r;
  }
};

struct DescribedConsumerMember {
  ConsumerMember member;
  Assignment target;
};

struct ConsumerGroupDescription {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::optional<std::string> error_message;
  std::string state;
  int32_t group_epoch = 0;
  int32_t assignment_epoch = 0;
  std::string assignor;
  std::vector<DescribedConsumerMember> members;
};

// What a change produces: the records to append and the resulting group.
struct ConsumerGroupChange {
  std::vector<CoordinatorRecord> records;
  std::unique_ptr<class ConsumerGroup> next;
};

class ConsumerGroup {
 public:
  explicit ConsumerGroup(std::string id) : id_(std::move(id)) {}
  ConsumerGroup(const ConsumerGroup&) = default;

  const std::string& id() const { return id_; }
  int32_t group_epoch() const { return group_epoch_; }
  int32_t assignment_epoch() const { return assignment_epoch_; }
  const std::map<std::string, ConsumerMember>& members() const { return members_; }
  const ConsumerMember* member(const std::string& id) const;
  const Assignment* target(const std::string& member_id) const;
  bool empty() const { return members_.empty(); }
  // "Empty", "Assigning", "Reconciling" or "Stable".
  std::string state() const;
  // Names of the topics some member subscribes to (by name or regex).
  const std::map<std::string, TopicInfo>& subscription_metadata() const { return subscription_metadata_; }
  bool is_subscribed_to(const std::string& topic) const { return subscription_metadata_.count(topic) > 0; }
  // The assignor most members asked for, else the configured default.
  std::string preferred_assignor(const GroupConfig& config) const;

  // --- Changes (computed on a copy; see the file comment)
  // A regular heartbeat (epoch >= 0) or a leave (-1, or -2 for a static
  // member that will come back).  On error `change` is left empty.
  ConsumerHeartbeatResult heartbeat(const ConsumerHeartbeatParams& p, const TopicCatalog& topics,
                                    const GroupConfig& config, int64_t now, const std::string& new_member_id,
                                    ConsumerGroupChange& change) const;
  // Removes a member (session or rebalance timeout) and bumps the epoch.
  ConsumerGroupChange fence(const std::string& member_id, const TopicCatalog& topics) const;
  // Tombstones for the whole group (it must be empty).
  std::vector<CoordinatorRecord> tombstones() const;

  // Members whose session or rebalance timeout expired at `now`.
  std::vector<std::string> expired_members(int64_t now) const;
  int64_t next_deadline() const;
  // After loading: every member's session starts now.
  void start_sessions(int64_t now, const GroupConfig& config);

  // --- Offsets (OffsetCommit v9+/OffsetFetch v9 carry the member epoch)
  protocol::ErrorCode validate_offset_commit(const std::string& member_id, int32_t member_epoch,
                                             int16_t api_version) const;
  protocol::ErrorCode validate_offset_fetch(const std::optional<std::string>& member_id,
                                            int32_t member_epoch) const;

  // --- Loading / applying records
  void replay(const ParsedRecord& record);
  // True once a ConsumerGroupMetadata tombstone was replayed.
  bool deleted() const { return deleted_; }

  ConsumerGroupDescription describe(const GroupConfig& config) const;
  void check_invariants() const;

 private:
  friend class ConsumerChangeBuilder;
  template <typename Record>
  void replay_typed(const Record& r);
  void apply_epoch(const protocol::ConsumerGroupMetadataValue* v);
  void apply_partition_metadata(const protocol::ConsumerGroupPartitionMetadataValue* v);
  void apply_member(const std::string& member_id, const protocol::ConsumerGroupMemberMetadataValue* v);
  void apply_target_epoch(const protocol::ConsumerGroupTargetAssignmentMetadataValue* v);
  void apply_target(const std::string& member_id,
                    const protocol::ConsumerGroupTargetAssignmentMemberValue* v);
  void apply_current(const std::string& member_id,
                     const protocol::ConsumerGroupCurrentMemberAssignmentValue* v);
  bool owned_by_other(const std::string& member_id, const protocol::Uuid& topic, int32_t partition) const;

  std::string id_;
  int32_t group_epoch_ = 0;
  int32_t assignment_epoch_ = 0;
  std::map<std::string, ConsumerMember> members_;
  std::map<std::string, std::string> static_members_;  // instance id -> member id
  std::map<std::string, Assignment> target_;
  std::map<std::string, TopicInfo> subscription_metadata_;  // by topic name
  // Owner of every assigned or revoking partition: member id.
  std::map<std::pair<protocol::Uuid, int32_t>, std::string> owners_;
  bool deleted_ = false;
  // Runtime: the catalog version the subscription metadata was computed at.
  int64_t catalog_version_ = -1;
};

}  // namespace kappa::group

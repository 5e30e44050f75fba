#pragma once
// GroupShard: everything one __consumer_offsets partition coordinates — its
// classic groups, its KIP-848 consumer groups and their committed offsets —
// as a state machine without I/O.  The GroupCoordinator runs one shard per
// partition this broker leads.
//
// Invariant: the shard's durable state (offsets, group metadata, consumer
// group records) is exactly the replay of the partition's log up to its
// end.  Loading replays the log; afterwards every change is appended
// through the RecordSink first and applied only if the append succeeded.
// Runtime-only state (pending JoinGroups, timers) is rebuilt empty on load.
//
// Group-level checks of the API handlers (coordinator ownership, loading)
// are the coordinator's; everything else — errors exactly as Kafka's group
// coordinator returns them — is here.  Not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kappa/group/classic_group.h"
#include "kappa/group/consumer_group.h"
#include "kappa/group/consumer_protocol.h"
#include "kappa/group/coordinator_record.h"
#include "kappa/group/group_context.h"
#include "kappa/group/offset_store.h"
#include "kappa/group/topic_catalog.h"

namespace kappa::group {

struct OffsetCommitEntry {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int32_t leader_epoch = -1;
  std::optional<std::string> metadata;
  // Preset by the caller for partitions that must not be committed (e.g.
  // UNKNOWN_TOPIC_OR_PARTITION); set by commit_offsets() for the others.
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
};

struct OffsetCommitParams {
  std::string group_id;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation_or_member_epoch = -1;
  int64_t retention_ms = -1;  // OffsetCommit v2-4; -1 = the broker's retention
  int16_t api_version = 0;
  std::vector<OffsetCommitEntry> entries;
};

struct FetchedOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;  // -1: nothing committed
  int32_t leader_epoch = -1;
  std::string metadata;
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
};

struct OffsetFetchParams {
  std::string group_id;
  std::optional<std::vector<TopicPartitionKey>> partitions;  // nullopt: all committed
  std::optional<std::string> member_id;                      // KIP-848 (OffsetFetch v9)
  int32_t member_epoch = -1;
};

struct OffsetFetchResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::vector<FetchedOffset> offsets;
};

struct OffsetDeleteEntry {
  TopicPartitionKey tp;
  protocol::ErrorCode error = protocol::ErrorCode::kNone;  // preset like OffsetCommitEntry
};

struct ListedGroup {
  std::string group_id;
  std::string protocol_type;
  std::string state;
  std::string type;  // "classic" or "consumer"
};

struct SyncParams {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int32_t generation = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::map<std::string, protocol::Bytes> assignment;
};

class GroupShard {
 public:
  // `sink` appends to this shard's partition; `topics` is the cluster's
  // topic metadata (KIP-848 assignment, regex subscriptions).
  GroupShard(int32_t partition, const GroupConfig& config, const Clock& clock, RecordSink& sink,
             const TopicCatalog& topics, std::function<std::string()> new_uuid = random_java_uuid);
  ~GroupShard();

  int32_t partition() const { return partition_; }

  // --- Loading: every record of the log, in order, then finish_loading().
  void replay(const ParsedRecord& record);
  void finish_loading();

  // --- Classic protocol
  void join_group(const std::string& group_id, JoinParams params, JoinCallback done);
  void sync_group(const std::string& group_id, SyncParams params, SyncCallback done);
  protocol::ErrorCode heartbeat(const std::string& group_id, const std::string& member_id,
                                const std::optional<std::string>& instance_id, int32_t generation);
  // Group-level error (UNKNOWN_MEMBER_ID per member when the group is
  // unknown) and one error per member.
  std::vector<protocol::ErrorCode> leave_group(const std::string& group_id,
                                               const std::vector<LeavingMember>& members);

  // --- KIP-848
  ConsumerHeartbeatResult consumer_heartbeat(const ConsumerHeartbeatParams& params);
  ConsumerGroupDescription describe_consumer_group(const std::string& group_id) const;

  // --- Offsets
  // Sets the error of every entry.
  void commit_offsets(OffsetCommitParams& params);
  OffsetFetchResult fetch_offsets(const OffsetFetchParams& params) const;
  // Group-level error; sets the error of every entry.
  protocol::ErrorCode delete_offsets(const std::string& group_id, std::vector<OffsetDeleteEntry>& entries);

  // --- Admin
  std::vector<ListedGroup> list_groups() const;
  // A classic group's description; "Dead" with no members when unknown (or
  // a consumer group, as Kafka answers DescribeGroups below v6).
  GroupDescription describe_group(const std::string& group_id) const;
  protocol::ErrorCode delete_group(const std::string& group_id);

  // --- Time
  void tick();
  int64_t next_deadline() const;
  // offsets.retention.minutes: drops expired offsets, then empty groups
  // without offsets.  Returns the number of offsets removed.
  size_t expire_offsets();

  // Leadership lost: every pending callback gets NOT_COORDINATOR.
  void unload();

  // For tests.
  const ClassicGroup* classic_group(const std::string& id) const;
  const ConsumerGroup* consumer_group(const std::string& id) const;
  const OffsetStore& offsets() const { return offsets_; }
  GroupContext& context() { return ctx_; }

 private:
  // Appends the records and, on success, applies them to the shard's state
  // (the same path as loading).
  protocol::ErrorCode append_and_apply(std::vector<CoordinatorRecord> records);
  void apply(const CoordinatorRecord& record);
  void replay_offset(const OffsetCommitRecord& r);
  void replay_group_metadata(const GroupMetadataRecord& r);
  void replay_consumer(const ParsedRecord& record);
  ClassicGroup* find_classic(const std::string& id);
  ConsumerGroup* find_consumer(const std::string& id);
  ClassicGroup& get_or_create_classic(const std::string& id);
  // Tombstones for a group and all its offsets.
  std::vector<CoordinatorRecord> deletion_records(const std::string& group_id) const;
  std::vector<TopicPartitionKey> expired_offsets_of(const std::string& group_id, int64_t now_ms) const;
  bool group_is_empty(const std::string& id) const;
  protocol::ErrorCode validate_consumer_offset_commit(const ConsumerGroup& g,
                                                      const OffsetCommitParams& p) const;

  int32_t partition_;
  GroupContext ctx_;
  const TopicCatalog& topics_;
  std::map<std::string, std::unique_ptr<ClassicGroup>> classic_;
  std::map<std::string, std::unique_ptr<ConsumerGroup>> consumer_;
  OffsetStore offsets_;
};

}  // namespace kappa::group

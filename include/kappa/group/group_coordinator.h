#pragma once
// GroupCoordinator: the broker's group coordinator service.  For every
// __consumer_offsets partition this broker leads it runs a GroupShard:
//
//   leadership gained -> Loading: the partition's log is read from its start
//     to its end and replayed; requests get COORDINATOR_LOAD_IN_PROGRESS;
//     the shard becomes Active once the high watermark covers what was read.
//   leadership lost (or a new leader epoch) -> the shard is unloaded: pending
//     JoinGroup/SyncGroup answers get NOT_COORDINATOR.
//   a group whose partition this broker does not lead -> NOT_COORDINATOR.
//
// Writes go through Partition::append_as_leader; every response waits until
// the high watermark has passed everything the shard had written when the
// response was decided, so a client never acts on state a failover could
// lose.  Timers (session, rebalance, pending sync, KIP-848 timeouts) fire
// from one steady timer armed at the earliest deadline of any shard;
// offset expiry runs every offsets.retention.check.interval.ms.
//
// Everything runs on the broker's event-loop thread; not thread-safe.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/common/clock.h"
#include "kappa/config/config.h"
#include "kappa/group/group_config.h"
#include "kappa/group/group_shard.h"
#include "kappa/group/topic_catalog.h"
#include "kappa/metadata/metadata_image.h"
#include "kappa/replication/replica_manager.h"

namespace kappa::group {

inline constexpr std::string_view kOffsetsTopic = "__consumer_offsets";

// The broker's offsets.* and group.* settings.
GroupConfig group_config_from(const config::BrokerConfig& config);

struct LeaveOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;  // group-level
  std::vector<protocol::ErrorCode> members;
};

struct ListGroupsOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;  // LOAD_IN_PROGRESS if a shard is loading
  std::vector<ListedGroup> groups;
};

class GroupCoordinator {
 public:
  struct Deps {
    asio::any_io_executor executor;
    asio::thread_pool& blocking_pool;  // log reads while loading
    replication::ReplicaManager& replicas;
    const config::BrokerConfig& broker_config;  // __consumer_offsets topic settings
    const Clock& clock;
  };

  GroupCoordinator(Deps deps, GroupConfig config);
  ~GroupCoordinator();

  // Starts the timers.
  void start();
  // Unloads every shard (pending requests get NOT_COORDINATOR) and stops
  // the timers.  Nothing runs afterwards.
  void stop();
  // After every committed metadata change (the replicas already reconciled):
  // loads shards for newly led partitions, unloads lost ones, refreshes the
  // topic catalog.
  void on_metadata(const metadata::MetadataImage& image);

  const GroupConfig& config() const { return config_; }
  // The group's __consumer_offsets partition: by the topic's partition count,
  // or offsets.topic.num.partitions before the topic exists.
  int32_t partition_for(std::string_view group_id) const;
  // kNone when this broker serves the group now; else NOT_COORDINATOR or
  // COORDINATOR_LOAD_IN_PROGRESS.
  protocol::ErrorCode status(std::string_view group_id) const;

  // --- Classic protocol (the caller has checked status())
  awaitable<JoinResult> join_group(std::string group_id, JoinParams params);
  awaitable<SyncResult> sync_group(std::string group_id, SyncParams params);
  awaitable<protocol::ErrorCode> heartbeat(std::string group_id, std::string member_id,
                                           std::optional<std::string> instance_id, int32_t generation);
  awaitable<LeaveOutcome> leave_group(std::string group_id, std::vector<LeavingMember> members);

  // --- KIP-848
  awaitable<ConsumerHeartbeatResult> consumer_heartbeat(ConsumerHeartbeatParams params);
  ConsumerGroupDescription describe_consumer_group(const std::string& group_id) const;

  // --- Offsets: group-level errors go into every entry / the result.
  awaitable<void> commit_offsets(OffsetCommitParams& params);
  awaitable<OffsetFetchResult> fetch_offsets(OffsetFetchParams params);
  awaitable<protocol::ErrorCode> delete_offsets(std::string group_id,
                                                std::vector<OffsetDeleteEntry>& entries);

  // --- Admin
  ListGroupsOutcome list_groups() const;
  GroupDescription describe_group(const std::string& group_id) const;
  awaitable<protocol::ErrorCode> delete_group(std::string group_id);

  // For tests and metrics.
  size_t active_shards() const;
  // The loaded shards (read-only), e.g. for scrape-time lag metrics.
  std::vector<const GroupShard*> active_shard_views() const;
  size_t loading_shards() const;

 private:
  struct Slot;
  class Sink;
  friend class Sink;

  Slot* active_slot(std::string_view group_id) const;
  std::shared_ptr<Slot> slot_for(std::string_view group_id) const;
  void unload(const std::shared_ptr<Slot>& slot);
  struct LoadStats {
    size_t replayed = 0;
    size_t skipped = 0;
  };
  awaitable<void> load(std::shared_ptr<Slot> slot);
  std::shared_ptr<protocol::Records> read_chunk(const Slot& slot, int64_t offset) const;
  int64_t replay_chunk(Slot& slot, std::span<const uint8_t> bytes, int64_t offset, LoadStats& stats);
  bool still_current(const Slot& slot) const;
  // Waits until the partition's high watermark reaches `offset`: kNone,
  // NOT_COORDINATOR when the leadership changed, REQUEST_TIMED_OUT.
  awaitable<protocol::ErrorCode> wait_committed(std::shared_ptr<Slot> slot, int64_t offset,
                                                bool forever = false);
  // Waits for what `slot` has written so far.
  awaitable<protocol::ErrorCode> wait_written(const std::shared_ptr<Slot>& slot);
  void rearm();
  awaitable<void> tick_loop();
  awaitable<void> retention_loop();
  replication::Partition* partition(int32_t index) const;

  Deps deps_;
  GroupConfig config_;
  TopicCatalog catalog_;
  std::map<int32_t, std::shared_ptr<Slot>> slots_;
  int32_t topic_partitions_ = -1;                     // of __consumer_offsets; -1 before it exists
  std::map<std::string, std::string> topic_configs_;  // its per-topic overrides
  asio::steady_timer tick_timer_;
  asio::steady_timer retention_timer_;
  int64_t next_tick_ms_ = INT64_MAX;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace kappa::group

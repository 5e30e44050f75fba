#pragma once
// Admin: the cluster administration surface over a Client — topics,
// partitions, configs, cluster description and offset lookups — using only
// standard Kafka APIs, so it works against Apache Kafka brokers as well.
//
// Each call is one operation on one resource, retried within the client's
// retry budget on retriable errors (NOT_CONTROLLER, disconnects, ...).
// A Kafka error in the response is returned as an Error whose detail is the
// broker's message, e.g. TOPIC_ALREADY_EXISTS "Topic 'x' already exists.".
// Note: like any Kafka client, a create retried after a lost response may
// report TOPIC_ALREADY_EXISTS for a topic that the first attempt created.
//
// Thread-safety and lifetime: not thread-safe; `client` must outlive it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/client/client.h"
#include "kappa/client/records.h"
#include "kappa/client/result.h"

namespace kappa::client {

struct NewTopic {
  std::string name;
  int32_t partitions = -1;          // -1: the broker's num.partitions
  int16_t replication_factor = -1;  // -1: the broker's default.replication.factor
  std::map<std::string, std::string> configs;
};

enum class ConfigResource : int8_t { kTopic = 2, kBroker = 4 };

// Kafka's DescribeConfigs ConfigSource values.
enum class ConfigSource : int8_t {
  kUnknown = 0,
  kDynamicTopic = 1,
  kDynamicBroker = 2,
  kDynamicDefaultBroker = 3,
  kStaticBroker = 4,
  kDefault = 5,
  kDynamicBrokerLogger = 6,
};

struct ConfigEntry {
  std::string name;
  std::optional<std::string> value;  // null for sensitive or unset values
  ConfigSource source = ConfigSource::kUnknown;
  bool read_only = false;
  bool sensitive = false;
  // Set on the resource itself (a topic override / dynamic broker config).
  bool is_override() const {
    return source == ConfigSource::kDynamicTopic || source == ConfigSource::kDynamicBroker;
  }
};

enum class ConfigOp : int8_t { kSet = 0, kDelete = 1, kAppend = 2, kSubtract = 3 };

struct ConfigChange {
  std::string name;
  ConfigOp op = ConfigOp::kSet;
  std::optional<std::string> value;  // unused for kDelete
};

struct ClusterDescription {
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<BrokerInfo> brokers;  // by node id
};

// What ListOffsets should find.
struct OffsetQuery {
  // Kafka's special timestamps: -2 earliest, -1 latest, else a time in ms
  // (the first offset whose timestamp is >= it).
  int64_t timestamp = -1;
  static OffsetQuery earliest() { return {-2}; }
  static OffsetQuery latest() { return {-1}; }
  static OffsetQuery at_time(int64_t ms) { return {ms}; }
};

struct ListedOffset {
  int64_t offset = -1;     // -1 when no record is at or after the time
  int64_t timestamp = -1;
  int32_t leader_epoch = -1;
};

// ListGroups: one group as a broker lists it.
struct GroupListing {
  std::string group_id;
  std::string protocol_type;  // "consumer" for consumer groups, "" for simple groups
  std::string state;          // Empty, Stable, PreparingRebalance, ...
  std::string type;           // "classic" or "consumer" (KIP-848); "" from old brokers
};

struct GroupMemberDescription {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::string client_id;
  std::string client_host;
  int32_t member_epoch = -1;                // KIP-848 members only
  std::vector<TopicPartition> assignment;  // decoded ConsumerProtocolAssignment for classic groups
};

struct GroupDescription {
  std::string group_id;
  std::string type;           // "consumer" (KIP-848, ConsumerGroupDescribe) or "classic" (DescribeGroups)
  std::string state;          // Kafka's state name; "Dead" when the group does not exist
  std::string protocol_type;  // classic: "consumer", ...; KIP-848: "consumer"
  std::string protocol;       // classic: the chosen assignor; KIP-848: the server assignor
  int32_t epoch = -1;         // KIP-848 group epoch
  int32_t coordinator = -1;   // node id
  std::vector<GroupMemberDescription> members;
};

class Admin {
 public:
  explicit Admin(Client& client) : client_(client) {}

  awaitable<Result<void>> create_topic(const NewTopic& topic, bool validate_only = false);
  awaitable<Result<void>> delete_topic(const std::string& name);
  // Grows `topic` to `total_count` partitions.
  awaitable<Result<void>> create_partitions(const std::string& topic, int32_t total_count);

  // Every config of a topic or broker (`name` is the node id for brokers).
  awaitable<Result<std::vector<ConfigEntry>>> describe_configs(ConfigResource type, const std::string& name);
  // IncrementalAlterConfigs: only the named configs change.
  awaitable<Result<void>> alter_configs(ConfigResource type, const std::string& name,
                                        const std::vector<ConfigChange>& changes);

  // DescribeCluster where the broker has it, else Metadata.
  awaitable<Result<ClusterDescription>> describe_cluster();

  // ListOffsets for the given partitions (all when empty), asking each
  // partition's leader. Partition -> offset.
  awaitable<Result<std::map<int32_t, ListedOffset>>> list_offsets(const std::string& topic,
                                                                  std::vector<int32_t> partitions,
                                                                  OffsetQuery query);

  // DescribeLogDirs on broker `node`: bytes on disk of `topic`'s
  // `partitions` there, summed over its log dirs; a partition without a
  // replica on that broker is absent.
  awaitable<Result<std::map<int32_t, int64_t>>> log_sizes(int32_t node, const std::string& topic,
                                                          const std::vector<int32_t>& partitions);

  // Consumer groups. Each request goes to the group's coordinator
  // (FindCoordinator), retried on NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS.
  awaitable<Result<int32_t>> find_coordinator(const std::string& group);
  // Every group of every broker, sorted by id.
  awaitable<Result<std::vector<GroupListing>>> list_groups();
  // ConsumerGroupDescribe for KIP-848 groups, DescribeGroups otherwise.
  awaitable<Result<GroupDescription>> describe_group(const std::string& group);
  // Committed offsets of every partition the group has committed to.
  awaitable<Result<std::map<TopicPartition, int64_t>>> fetch_offsets(const std::string& group);
  // OffsetCommit as an administrator: generation -1, no member. The
  // coordinator refuses it (UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION) while
  // the group has members.
  awaitable<Result<void>> commit_offsets(const std::string& group, const std::map<TopicPartition, int64_t>& offsets);
  // DeleteGroups: the group and its offsets; NON_EMPTY_GROUP while it has members.
  awaitable<Result<void>> delete_group(const std::string& group);

 private:
  Client& client_;
};

}  // namespace kappa::client

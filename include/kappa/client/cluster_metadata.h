#pragma once
// ClusterMetadata: an immutable snapshot of what a Metadata response said
// about the cluster: brokers, controller, topics with their partitions
// (leader, epoch, replicas, ISR, offline replicas). The Client shares
// snapshots as shared_ptr<const ClusterMetadata>, so a caller keeps a
// consistent view while the cache moves on.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/client/broker_address.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/uuid.h"

namespace kappa::client {

struct BrokerInfo {
  int32_t node_id = -1;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;

  BrokerAddress address() const { return {host, static_cast<uint16_t>(port)}; }
};

struct PartitionInfo {
  int32_t partition = 0;
  int16_t error = 0;  // e.g. LEADER_NOT_AVAILABLE
  int32_t leader = -1;
  int32_t leader_epoch = -1;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  std::vector<int32_t> offline_replicas;

  bool has_leader() const { return leader >= 0; }
  bool under_replicated() const { return isr.size() < replicas.size(); }
};

struct TopicInfo {
  std::string name;
  protocol::Uuid id;
  int16_t error = 0;  // e.g. UNKNOWN_TOPIC_OR_PARTITION
  bool internal = false;
  std::vector<PartitionInfo> partitions;  // sorted by partition index

  int32_t partition_count() const { return static_cast<int32_t>(partitions.size()); }
  const PartitionInfo* partition(int32_t index) const;
};

struct ClusterMetadata {
  std::string source;  // "host:port" of the broker that answered (for messages)
  std::string cluster_id;
  int32_t controller_id = -1;
  std::map<int32_t, BrokerInfo> brokers;
  std::map<std::string, TopicInfo, std::less<>> topics;  // only topics without a topic-level error
  std::chrono::steady_clock::time_point fetched_at{};

  const TopicInfo* topic(std::string_view name) const;
  const BrokerInfo* broker(int32_t node_id) const;
  // Leader node of a partition, or nullopt if unknown or leaderless.
  std::optional<int32_t> leader_for(std::string_view topic, int32_t partition) const;

  // Topic-level errors are returned through `errors` (name -> error code).
  static ClusterMetadata from_response(const protocol::MetadataResponse& response,
                                       std::map<std::string, int16_t>* errors = nullptr);
  // This snapshot with `newer`'s brokers/controller and its topics replacing
  // (or adding to) ours; topics in `removed` are dropped.
  ClusterMetadata merged_with(const ClusterMetadata& newer, const std::vector<std::string>& removed) const;
};

}  // namespace kappa::client

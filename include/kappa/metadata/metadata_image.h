#pragma once
// MetadataImage: the cluster state built by applying committed metadata
// records in log order — brokers, topics with ids and configs, partitions
// with replicas, leader, ISR, leader epoch and partition epoch.  Every node
// holds one; they agree because they apply the same log.
//
// Invariants: topic names and ids are unique; partitions of a topic are
// numbered 0..n-1; the leader (when >= 0) and every ISR member are replicas.
// Not thread-safe: owned by the broker's event loop.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/metadata/metadata_record.h"
#include "kappa/protocol/uuid.h"

namespace kappa::metadata {

struct BrokerEndpoint {
  std::string listener;
  std::string host;
  uint16_t port = 0;
};

struct BrokerInfo {
  int32_t id = -1;
  protocol::Uuid incarnation;
  int64_t epoch = -1;
  std::vector<BrokerEndpoint> endpoints;
  std::optional<std::string> rack;
  bool fenced = true;
  bool in_controlled_shutdown = false;

  const BrokerEndpoint* endpoint(std::string_view listener) const;
};

struct PartitionState {
  int32_t id = 0;
  std::vector<int32_t> replicas;
  std::vector<int32_t> isr;
  int32_t leader = -1;
  int32_t leader_epoch = 0;
  int32_t partition_epoch = 0;

  bool has_replica(int32_t node) const;
  bool in_isr(int32_t node) const;
  // The first replica is the preferred leader.
  int32_t preferred_leader() const { return replicas.empty() ? -1 : replicas.front(); }
};

struct TopicImage {
  std::string name;
  protocol::Uuid id;
  std::vector<PartitionState> partitions;
  std::map<std::string, std::string> configs;  // per-topic overrides

  bool is_internal() const { return name.starts_with("__"); }
};

class MetadataImage {
 public:
  void apply(const MetadataRecord& record);

  const TopicImage* topic(std::string_view name) const;
  const TopicImage* topic(const protocol::Uuid& id) const;
  const PartitionState* partition(std::string_view topic, int32_t partition) const;
  const std::map<std::string, TopicImage, std::less<>>& topics() const { return topics_; }
  const std::map<int32_t, BrokerInfo>& brokers() const { return brokers_; }
  const BrokerInfo* broker(int32_t id) const;
  // Dynamic broker-level configs set through AlterConfigs ("" = cluster default).
  const std::map<std::string, std::map<std::string, std::string>>& broker_configs() const { return broker_configs_; }
  int64_t next_producer_id() const { return next_producer_id_; }

  // The metadata log offset of the last applied record batch.
  int64_t offset() const { return offset_; }
  void set_offset(int64_t offset) { offset_ = offset; }

  // Records that recreate this image (for snapshots).
  std::vector<MetadataRecord> to_records() const;

 private:
  void apply_partition_change(const protocol::PartitionChangeRecord& r);
  TopicImage* mutable_topic(const protocol::Uuid& id);

  std::map<std::string, TopicImage, std::less<>> topics_;
  std::map<protocol::Uuid, std::string> names_by_id_;
  std::map<int32_t, BrokerInfo> brokers_;
  std::map<std::string, std::map<std::string, std::string>> broker_configs_;
  int64_t next_producer_id_ = 0;
  int64_t offset_ = -1;
};

}  // namespace kappa::metadata

#pragma once
// ReplicaManager: the partitions this broker hosts, kept in line with the
// committed metadata (the "backend" of the controller pattern).  After every
// metadata change reconcile() creates logs for partitions newly assigned
// here, applies leader/ISR/epoch changes, pushes topic config changes to the
// logs, and deletes the logs of partitions that are gone — including logs
// left on disk by a deleted topic whose name was reused (detected through
// the topic id stored in each partition directory's partition.metadata).
//
// Not thread-safe: owned by the broker's event loop.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string_view>

#include "kappa/metadata/metadata_image.h"
#include "kappa/replication/partition.h"
#include "kappa/storage/log_manager.h"

namespace kappa::replication {

class ReplicaManager {
 public:
  using LogConfigFor = std::function<storage::LogConfig(const metadata::TopicImage&)>;

  ReplicaManager(storage::LogManager& logs, int32_t local_broker, LogConfigFor config_for);

  void reconcile(const metadata::MetadataImage& image);

  Partition* get(std::string_view topic, int32_t partition) const;
  Partition* get(const protocol::Uuid& topic_id, int32_t partition) const;
  const std::map<storage::TopicPartition, std::unique_ptr<Partition>>& partitions() const { return partitions_; }
  storage::LogManager& logs() { return logs_; }

 private:
  void remove(const storage::TopicPartition& tp);
  std::unique_ptr<Partition> open_partition(const metadata::TopicImage& topic, int32_t partition);

  storage::LogManager& logs_;
  int32_t local_broker_;
  LogConfigFor config_for_;
  std::map<storage::TopicPartition, std::unique_ptr<Partition>> partitions_;
  std::map<std::pair<protocol::Uuid, int32_t>, Partition*> by_id_;
};

}  // namespace kappa::replication

#include "kappa/replication/replica_manager.h"

#include <fstream>
#include <set>

#include "kappa/common/log.h"

namespace kappa::replication {
namespace {

auto& log() {
  static auto logger = logging::get("replication");
  return logger;
}

// partition.metadata (Kafka's format): "version: 0\ntopic_id: <id>\n".
std::optional<protocol::Uuid> read_partition_topic_id(const std::filesystem::path& dir) {
  std::ifstream in(dir / "partition.metadata");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("topic_id: ", 0) == 0) return protocol::Uuid::parse(line.substr(10));
  }
  return std::nullopt;
}

void write_partition_topic_id(const std::filesystem::path& dir, const protocol::Uuid& id) {
  auto tmp = dir / "partition.metadata.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "version: 0\ntopic_id: " << id.to_string() << "\n";
  }
  std::error_code ec;
  std::filesystem::rename(tmp, dir / "partition.metadata", ec);
}

}  // namespace

ReplicaManager::ReplicaManager(storage::LogManager& logs, int32_t local_broker, LogConfigFor config_for)
    : logs_(logs), local_broker_(local_broker), config_for_(std::move(config_for)) {}

Partition* ReplicaManager::get(std::string_view topic, int32_t partition) const {
  auto it = partitions_.find(storage::TopicPartition{std::string(topic), PartitionId(partition)});
  return it == partitions_.end() ? nullptr : it->second.get();
}

Partition* ReplicaManager::get(const protocol::Uuid& topic_id, int32_t partition) const {
  auto it = by_id_.find({topic_id, partition});
  return it == by_id_.end() ? nullptr : it->second;
}

std::unique_ptr<Partition> ReplicaManager::open_partition(const metadata::TopicImage& topic, int32_t partition) {
  storage::TopicPartition tp{topic.name, PartitionId(partition)};
  auto config = config_for_(topic);
  if (auto existing = logs_.get(tp)) {
    auto id = read_partition_topic_id(existing->dir());
    if (id && *id != topic.id) {
      log()->info("removing {}: it belongs to an earlier topic with id {}", fmt::format("{}", tp), id->to_string());
      (void)logs_.remove(tp);
    }
  }
  auto opened = logs_.get_or_create(tp, config);
  if (!opened) {
    log()->error("cannot open the log of {}: {}", fmt::format("{}", tp), opened.error().message());
    return nullptr;
  }
  auto log_ptr = *opened;
  if (log_ptr->config().segment_bytes != config.segment_bytes ||
      log_ptr->config().retention_ms != config.retention_ms) {
    (void)log_ptr->update_config(config);
  }
  write_partition_topic_id(log_ptr->dir(), topic.id);
  auto replica = std::make_unique<Partition>(tp, topic.id, log_ptr, local_broker_);
  if (auto ec = replica->load()) {
    log()->error("cannot rebuild the producer state of {}: {}", fmt::format("{}", tp), ec.message());
  }
  return replica;
}

void ReplicaManager::reconcile(const metadata::MetadataImage& image) {
  std::set<storage::TopicPartition> wanted;
  for (const auto& [name, topic] : image.topics()) {
    for (const auto& p : topic.partitions) {
      if (!p.has_replica(local_broker_)) continue;
      storage::TopicPartition tp{name, PartitionId(p.id)};
      wanted.insert(tp);
      auto it = partitions_.find(tp);
      if (it != partitions_.end() && it->second->topic_id() != topic.id) {
        remove(tp);  // the topic was deleted and recreated under the same name
        it = partitions_.end();
      }
      if (it == partitions_.end()) {
        auto partition = open_partition(topic, p.id);
        if (!partition) continue;
        by_id_[{topic.id, p.id}] = partition.get();
        it = partitions_.emplace(tp, std::move(partition)).first;
      } else {
        (void)it->second->log().update_config(config_for_(topic));
      }
      std::map<int32_t, int64_t> epochs;
      for (int32_t r : p.replicas) {
        if (const auto* b = image.broker(r)) epochs[r] = b->epoch;
      }
      it->second->update_broker_epochs(epochs);
      it->second->update_state(p);
    }
  }
  std::vector<storage::TopicPartition> gone;
  for (const auto& [tp, partition] : partitions_) {
    if (!wanted.count(tp)) gone.push_back(tp);
  }
  for (const auto& tp : gone) remove(tp);
  // Logs on disk that no partition of the metadata owns (e.g. a topic
  // deleted while this broker was down).
  for (const auto& tp : logs_.partitions()) {
    if (!wanted.count(tp)) {
      log()->info("removing stray log {}", fmt::format("{}", tp));
      (void)logs_.remove(tp);
    }
  }
}

void ReplicaManager::remove(const storage::TopicPartition& tp) {
  auto it = partitions_.find(tp);
  if (it == partitions_.end()) return;
  by_id_.erase({it->second->topic_id(), tp.partition.value()});
  auto partition = std::move(it->second);
  partitions_.erase(it);
  partition->notify_waiters();
  if (auto ec = logs_.remove(tp)) {
    log()->warn("cannot remove the log of {}: {}", fmt::format("{}", tp), ec.message());
  } else {
    log()->info("removed partition {}", fmt::format("{}", tp));
  }
}

}  // namespace kappa::replication

#include "kappa/client/cluster_metadata.h"

#include <algorithm>

namespace kappa::client {

const PartitionInfo* TopicInfo::partition(int32_t index) const {
  if (index >= 0 && index < partition_count() && partitions[static_cast<size_t>(index)].partition == index) {
    return &partitions[static_cast<size_t>(index)];
  }
  for (const auto& p : partitions) {
    if (p.partition == index) return &p;
  }
  return nullptr;
}

const TopicInfo* ClusterMetadata::topic(std::string_view name) const {
  auto it = topics.find(name);
  return it == topics.end() ? nullptr : &it->second;
}

const BrokerInfo* ClusterMetadata::broker(int32_t node_id) const {
  auto it = brokers.find(node_id);
  return it == brokers.end() ? nullptr : &it->second;
}

std::optional<int32_t> ClusterMetadata::leader_for(std::string_view topic_name, int32_t partition_index) const {
  const TopicInfo* t = topic(topic_name);
  const PartitionInfo* p = t ? t->partition(partition_index) : nullptr;
  if (!p || !p->has_leader()) return std::nullopt;
  return p->leader;
}

ClusterMetadata ClusterMetadata::from_response(const protocol::MetadataResponse& response,
                                               std::map<std::string, int16_t>* errors) {
  ClusterMetadata md;
  md.cluster_id = response.cluster_id.value_or("");
  md.controller_id = response.controller_id;
  md.fetched_at = std::chrono::steady_clock::now();
  for (const auto& b : response.brokers) md.brokers[b.node_id] = BrokerInfo{b.node_id, b.host, b.port, b.rack};
  for (const auto& t : response.topics) {
    const std::string name = t.name.value_or(t.topic_id.to_string());
    if (t.error_code != 0 && t.partitions.empty()) {
      if (errors) (*errors)[name] = t.error_code;
      continue;
    }
    TopicInfo info{name, t.topic_id, t.error_code, t.is_internal, {}};
    for (const auto& p : t.partitions) {
      info.partitions.push_back(PartitionInfo{p.partition_index, p.error_code, p.leader_id, p.leader_epoch,
                                              p.replica_nodes, p.isr_nodes, p.offline_replicas});
    }
    std::sort(info.partitions.begin(), info.partitions.end(),
              [](const PartitionInfo& a, const PartitionInfo& b) { return a.partition < b.partition; });
    md.topics[name] = std::move(info);
  }
  return md;
}

ClusterMetadata ClusterMetadata::merged_with(const ClusterMetadata& newer, const std::vector<std::string>& removed) const {
  ClusterMetadata out = newer;
  for (const auto& [name, t] : topics) {
    if (out.topics.contains(name)) continue;
    if (std::find(removed.begin(), removed.end(), name) != removed.end()) continue;
    out.topics.emplace(name, t);
  }
  return out;
}

}  // namespace kappa::client

#include "kappa/metadata/metadata_image.h"

#include <algorithm>

namespace kappa::metadata {
namespace {
template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

bool contains(const std::vector<int32_t>& v, int32_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }
}  // namespace

const BrokerEndpoint* BrokerInfo::endpoint(std::string_view listener) const {
  for (const auto& e : endpoints) {
    if (e.listener == listener) return &e;
  }
  return nullptr;
}

bool PartitionState::has_replica(int32_t node) const { return contains(replicas, node); }
bool PartitionState::in_isr(int32_t node) const { return contains(isr, node); }

const TopicImage* MetadataImage::topic(std::string_view name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : &it->second;
}

const TopicImage* MetadataImage::topic(const protocol::Uuid& id) const {
  auto it = names_by_id_.find(id);
  return it == names_by_id_.end() ? nullptr : topic(it->second);
}

TopicImage* MetadataImage::mutable_topic(const protocol::Uuid& id) {
  auto it = names_by_id_.find(id);
  if (it == names_by_id_.end()) return nullptr;
  auto t = topics_.find(it->second);
  return t == topics_.end() ? nullptr : &t->second;
}

const PartitionState* MetadataImage::partition(std::string_view topic_name, int32_t partition) const {
  const TopicImage* t = topic(topic_name);
  if (!t || partition < 0 || partition >= static_cast<int32_t>(t->partitions.size())) return nullptr;
  return &t->partitions[static_cast<size_t>(partition)];
}

const BrokerInfo* MetadataImage::broker(int32_t id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

void MetadataImage::apply(const MetadataRecord& record) {
  std::visit(
      Overloaded{
          [&](const protocol::RegisterBrokerRecord& r) {
            BrokerInfo& b = brokers_[r.broker_id];
            b.id = r.broker_id;
            b.incarnation = r.incarnation_id;
            b.epoch = r.broker_epoch;
            b.endpoints.clear();
            for (const auto& e : r.end_points) b.endpoints.push_back({e.name, e.host, e.port});
            b.rack = r.rack;
            b.fenced = r.fenced;
            b.in_controlled_shutdown = false;
          },
          [&](const protocol::UnregisterBrokerRecord& r) { brokers_.erase(r.broker_id); },
          [&](const protocol::FenceBrokerRecord& r) {
            auto it = brokers_.find(r.id);
            if (it != brokers_.end() && it->second.epoch == r.epoch) it->second.fenced = true;
          },
          [&](const protocol::UnfenceBrokerRecord& r) {
            auto it = brokers_.find(r.id);
            if (it != brokers_.end() && it->second.epoch == r.epoch) {
              it->second.fenced = false;
              it->second.in_controlled_shutdown = false;
            }
          },
          [&](const protocol::BrokerRegistrationChangeRecord& r) {
            auto it = brokers_.find(r.broker_id);
            if (it == brokers_.end() || it->second.epoch != r.broker_epoch) return;
            if (r.fenced == 1) it->second.fenced = true;   // 1 = fence
            if (r.fenced == -1) it->second.fenced = false;  // -1 = unfence
            if (r.in_controlled_shutdown == 1) it->second.in_controlled_shutdown = true;
          },
          [&](const protocol::TopicRecord& r) {
            TopicImage& t = topics_[r.name];
            t.name = r.name;
            t.id = r.topic_id;
            names_by_id_[r.topic_id] = r.name;
          },
          [&](const protocol::PartitionRecord& r) {
            TopicImage* t = mutable_topic(r.topic_id);
            if (!t || r.partition_id < 0) return;
            if (static_cast<size_t>(r.partition_id) >= t->partitions.size()) {
              t->partitions.resize(static_cast<size_t>(r.partition_id) + 1);
            }
            PartitionState& p = t->partitions[static_cast<size_t>(r.partition_id)];
            p.id = r.partition_id;
            p.replicas = r.replicas;
            p.isr = r.isr;
            p.leader = r.leader;
            p.leader_epoch = r.leader_epoch;
            p.partition_epoch = r.partition_epoch;
          },
          [&](const protocol::PartitionChangeRecord& r) { apply_partition_change(r); },
          [&](const protocol::ConfigRecord& r) {
            std::map<std::string, std::string>* configs = nullptr;
            if (r.resource_type == kConfigResourceTopic) {
              auto it = topics_.find(r.resource_name);
              if (it == topics_.end()) return;
              configs = &it->second.configs;
            } else if (r.resource_type == kConfigResourceBroker) {
              configs = &broker_configs_[r.resource_name];
            } else {
              return;
            }
            if (r.value) {
              (*configs)[r.name] = *r.value;
            } else {
              configs->erase(r.name);
            }
          },
          [&](const protocol::RemoveTopicRecord& r) {
            auto it = names_by_id_.find(r.topic_id);
            if (it == names_by_id_.end()) return;
            topics_.erase(it->second);
            names_by_id_.erase(it);
          },
          [&](const protocol::ProducerIdsRecord& r) { next_producer_id_ = r.next_producer_id; },
          [&](const protocol::NoOpRecord&) {},
      },
      record);
}

void MetadataImage::apply_partition_change(const protocol::PartitionChangeRecord& r) {
  TopicImage* t = mutable_topic(r.topic_id);
  if (!t || r.partition_id < 0 || static_cast<size_t>(r.partition_id) >= t->partitions.size()) return;
  PartitionState& p = t->partitions[static_cast<size_t>(r.partition_id)];
  if (r.replicas) p.replicas = *r.replicas;
  if (r.isr) p.isr = *r.isr;
  // Kafka's rule: a leader change (-2 = unchanged) bumps the leader epoch;
  // every change bumps the partition epoch.
  if (r.leader != -2 && r.leader != p.leader) {
    p.leader = r.leader;
    ++p.leader_epoch;
  }
  ++p.partition_epoch;
}

std::vector<MetadataRecord> MetadataImage::to_records() const {
  std::vector<MetadataRecord> out;
  for (const auto& [id, b] : brokers_) {
    protocol::RegisterBrokerRecord r;
    r.broker_id = id;
    r.incarnation_id = b.incarnation;
    r.broker_epoch = b.epoch;
    for (const auto& e : b.endpoints) {
      protocol::RegisterBrokerRecord::BrokerEndpoint ep;
      ep.name = e.listener;
      ep.host = e.host;
      ep.port = e.port;
      r.end_points.push_back(ep);
    }
    r.rack = b.rack;
    r.fenced = b.fenced;
    out.push_back(std::move(r));
  }
  for (const auto& [name, values] : broker_configs_) {
    for (const auto& [k, v] : values) {
      out.push_back(protocol::ConfigRecord{kConfigResourceBroker, name, k, v});
    }
  }
  for (const auto& [name, t] : topics_) {
    out.push_back(protocol::TopicRecord{t.name, t.id});
    for (const auto& p : t.partitions) {
      protocol::PartitionRecord r;
      r.partition_id = p.id;
      r.topic_id = t.id;
      r.replicas = p.replicas;
      r.isr = p.isr;
      r.leader = p.leader;
      r.leader_epoch = p.leader_epoch;
      r.partition_epoch = p.partition_epoch;
      out.push_back(std::move(r));
    }
    for (const auto& [k, v] : t.configs) out.push_back(protocol::ConfigRecord{kConfigResourceTopic, t.name, k, v});
  }
  if (next_producer_id_ > 0) {
    protocol::ProducerIdsRecord r;
    r.next_producer_id = next_producer_id_;
    out.push_back(r);
  }
  return out;
}

}  // namespace kappa::metadata

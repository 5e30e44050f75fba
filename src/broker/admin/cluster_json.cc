#include "broker/admin/cluster_json.h"

#include <boost/json.hpp>

#include "broker/broker.h"

namespace kappa::broker {
namespace {

namespace json = boost::json;

json::array ids(const std::vector<int32_t>& v) {
  json::array a;
  for (int32_t id : v) a.push_back(id);
  return a;
}

}  // namespace

std::string cluster_json(Broker& broker) {
  const auto& image = broker.image();
  json::object root;
  root["cluster_id"] = broker.cluster_id();
  root["controller_id"] = broker.controller_id();
  root["node_id"] = broker.node_id();
  root["metadata_offset"] = image.offset();
  json::array brokers;
  for (const auto& [id, b] : image.brokers()) {
    json::object o;
    o["id"] = id;
    o["epoch"] = b.epoch;
    o["fenced"] = b.fenced;
    o["in_controlled_shutdown"] = b.in_controlled_shutdown;
    if (b.rack) {
      o["rack"] = *b.rack;
    } else {
      o["rack"] = nullptr;
    }
    json::array endpoints;
    for (const auto& e : b.endpoints) {
      json::object ep;
      ep["listener"] = e.listener;
      ep["host"] = e.host;
      ep["port"] = e.port;
      endpoints.push_back(std::move(ep));
    }
    o["endpoints"] = std::move(endpoints);
    brokers.push_back(std::move(o));
  }
  root["brokers"] = std::move(brokers);
  int64_t under_replicated = 0;
  int64_t offline = 0;
  int64_t partitions_total = 0;
  json::array topics;
  for (const auto& [name, t] : image.topics()) {
    json::object to;
    to["name"] = name;
    to["id"] = t.id.to_string();
    to["internal"] = t.is_internal();
    json::array parts;
    for (const auto& p : t.partitions) {
      json::object po;
      po["partition"] = p.id;
      po["leader"] = p.leader;
      po["leader_epoch"] = p.leader_epoch;
      po["replicas"] = ids(p.replicas);
      po["isr"] = ids(p.isr);
      const bool is_under = p.isr.size() < p.replicas.size();
      const bool is_offline = p.leader < 0;
      po["under_replicated"] = is_under;
      po["offline"] = is_offline;
      under_replicated += is_under ? 1 : 0;
      offline += is_offline ? 1 : 0;
      ++partitions_total;
      parts.push_back(std::move(po));
    }
    to["partitions"] = std::move(parts);
    topics.push_back(std::move(to));
  }
  root["topics"] = std::move(topics);
  root["partition_count"] = partitions_total;
  root["under_replicated_partitions"] = under_replicated;
  root["offline_partitions"] = offline;
  return json::serialize(root) + "\n";
}

}  // namespace kappa::broker

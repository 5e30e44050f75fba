#pragma once
// /v1/cluster: this node's view of the cluster as JSON, from its metadata
// image: cluster and controller ids, brokers (endpoints, rack, fenced),
// topics with every partition's leader, replicas and ISR, and counts of
// under-replicated (ISR smaller than the replicas) and offline (no leader)
// partitions.

#include <string>

namespace kappa::broker {

class Broker;

std::string cluster_json(Broker& broker);

}  // namespace kappa::broker

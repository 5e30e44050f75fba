#pragma once
// Pure planning of partition leadership when brokers come and go (the
// controller's half of failover).  Each function reads the committed image
// and returns PartitionChangeRecords; leader changes bump the leader epoch
// when applied (metadata_image.cc).
//
// Rules (Kafka's KRaft behaviour):
// - A broker that is fenced or shutting down leaves the ISR of every
//   partition, unless it is the last member: then the ISR keeps it and the
//   partition has no leader (-1) until it returns — or, when the topic allows
//   unclean election, another live replica takes over with an ISR of itself.
// - A leader is the first replica (in assignment order) that is in the ISR
//   and usable (registered, unfenced, not shutting down).
// - When a broker is unfenced, leaderless partitions it is in-sync for elect it.
// - Preferred-leader rebalance moves leadership back to the first replica
//   when it is in the ISR and usable.

#include <cstdint>
#include <functional>
#include <set>
#include <vector>

#include "kappa/metadata/metadata_image.h"

namespace kappa::controller {

// Whether a topic allows unclean leader election.
using UncleanElection = std::function<bool(const metadata::TopicImage&)>;

// `leaving` are brokers no longer usable even if the image still shows them usable.
std::vector<metadata::MetadataRecord> plan_broker_removal(const metadata::MetadataImage& image,
                                                          const std::set<int32_t>& leaving,
                                                          const UncleanElection& unclean);
std::vector<metadata::MetadataRecord> plan_broker_return(const metadata::MetadataImage& image, int32_t broker);
std::vector<metadata::MetadataRecord> plan_preferred_leaders(const metadata::MetadataImage& image);

// Partitions `broker` leads.
size_t leader_count(const metadata::MetadataImage& image, int32_t broker);

}  // namespace kappa::controller

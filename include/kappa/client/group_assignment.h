#pragma once
// Pure helpers of consumer-group membership (no I/O, unit-tested):
// how a member moves from what it owns to a new assignment, and the
// client-side range assignor of classic groups.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kappa/client/records.h"

namespace kappa::client {

// What a member must do to go from `owned` to `target`: give up `revoked`
// first (commit, stop fetching), then start fetching `added`. Both sorted.
struct AssignmentChange {
  std::vector<TopicPartition> revoked;
  std::vector<TopicPartition> added;
  bool empty() const { return revoked.empty() && added.empty(); }
};
AssignmentChange reconcile(const std::set<TopicPartition>& owned, const std::set<TopicPartition>& target);

// Kafka's RangeAssignor: per topic, the members subscribed to it sorted by
// member id; each gets a consecutive range, the first `partitions % members`
// one partition more. `subscriptions`: member id -> topics;
// `partition_counts`: topic -> partitions (unknown topics are skipped).
// Every member appears in the result, possibly with nothing.
std::map<std::string, std::vector<TopicPartition>> range_assign(
    const std::map<std::string, std::vector<std::string>>& subscriptions,
    const std::map<std::string, int32_t>& partition_counts);

}  // namespace kappa::client

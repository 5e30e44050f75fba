#pragma once
// Chooses replicas for new partitions.
//
// Brokers are ordered so that consecutive brokers sit in different racks
// (when racks are set).  Each new partition takes as leader the broker with
// the fewest leaders (then fewest replicas), and as followers the brokers
// that add a rack not yet used by the partition, preferring the least
// loaded.  Counts carry over from existing partitions, so adding partitions
// or topics keeps the cluster balanced.  Deterministic for a given input.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kappa::controller {

struct PlacementBroker {
  int32_t id;
  std::optional<std::string> rack;
};

class ReplicaPlacer {
 public:
  explicit ReplicaPlacer(std::vector<PlacementBroker> brokers);

  // Records an existing partition so later placements balance around it.
  void add_existing(const std::vector<int32_t>& replicas);
  // Places one partition; `rf` must be in [1, broker count].
  std::vector<int32_t> place(int rf);
  size_t broker_count() const { return order_.size(); }

 private:
  std::vector<PlacementBroker> order_;  // rack-interleaved
  std::map<int32_t, int> leaders_;
  std::map<int32_t, int> replicas_;
};

}  // namespace kappa::controller

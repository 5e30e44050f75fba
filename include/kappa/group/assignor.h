#pragma once
// Server-side assignors of KIP-848 consumer groups: given the members'
// subscriptions and the subscribed topics' partition counts, compute every
// member's target assignment.  Pure functions of their input; deterministic
// (members are processed in member-id order).
//
//   uniform  Balanced and sticky: every member gets an equal share (±1) of
//            the partitions it can take; partitions stay with their current
//            owner unless they must move to restore balance.  With
//            different subscriptions, balance is best effort among the
//            members eligible for each partition.
//   range    Per topic, the members subscribed to it (by member id) get
//            consecutive ranges of partitions; the first (count % members)
//            members get one more.  Members subscribed to the same topics
//            get the same partition numbers of each (co-partitioning).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/group/consumer_member.h"

namespace kappa::group {

struct AssignmentMember {
  std::string member_id;
  std::optional<std::string> instance_id;
  std::optional<std::string> rack_id;
  std::set<protocol::Uuid> topics;  // subscribed topic ids that exist
};

struct AssignmentInput {
  std::vector<AssignmentMember> members;
  std::map<protocol::Uuid, int32_t> partitions;  // topic id -> partition count
  std::map<std::string, Assignment> current;     // the previous target, for stickiness
};

class PartitionAssignor {
 public:
  virtual ~PartitionAssignor() = default;
  virtual std::string_view name() const = 0;
  // One entry per member (possibly empty).  Postcondition: every partition
  // of a subscribed topic with at least one eligible member is assigned to
  // exactly one member that subscribes to its topic.
  virtual std::map<std::string, Assignment> assign(const AssignmentInput& input) const = 0;
};

// nullptr for an unknown name.
const PartitionAssignor* find_assignor(std::string_view name);

}  // namespace kappa::group

#pragma once
// Moves one KIP-848 member from its current assignment towards its target
// assignment without a partition ever being owned by two members:
//
//   1. partitions it owns that are not in its target must be revoked first:
//      the member stays at its epoch in kUnrevokedPartitions, keeping only
//      current ∩ target, until its heartbeat no longer reports them;
//   2. then it moves to the target epoch and gets the target's partitions —
//      except those another member still owns (assigned or pending
//      revocation), which it waits for in kUnreleasedPartitions.
//
// A pure function (Kafka's CurrentAssignmentBuilder).

#include <functional>
#include <optional>

#include "kappa/group/consumer_member.h"

namespace kappa::group {

// True when the partition is owned by a member other than the one being
// reconciled.
using OwnedByOther = std::function<bool(const protocol::Uuid& topic, int32_t partition)>;

// `owned`: the partitions the member reported in this heartbeat (nullopt
// when it did not report them: then it is assumed to still own everything).
ConsumerMember reconcile(const ConsumerMember& member, int32_t target_epoch, const Assignment& target,
                         const std::optional<Assignment>& owned, const OwnedByOther& owned_by_other);

}  // namespace kappa::group

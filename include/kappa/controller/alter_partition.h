#pragma once
// Validation and planning of a partition leader's ISR change (Kafka's
// AlterPartition): the controller accepts it only from the current leader,
// in the current leader epoch and partition epoch, and only with live
// replicas whose broker epoch (when given) is still current; the change is a PartitionChangeRecord (which bumps the
// partition epoch when applied).  Pure logic over the committed image.

#include <cstdint>
#include <vector>

#include "kappa/controller/topic_commands.h"
#include "kappa/metadata/metadata_image.h"

namespace kappa::controller {

struct IsrChange {
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
  protocol::Uuid topic_id;
  int32_t partition = -1;
  int32_t leader_epoch = -1;
  int32_t partition_epoch = -1;
  std::vector<int32_t> new_isr;
  // Parallel to new_isr when given (AlterPartition v3+): the broker epoch
  // under which the leader saw each member catch up; -1 unknown.  A joining
  // member whose registration changed since (it restarted, KIP-903) is
  // refused.
  std::vector<int64_t> new_isr_epochs;
};

CommandResult plan_isr_change(const metadata::MetadataImage& image, const IsrChange& change,
                              std::vector<metadata::MetadataRecord>& out);

}  // namespace kappa::controller

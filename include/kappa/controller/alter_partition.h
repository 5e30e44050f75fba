#pragma once
// Validation and planning of a partition leader's ISR change (Kafka's
// AlterPartition): the controller accepts it only from the current leader,
// in the current leader epoch and partition epoch, and only with live
// replicas; the change is a PartitionChangeRecord (which bumps the
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
};

CommandResult plan_isr_change(const metadata::MetadataImage& image, const IsrChange& change,
                              std::vector<metadata::MetadataRecord>& out);

}  // namespace kappa::controller

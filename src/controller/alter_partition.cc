#include "kappa/controller/alter_partition.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kappa::controller {

using protocol::ErrorCode;

CommandResult plan_isr_change(const metadata::MetadataImage& image, const IsrChange& c,
                              std::vector<metadata::MetadataRecord>& out) {
  const auto* broker = image.broker(c.broker_id);
  if (!broker || broker->epoch != c.broker_epoch) {
    return {ErrorCode::kStaleBrokerEpoch, fmt::format("broker {} epoch {} is not current", c.broker_id, c.broker_epoch)};
  }
  const auto* topic = image.topic(c.topic_id);
  if (!topic) return {ErrorCode::kUnknownTopicId, "unknown topic id " + c.topic_id.to_string()};
  if (c.partition < 0 || c.partition >= static_cast<int32_t>(topic->partitions.size())) {
    return {ErrorCode::kUnknownTopicOrPartition, fmt::format("{} has no partition {}", topic->name, c.partition)};
  }
  const auto& p = topic->partitions[static_cast<size_t>(c.partition)];
  if (p.leader != c.broker_id) {
    return {ErrorCode::kNotLeaderOrFollower, fmt::format("broker {} does not lead {}-{}", c.broker_id, topic->name,
                                                        c.partition)};
  }
  if (c.leader_epoch != p.leader_epoch) {
    return {c.leader_epoch < p.leader_epoch ? ErrorCode::kFencedLeaderEpoch : ErrorCode::kInvalidUpdateVersion,
            fmt::format("leader epoch {} is not the current {}", c.leader_epoch, p.leader_epoch)};
  }
  if (c.partition_epoch != p.partition_epoch) {
    return {ErrorCode::kInvalidUpdateVersion,
            fmt::format("partition epoch {} is not the current {}", c.partition_epoch, p.partition_epoch)};
  }
  std::set<int32_t> seen;
  bool has_leader = false;
  for (size_t i = 0; i < c.new_isr.size(); ++i) {
    const int32_t r = c.new_isr[i];
    if (!seen.insert(r).second || !p.has_replica(r)) {
      return {ErrorCode::kInvalidRequest, fmt::format("{} is not a valid ISR for replicas {}", fmt::join(c.new_isr, ","),
                                                      fmt::join(p.replicas, ","))};
    }
    has_leader |= r == c.broker_id;
    const auto* b = image.broker(r);
    const bool joining = !p.in_isr(r);
    if (joining && (!b || b->fenced || b->in_controlled_shutdown)) {
      return {ErrorCode::kIneligibleReplica, fmt::format("broker {} cannot join the ISR: it is not live", r)};
    }
    const int64_t tracked = i < c.new_isr_epochs.size() ? c.new_isr_epochs[i] : -1;
    if (joining && tracked >= 0 && tracked != b->epoch) {
      return {ErrorCode::kIneligibleReplica,
              fmt::format("broker {} cannot join the ISR: it caught up in broker epoch {}, now {}", r, tracked,
                          b->epoch)};
    }
  }
  if (!has_leader) return {ErrorCode::kInvalidRequest, "the new ISR must contain the leader"};
  protocol::PartitionChangeRecord r;
  r.topic_id = c.topic_id;
  r.partition_id = c.partition;
  r.isr = c.new_isr;
  out.emplace_back(std::move(r));
  return {};
}

}  // namespace kappa::controller

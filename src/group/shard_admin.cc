// GroupShard: ListGroups, DescribeGroups, DeleteGroups.
#include "kappa/group/group_shard.h"

namespace kappa::group {

using protocol::ErrorCode;

std::vector<ListedGroup> GroupShard::list_groups() const {
  std::vector<ListedGroup> out;
  for (const auto& [id, g] : classic_) {
    out.push_back({id, g->protocol_type().value_or(""), std::string(state_name(g->state())), "classic"});
  }
  for (const auto& [id, g] : consumer_)
    out.push_back({id, std::string(kConsumerProtocolType), g->state(), "consumer"});
  return out;
}

GroupDescription GroupShard::describe_group(const std::string& group_id) const {
  if (const ClassicGroup* g = classic_group(group_id)) return g->describe();
  return GroupDescription{"Dead", "", "", {}};
}

std::vector<CoordinatorRecord> GroupShard::deletion_records(const std::string& group_id) const {
  std::vector<CoordinatorRecord> records;
  if (const GroupOffsets* offsets = offsets_.offsets(group_id)) {
    for (const auto& [tp, o] : *offsets)
      records.push_back(offset_commit_record(group_id, tp.topic, tp.partition, nullptr));
  }
  if (const ConsumerGroup* cg = consumer_group(group_id)) {
    auto t = cg->tombstones();
    records.insert(records.end(), t.begin(), t.end());
  } else {
    records.push_back(group_metadata_record(group_id, nullptr));
  }
  return records;
}

ErrorCode GroupShard::delete_group(const std::string& group_id) {
  if (const ClassicGroup* g = classic_group(group_id)) {
    if (g->state() != ClassicGroupState::kEmpty) return ErrorCode::kNonEmptyGroup;
  } else if (const ConsumerGroup* cg = consumer_group(group_id)) {
    if (!cg->empty()) return ErrorCode::kNonEmptyGroup;
  } else {
    return ErrorCode::kGroupIdNotFound;
  }
  if (auto e = append_and_apply(deletion_records(group_id)); e != ErrorCode::kNone)
    return group_write_error(e);
  classic_.erase(group_id);  // the tombstones removed offsets and metadata
  ctx_.logger->info("{}group {} deleted", ctx_.log_prefix, group_id);
  return ErrorCode::kNone;
}

}  // namespace kappa::group

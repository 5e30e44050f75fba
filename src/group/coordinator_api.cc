// GroupCoordinator: the request entry points.  Each runs the operation on
// the group's shard, then holds the answer back until the high watermark
// has passed what the shard had written by then.
#include "group/coordinator_slot.h"

namespace kappa::group {

using protocol::ErrorCode;

namespace {

// Errors of a failed commit wait, for KIP-848 and admin responses.
ErrorCode coordinator_error(ErrorCode wait_error) {
  return wait_error == ErrorCode::kNotCoordinator ? ErrorCode::kNotCoordinator
                                                  : ErrorCode::kCoordinatorNotAvailable;
}

}  // namespace

awaitable<JoinResult> GroupCoordinator::join_group(std::string group_id, JoinParams params) {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) co_return JoinResult::failure(params.member_id, status(group_id));
  auto done = std::make_shared<Completion<JoinResult>>(deps_.executor);
  Slot* s = slot.get();
  slot->shard->join_group(group_id, std::move(params),
                          [done, s](JoinResult r) { done->set(std::move(r), s->written_end); });
  rearm();
  auto [result, written] = co_await done->wait();
  if (result.error == ErrorCode::kNotCoordinator) co_return result;
  if (auto e = co_await wait_committed(slot, written); e != ErrorCode::kNone) {
    co_return JoinResult::failure(result.member_id, group_write_error(e));
  }
  co_return result;
}

awaitable<SyncResult> GroupCoordinator::sync_group(std::string group_id, SyncParams params) {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) co_return SyncResult{status(group_id), {}, {}, {}};
  auto done = std::make_shared<Completion<SyncResult>>(deps_.executor);
  Slot* s = slot.get();
  slot->shard->sync_group(group_id, std::move(params),
                          [done, s](SyncResult r) { done->set(std::move(r), s->written_end); });
  rearm();
  auto [result, written] = co_await done->wait();
  if (result.error == ErrorCode::kNotCoordinator) co_return result;
  if (auto e = co_await wait_committed(slot, written); e != ErrorCode::kNone) {
    co_return SyncResult{group_write_error(e), {}, {}, {}};
  }
  co_return result;
}

awaitable<ErrorCode> GroupCoordinator::heartbeat(std::string group_id, std::string member_id,
                                                 std::optional<std::string> instance_id, int32_t generation) {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) co_return status(group_id);
  ErrorCode e = slot->shard->heartbeat(group_id, member_id, instance_id, generation);
  rearm();
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone) co_return coordinator_error(w);
  co_return e;
}

awaitable<LeaveOutcome> GroupCoordinator::leave_group(std::string group_id,
                                                      std::vector<LeavingMember> members) {
  LeaveOutcome out;
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) {
    out.error = status(group_id);
    co_return out;
  }
  out.members = slot->shard->leave_group(group_id, members);
  rearm();
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone) {
    out.error = coordinator_error(w);
    out.members.clear();
  }
  co_return out;
}

awaitable<ConsumerHeartbeatResult> GroupCoordinator::consumer_heartbeat(ConsumerHeartbeatParams params) {
  auto slot = slot_for(params.group_id);
  if (!slot || !slot->active) {
    co_return ConsumerHeartbeatResult::failure(status(params.group_id), "");
  }
  auto result = slot->shard->consumer_heartbeat(params);
  rearm();
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone) {
    co_return ConsumerHeartbeatResult::failure(coordinator_error(w),
                                               "the group's state could not be committed");
  }
  co_return result;
}

ConsumerGroupDescription GroupCoordinator::describe_consumer_group(const std::string& group_id) const {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) {
    ConsumerGroupDescription d;
    d.error = status(group_id);
    return d;
  }
  return slot->shard->describe_consumer_group(group_id);
}

awaitable<void> GroupCoordinator::commit_offsets(OffsetCommitParams& params) {
  auto slot = slot_for(params.group_id);
  if (!slot || !slot->active) {
    const ErrorCode e = status(params.group_id);
    for (auto& entry : params.entries) {
      if (entry.error == ErrorCode::kNone) entry.error = e;
    }
    co_return;
  }
  std::vector<bool> preset;
  for (const auto& entry : params.entries) preset.push_back(entry.error != ErrorCode::kNone);
  slot->shard->commit_offsets(params);
  rearm();
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone) {
    for (size_t i = 0; i < params.entries.size(); ++i) {
      if (!preset[i] && params.entries[i].error == ErrorCode::kNone)
        params.entries[i].error = offset_write_error(w);
    }
  }
}

awaitable<OffsetFetchResult> GroupCoordinator::fetch_offsets(OffsetFetchParams params) {
  auto slot = slot_for(params.group_id);
  if (!slot || !slot->active) co_return OffsetFetchResult{status(params.group_id), {}};
  auto result = slot->shard->fetch_offsets(params);
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone)
    co_return OffsetFetchResult{coordinator_error(w), {}};
  co_return result;
}

awaitable<ErrorCode> GroupCoordinator::delete_offsets(std::string group_id,
                                                      std::vector<OffsetDeleteEntry>& entries) {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) co_return status(group_id);
  ErrorCode e = slot->shard->delete_offsets(group_id, entries);
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone) co_return coordinator_error(w);
  co_return e;
}

ListGroupsOutcome GroupCoordinator::list_groups() const {
  ListGroupsOutcome out;
  for (const auto& [i, slot] : slots_) {
    if (!slot->active) {
      out.error = ErrorCode::kCoordinatorLoadInProgress;
      continue;
    }
    auto groups = slot->shard->list_groups();
    out.groups.insert(out.groups.end(), groups.begin(), groups.end());
  }
  return out;
}

GroupDescription GroupCoordinator::describe_group(const std::string& group_id) const {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) return GroupDescription{};
  return slot->shard->describe_group(group_id);
}

awaitable<ErrorCode> GroupCoordinator::delete_group(std::string group_id) {
  auto slot = slot_for(group_id);
  if (!slot || !slot->active) co_return status(group_id);
  ErrorCode e = slot->shard->delete_group(group_id);
  rearm();
  if (auto w = co_await wait_written(slot); w != ErrorCode::kNone) co_return coordinator_error(w);
  co_return e;
}

}  // namespace kappa::group

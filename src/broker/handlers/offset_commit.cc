// OffsetCommit (v2-9): partitions of unknown topics get
// UNKNOWN_TOPIC_OR_PARTITION and are not stored; the rest go to the group
// coordinator in one batch.  v2-4 may set a retention (stored as an expiry).
#include "kappa/protocol/msg/offset_commit.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::OffsetCommitResponse;

awaitable<OffsetCommitResponse> handle_offset_commit(RequestContext& ctx,
                                                     protocol::OffsetCommitRequest& req) {
  Broker& broker = ctx.broker;
  group::OffsetCommitParams p;
  p.group_id = req.group_id;
  p.member_id = req.member_id;
  p.group_instance_id = req.group_instance_id;
  p.generation_or_member_epoch = req.generation_id_or_member_epoch;
  p.retention_ms = ctx.version() <= 4 ? req.retention_time_ms : -1;
  p.api_version = ctx.version();
  for (const auto& t : req.topics) {
    const auto* topic = broker.image().topic(t.name);
    for (const auto& part : t.partitions) {
      group::OffsetCommitEntry e{t.name,
                                 part.partition_index,
                                 part.committed_offset,
                                 part.committed_leader_epoch,
                                 part.committed_metadata,
                                 ErrorCode::kNone};
      if (!topic || part.partition_index < 0 ||
          part.partition_index >= static_cast<int32_t>(topic->partitions.size())) {
        e.error = ErrorCode::kUnknownTopicOrPartition;
      }
      p.entries.push_back(std::move(e));
    }
  }
  co_await broker.groups().commit_offsets(p);
  OffsetCommitResponse resp;
  size_t i = 0;
  for (const auto& t : req.topics) {
    auto& rt = resp.topics.emplace_back();
    rt.name = t.name;
    for (size_t k = 0; k < t.partitions.size(); ++k, ++i) {
      rt.partitions.push_back({p.entries[i].partition, protocol::code_of(p.entries[i].error)});
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

// OffsetDelete (v0): removes committed offsets of an empty group, or of
// topics a "consumer" group no longer subscribes to.
#include "kappa/protocol/msg/offset_delete.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::OffsetDeleteResponse;

awaitable<OffsetDeleteResponse> handle_offset_delete(RequestContext& ctx,
                                                     protocol::OffsetDeleteRequest& req) {
  OffsetDeleteResponse resp;
  auto& groups = ctx.broker.groups();
  std::vector<group::OffsetDeleteEntry> entries;
  for (const auto& t : req.topics) {
    const auto* topic = ctx.broker.image().topic(t.name);
    for (const auto& p : t.partitions) {
      group::OffsetDeleteEntry e{{t.name, p.partition_index}, ErrorCode::kNone};
      if (!topic || p.partition_index < 0 ||
          p.partition_index >= static_cast<int32_t>(topic->partitions.size())) {
        e.error = ErrorCode::kUnknownTopicOrPartition;
      }
      entries.push_back(std::move(e));
    }
  }
  ErrorCode e = groups.status(req.group_id);
  if (e == ErrorCode::kNone) e = co_await groups.delete_offsets(req.group_id, entries);
  resp.error_code = protocol::code_of(e);
  if (e != ErrorCode::kNone) co_return resp;
  size_t i = 0;
  for (const auto& t : req.topics) {
    auto& rt = resp.topics.emplace_back();
    rt.name = t.name;
    for (size_t k = 0; k < t.partitions.size(); ++k, ++i) {
      rt.partitions.push_back({entries[i].tp.partition, protocol::code_of(entries[i].error)});
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

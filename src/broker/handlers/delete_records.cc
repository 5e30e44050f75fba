// DeleteRecords: moves a partition's log start offset up (offset -1 means the
// high watermark) and deletes the segments wholly below it.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/partition_lookup.h"
#include "kappa/protocol/msg/delete_records.h"

namespace kappa::broker {

awaitable<protocol::DeleteRecordsResponse> handle_delete_records(RequestContext& ctx,
                                                                 protocol::DeleteRecordsRequest& req) {
  protocol::DeleteRecordsResponse resp;
  for (const auto& t : req.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = t.name;
    for (const auto& p : t.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = p.partition_index;
      pr.low_watermark = -1;
      auto found = find_leader(ctx.broker, t.name, p.partition_index);
      if (!found.partition) {
        pr.error_code = protocol::code_of(found.error);
        continue;
      }
      auto& partition = *found.partition;
      const int64_t target = p.offset == -1 ? partition.high_watermark() : p.offset;
      if (target < 0 || target > partition.high_watermark()) {
        pr.error_code = protocol::code_of(protocol::ErrorCode::kOffsetOutOfRange);
        continue;
      }
      auto moved = partition.log().delete_records_before(target);
      if (!moved) {
        pr.error_code = protocol::code_of(storage::to_kafka_error(moved.error()));
        continue;
      }
      pr.low_watermark = *moved;
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

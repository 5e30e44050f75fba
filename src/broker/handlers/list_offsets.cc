// ListOffsets: earliest (-2), latest (-1: the high watermark, or the last
// stable offset for read_committed), max timestamp (-3, v7+), earliest local
// (-4, v8+) and offsets by timestamp through the time index.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/partition_lookup.h"
#include "kappa/protocol/msg/list_offsets.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::ListOffsetsResponse;

namespace {
constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr int64_t kMaxTimestamp = -3;
constexpr int64_t kEarliestLocal = -4;
constexpr int64_t kLatestTiered = -5;

void lookup(replication::Partition& p, int64_t timestamp, int8_t isolation,
            ListOffsetsResponse::ListOffsetsPartitionResponse& out) {
  out.timestamp = -1;
  out.leader_epoch = p.leader_epoch();
  if (timestamp == kLatest) {
    out.offset = isolation == 1 ? p.last_stable_offset() : p.high_watermark();
    return;
  }
  if (timestamp == kEarliest || timestamp == kEarliestLocal) {
    out.offset = p.log().log_start_offset();
    return;
  }
  if (timestamp == kLatestTiered) {  // no tiered storage: nothing is remote
    out.offset = -1;
    return;
  }
  auto found = p.log().offset_for_timestamp(timestamp == kMaxTimestamp ? storage::kMaxTimestamp : timestamp);
  if (!found) {
    out.error_code = protocol::code_of(storage::to_kafka_error(found.error()));
    return;
  }
  // Only committed data (below the high watermark) can be found.
  if (!*found || (*found)->offset >= p.high_watermark()) {
    out.offset = -1;
    out.leader_epoch = -1;
    return;
  }
  out.timestamp = (*found)->timestamp;
  out.offset = (*found)->offset;
  out.leader_epoch = (*found)->leader_epoch ? (*found)->leader_epoch->value() : -1;
}

}  // namespace

awaitable<ListOffsetsResponse> handle_list_offsets(RequestContext& ctx, protocol::ListOffsetsRequest& req) {
  ListOffsetsResponse resp;
  for (const auto& t : req.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.name = t.name;
    for (const auto& p : t.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = p.partition_index;
      auto found = find_leader(ctx.broker, t.name, p.partition_index);
      ErrorCode error = found.error;
      if (found.partition) error = found.partition->check_leader_epoch(p.current_leader_epoch);
      if (error == ErrorCode::kNone && p.timestamp == kMaxTimestamp && ctx.version() < 7) {
        error = ErrorCode::kUnsupportedVersion;
      }
      if (error != ErrorCode::kNone) {
        pr.error_code = protocol::code_of(error);
        continue;
      }
      lookup(*found.partition, p.timestamp, req.isolation_level, pr);
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

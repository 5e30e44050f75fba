// OffsetFetch (v1-9): v1-7 one group (null topics = everything committed,
// from v2), v8+ several groups, v9 with the KIP-848 member id and epoch.
// Nothing committed: offset -1, metadata "".  Errors: v1 per partition,
// v2-7 top-level, v8+ per group.
#include "kappa/protocol/msg/offset_fetch.h"
#include "broker/broker.h"
#include "broker/handlers/handlers.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::OffsetFetchResponse;

namespace {

template <typename Topics>
std::optional<std::vector<group::TopicPartitionKey>> requested(const std::optional<Topics>& topics) {
  if (!topics) return std::nullopt;
  std::vector<group::TopicPartitionKey> out;
  for (const auto& t : *topics) {
    for (int32_t p : t.partition_indexes) out.push_back({t.name, p});
  }
  return out;
}

awaitable<group::OffsetFetchResult> fetch(Broker& broker, group::OffsetFetchParams p) {
  auto& groups = broker.groups();
  if (auto e = groups.status(p.group_id); e != ErrorCode::kNone) {
    group::OffsetFetchResult r;
    r.error = e;
    co_return r;
  }
  co_return co_await groups.fetch_offsets(std::move(p));
}

// Fetched offsets grouped by topic in first-seen order, as response topics.
template <typename Topic, typename Partition>
std::vector<Topic> by_topic(const std::vector<group::FetchedOffset>& offsets, int16_t version, bool v1_error,
                            ErrorCode error) {
  std::vector<Topic> out;
  for (const auto& o : offsets) {
    if (out.empty() || out.back().name != o.topic) {
      out.emplace_back();
      out.back().name = o.topic;
    }
    Partition p;
    p.partition_index = o.partition;
    p.committed_offset = v1_error ? -1 : o.offset;
    p.committed_leader_epoch = o.leader_epoch;
    p.metadata = v1_error ? "" : o.metadata;
    p.error_code = protocol::code_of(v1_error ? error : o.error);
    out.back().partitions.push_back(std::move(p));
  }
  (void)version;
  return out;
}

}  // namespace

awaitable<OffsetFetchResponse> handle_offset_fetch(RequestContext& ctx, protocol::OffsetFetchRequest& req) {
  OffsetFetchResponse resp;
  if (ctx.version() >= 8) {
    for (const auto& g : req.groups) {
      group::OffsetFetchParams p{g.group_id, requested(g.topics), g.member_id, g.member_epoch};
      auto r = co_await fetch(ctx.broker, std::move(p));
      auto& rg = resp.groups.emplace_back();
      rg.group_id = g.group_id;
      rg.error_code = protocol::code_of(r.error);
      if (r.error == ErrorCode::kNone) {
        rg.topics = by_topic<OffsetFetchResponse::OffsetFetchResponseTopics,
                             OffsetFetchResponse::OffsetFetchResponsePartitions>(r.offsets, ctx.version(),
                                                                                 false, ErrorCode::kNone);
      }
    }
    co_return resp;
  }
  group::OffsetFetchParams p{req.group_id, requested(req.topics), std::nullopt, -1};
  if (ctx.version() == 1 && !p.partitions) p.partitions.emplace();
  auto requested_partitions = p.partitions;
  auto r = co_await fetch(ctx.broker, std::move(p));
  if (r.error != ErrorCode::kNone) {
    if (ctx.version() >= 2) {
      resp.error_code = protocol::code_of(r.error);
      co_return resp;
    }
    // v1 has no top-level error: every requested partition carries it.
    std::vector<group::FetchedOffset> failed;
    for (const auto& tp : *requested_partitions)
      failed.push_back({tp.topic, tp.partition, -1, -1, "", r.error});
    resp.topics =
        by_topic<OffsetFetchResponse::OffsetFetchResponseTopic,
                 OffsetFetchResponse::OffsetFetchResponsePartition>(failed, ctx.version(), true, r.error);
    co_return resp;
  }
  resp.topics = by_topic<OffsetFetchResponse::OffsetFetchResponseTopic,
                         OffsetFetchResponse::OffsetFetchResponsePartition>(r.offsets, ctx.version(), false,
                                                                            ErrorCode::kNone);
  co_return resp;
}

}  // namespace kappa::broker

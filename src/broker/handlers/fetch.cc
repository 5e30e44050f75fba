// Fetch: consumers read whole batches below the high watermark, followers
// (replica id >= 0) up to the log end; either way as file slices that the
// connection sends with sendfile(2).  Long polling:
// when fewer than min_bytes are available the request waits, up to
// max_wait_ms, for any of its partitions to change, then reads again.
// Fetch sessions (KIP-227) are declined: the response's session id is 0, so
// clients keep sending full fetches.
#include <chrono>

#include "broker/broker.h"
#include "broker/cluster_view.h"
#include "broker/handlers/handlers.h"
#include "broker/partition_lookup.h"
#include "broker/partition_wait.h"
#include "kappa/protocol/msg/fetch.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::FetchResponse;

namespace {

constexpr int8_t kReadCommitted = 1;

struct FetchPass {
  FetchResponse response;
  size_t bytes = 0;
  bool has_error = false;
  std::vector<storage::TopicPartition> watched;
};

void describe_leader(Broker& broker, const metadata::TopicImage* topic, int32_t partition,
                     FetchResponse::PartitionData& out, FetchResponse& resp, RequestContext& ctx) {
  if (!topic || partition < 0 || partition >= static_cast<int32_t>(topic->partitions.size())) return;
  const auto& state = topic->partitions[static_cast<size_t>(partition)];
  out.current_leader.leader_id = state.leader;
  out.current_leader.leader_epoch = state.leader_epoch;
  if (ctx.version() >= 16 && state.leader >= 0) {
    for (const auto& b : live_brokers(broker.image(), ctx.listener_name)) {
      if (b.id == state.leader) resp.node_endpoints.push_back({b.id, b.host, b.port, b.rack});
    }
  }
}

// `replica` >= 0: a follower fetching for replication.  It reads up to the
// log end (not the high watermark) and its fetch offset is its log end,
// which moves the leader's view of it (and maybe the high watermark).
FetchPass read_all(RequestContext& ctx, const protocol::FetchRequest& req, int32_t replica, bool first_pass) {
  Broker& broker = ctx.broker;
  FetchPass pass;
  const size_t max_bytes = req.max_bytes > 0 ? static_cast<size_t>(req.max_bytes) : 0;
  const bool by_id = ctx.version() >= 13;
  for (const auto& t : req.topics) {
    auto& tr = pass.response.responses.emplace_back();
    tr.topic = t.topic;
    tr.topic_id = t.topic_id;
    const metadata::TopicImage* topic = by_id ? broker.image().topic(t.topic_id) : broker.image().topic(t.topic);
    for (const auto& p : t.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = p.partition;
      pr.records = protocol::Records::empty();
      pr.high_watermark = -1;
      pr.log_start_offset = -1;
      auto found = by_id ? find_leader(broker, t.topic_id, p.partition) : find_leader(broker, t.topic, p.partition);
      ErrorCode error = found.error;
      if (found.partition) error = found.partition->check_leader_epoch(p.current_leader_epoch);
      if (error != ErrorCode::kNone) {
        pr.error_code = protocol::code_of(error);
        pass.has_error = true;
        if (error == ErrorCode::kNotLeaderOrFollower || error == ErrorCode::kFencedLeaderEpoch) {
          describe_leader(broker, topic, p.partition, pr, pass.response, ctx);
        }
        continue;
      }
      auto* partition = found.partition;
      if (replica >= 0 && first_pass && !partition->record_follower_fetch(replica, p.fetch_offset)) {
        pr.error_code = protocol::code_of(ErrorCode::kNotLeaderOrFollower);
        pass.has_error = true;
        continue;
      }
      pass.watched.push_back(partition->topic_partition());
      const size_t budget = pass.bytes >= max_bytes ? 0 : max_bytes - pass.bytes;
      const size_t limit = std::min(budget, static_cast<size_t>(std::max(0, p.partition_max_bytes)));
      // KIP-74: the first batch of the first non-empty partition is returned
      // whole even when larger than the limits, so a consumer always progresses.
      auto read = partition->read(p.fetch_offset, limit, /*up_to_log_end=*/replica >= 0, /*min_one_batch=*/pass.bytes == 0);
      pr.high_watermark = read.high_watermark;
      pr.last_stable_offset = partition->last_stable_offset();
      pr.log_start_offset = read.log_start_offset;
      if (req.isolation_level == kReadCommitted) pr.aborted_transactions.emplace();
      if (read.error != ErrorCode::kNone) {
        pr.error_code = protocol::code_of(read.error);
        pass.has_error = true;
        continue;
      }
      pass.bytes += read.records.size();
      if (read.records.size() > 0 && replica < 0) {
        broker.metrics().bytes_out(t.topic.empty() ? topic->name : t.topic, static_cast<double>(read.records.size()));
      }
      pr.records = std::move(read.records);
    }
  }
  return pass;
}

}  // namespace

awaitable<FetchResponse> handle_fetch(RequestContext& ctx, protocol::FetchRequest& req) {
  if (ctx.version() >= 7 && req.session_id != 0) {
    FetchResponse resp;
    resp.error_code = protocol::code_of(ErrorCode::kFetchSessionIdNotFound);
    co_return resp;
  }
  const int32_t replica = ctx.version() >= 15 ? req.replica_state.replica_id : req.replica_id;
  if (replica >= 0 && !ctx.broker.image().broker(replica)) {
    FetchResponse resp;
    resp.error_code = protocol::code_of(ErrorCode::kUnknownServerError);  // not a registered broker
    co_return resp;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, req.max_wait_ms));
  bool first_pass = true;
  while (true) {
    FetchPass pass = read_all(ctx, req, replica, first_pass);
    first_pass = false;
    const bool enough = pass.bytes >= static_cast<size_t>(std::max(0, req.min_bytes));
    if (enough || pass.has_error || pass.watched.empty() || std::chrono::steady_clock::now() >= deadline ||
        ctx.broker.stopping()) {
      pass.response.session_id = 0;  // no fetch session
      co_return std::move(pass.response);
    }
    co_await wait_for_change(ctx.broker, pass.watched, deadline);
  }
}

}  // namespace kappa::broker

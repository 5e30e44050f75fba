#include "broker/replica_fetcher.h"

#include <fmt/format.h>

#include "broker/broker.h"
#include "kappa/async/spawn.h"
#include "kappa/common/log.h"
#include "kappa/protocol/msg/fetch.h"
#include "kappa/protocol/msg/offset_for_leader_epoch.h"
#include "kappa/protocol/record_batch.h"

namespace kappa::broker {
namespace {

using protocol::ErrorCode;
constexpr int16_t kFetchVersion = 11;              // replica id, topic names
constexpr int16_t kOffsetForLeaderEpochVersion = 3;  // replica id

auto& log() {
  static auto logger = logging::get("replication");
  return logger;
}

std::vector<replication::Partition*> followed_from(Broker& broker, int32_t leader) {
  std::vector<replication::Partition*> out;
  for (auto& [tp, p] : broker.replicas().partitions()) {
    if (p->is_follower() && p->state().leader == leader) out.push_back(p.get());
  }
  return out;
}

}  // namespace

void ReplicaFetcherManager::reconcile() {
  if (stopped_) return;
  std::set<int32_t> leaders;
  for (auto& [tp, p] : broker_.replicas().partitions()) {
    if (p->is_follower() && p->state().leader >= 0) leaders.insert(p->state().leader);
  }
  for (int32_t leader : leaders) {
    if (!running_.insert(leader).second) continue;
    asio::co_spawn(broker_.io(), run(leader), [this, leader](std::exception_ptr e) {
      running_.erase(leader);
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          log()->error("fetcher for leader {} failed: {}", leader, ex.what());
        }
      }
      reconcile();  // anything still to follow gets a fresh fetcher
    });
  }
}

void ReplicaFetcherManager::stop() {
  stopped_ = true;
  auto fetchers = interruptible_;  // closing may resume a fetcher, which unregisters itself
  for (auto& [leader, f] : fetchers) {
    if (*f.conn) (*f.conn)->close();
    f.backoff->cancel();
  }
}

awaitable<void> ReplicaFetcherManager::run(int32_t leader) {
  const auto& cfg = broker_.config();
  const std::string listener = cfg.get("inter.broker.listener.name");
  const int32_t wait_ms = cfg.get_int("replica.fetch.wait.max.ms");
  const int32_t partition_bytes = cfg.get_int("replica.fetch.max.bytes");
  std::shared_ptr<client::Connection> conn;
  asio::steady_timer backoff(broker_.io());
  interruptible_[leader] = {&conn, &backoff};
  struct Unregister {
    std::map<int32_t, Interruptible>& map;
    int32_t leader;
    ~Unregister() { map.erase(leader); }
  } unregister{interruptible_, leader};
  auto pause = [&](int ms) -> awaitable<void> {
    backoff.expires_after(std::chrono::milliseconds(ms));
    co_await backoff.async_wait(use_tuple);
  };
  while (!stopped_ && !broker_.stopping()) {
    auto partitions = followed_from(broker_, leader);
    if (partitions.empty()) co_return;
    if (!conn || !conn->is_open()) {
      const auto* b = broker_.image().broker(leader);
      const auto* ep = b ? b->endpoint(listener) : nullptr;
      if (!ep || b->fenced) {
        co_await pause(200);
        continue;
      }
      client::ConnectionOptions options;
      options.client_id = fmt::format("kappa-replica-{}", broker_.node_id());
      options.request_timeout = std::chrono::milliseconds(wait_ms + 10'000);
      client::BrokerAddress address{ep->host, ep->port};  // named: see docs/coroutines.md
      auto c = co_await client::Connection::connect(broker_.io().get_executor(), address, options);
      if (!c) {
        co_await pause(200);
        continue;
      }
      conn = *c;
    }
    // 1. Leader changes: find the divergence point and truncate (KIP-101/279).
    protocol::OffsetForLeaderEpochRequest epochs;
    epochs.replica_id = broker_.node_id();
    // The local epoch asked about and our leader epoch when asking (an answer
    // that arrives after a leadership change is stale).
    std::map<std::pair<std::string, int32_t>, std::pair<int32_t, int32_t>> asked;
    for (auto* p : partitions) {
      if (p->follower_phase() != replication::FollowerPhase::kTruncating) continue;
      const int32_t local = p->latest_local_epoch();
      if (local < 0) {  // nothing of ours to compare: keep what we have, fetch from our end
        (void)p->truncate_after_divergence(-1, {-1, -1});
        continue;
      }
      const auto& tp = p->topic_partition();
      auto& t = epochs.topics.emplace_back();
      t.topic = tp.topic;
      t.partitions.push_back({tp.partition.value(), p->leader_epoch(), local});
      asked[{tp.topic, tp.partition.value()}] = {local, p->leader_epoch()};
    }
    if (!epochs.topics.empty()) {
      auto r = co_await conn->send<protocol::OffsetForLeaderEpochRequest, protocol::OffsetForLeaderEpochResponse>(
          epochs, kOffsetForLeaderEpochVersion);
      if (!r) {
        conn.reset();
        co_await pause(200);
        continue;
      }
      for (const auto& t : r->topics) {
        for (const auto& pr : t.partitions) {
          auto* p = broker_.replicas().get(t.topic, pr.partition);
          auto q = asked.find({t.topic, pr.partition});
          if (!p || !p->is_follower() || pr.error_code != 0 || q == asked.end()) continue;
          // An answer from an earlier leadership says nothing about the current leader's log.
          if (p->state().leader != leader || p->follower_phase() != replication::FollowerPhase::kTruncating) continue;
          const auto [local, in_epoch] = q->second;
          if (auto ec = p->truncate_after_divergence(local, {pr.leader_epoch, pr.end_offset}, in_epoch)) {
            log()->error("[{}-{}] truncation failed: {}", t.topic, pr.partition, ec.message());
          }
        }
      }
    }
    // 2. Fetch everything settled.
    protocol::FetchRequest fetch;
    fetch.replica_id = broker_.node_id();
    fetch.max_wait_ms = wait_ms;
    fetch.min_bytes = 1;
    fetch.max_bytes = 64 << 20;
    fetch.session_epoch = -1;
    // The fetch offset and leader epoch each partition was fetched with.
    std::map<std::pair<std::string, int32_t>, std::pair<int64_t, int32_t>> offsets;
    for (auto* p : partitions) {
      if (p->follower_phase() != replication::FollowerPhase::kFetching) continue;
      const auto& tp = p->topic_partition();
      auto& t = fetch.topics.emplace_back();
      t.topic = tp.topic;
      protocol::FetchRequest::FetchPartition fp;
      fp.partition = tp.partition.value();
      fp.current_leader_epoch = p->leader_epoch();
      fp.fetch_offset = p->log().log_end_offset();
      fp.log_start_offset = p->log().log_start_offset();
      fp.partition_max_bytes = partition_bytes;
      t.partitions.push_back(fp);
      offsets[{tp.topic, fp.partition}] = {fp.fetch_offset, fp.current_leader_epoch};
    }
    if (fetch.topics.empty()) {
      co_await pause(50);  // waiting for leadership metadata to settle
      continue;
    }
    auto r = co_await conn->send<protocol::FetchRequest, protocol::FetchResponse>(fetch, kFetchVersion);
    if (!r || r->error_code != 0) {
      if (!r) conn.reset();
      co_await pause(200);
      continue;
    }
    bool backoff_needed = false;
    for (const auto& t : r->responses) {
      for (const auto& pr : t.partitions) {
        auto* p = broker_.replicas().get(t.topic, pr.partition_index);
        if (!p || !p->is_follower() || p->state().leader != leader) continue;
        auto want = offsets.find({t.topic, pr.partition_index});
        // Changed meanwhile (appended, truncated, or a new leader epoch that
        // must first settle its divergence): this answer is stale.
        if (want == offsets.end() || p->log().log_end_offset() != want->second.first ||
            p->leader_epoch() != want->second.second || p->follower_phase() != replication::FollowerPhase::kFetching) {
          continue;
        }
        if (pr.error_code == protocol::code_of(ErrorCode::kOffsetOutOfRange)) {
          if (pr.log_start_offset > p->log().log_end_offset()) {
            (void)p->restart_at(pr.log_start_offset);
          } else {
            p->resettle_divergence();  // leader behind us: settle the divergence again
          }
          continue;
        }
        if (pr.error_code != 0) {
          backoff_needed = true;  // e.g. a leadership change our metadata has not seen yet
          continue;
        }
        auto bytes = pr.records.bytes();
        const size_t whole = protocol::for_each_batch(bytes, [](std::span<const uint8_t>) {});
        auto e = p->append_as_follower(bytes.first(whole), pr.high_watermark);
        if (e != ErrorCode::kNone) {
          log()->warn("[{}-{}] cannot append the leader's batches: {}", t.topic, pr.partition_index,
                      protocol::error_name(e));
          backoff_needed = true;
          continue;
        }
        if (whole > 0) co_await broker_.flush_if_due(p->shared_log());
      }
    }
    if (backoff_needed) co_await pause(100);
  }
}

}  // namespace kappa::broker

#pragma once
// Client: the cluster-level client. It bootstraps from a list of brokers,
// keeps a metadata cache, pools one Connection per broker node, routes
// requests (to a node, a partition leader, the controller, or any broker)
// and retries retriable failures within a bounded time (retry.h).
//
//   Client client(io.get_executor(), {.bootstrap = *BrokerAddress::parse_list("h1:9092,h2:9092")});
//   if (auto r = co_await client.bootstrap(); !r) fail(r.error());
//   auto leader = co_await client.leader_for("orders", 3);
//
// Admin (admin.h), Producer (producer.h) and Consumer (consumer.h) are built
// on it; inter-broker code can use connection_to(node) directly.
//
// Metadata: refresh_metadata() asks any live broker and merges the answer
// into the cache (a full refresh replaces it). Lookups such as leader_for()
// refresh when the cache is older than metadata_max_age, has been
// invalidated (invalidate_metadata(), called on NOT_LEADER_OR_FOLLOWER and
// friends), or lacks the topic.
//
// Thread-safety and lifetime: not thread-safe; use from the thread running
// `executor`. The Client must outlive every Admin, Producer and Consumer
// built on it and every coroutine using it. Its destructor closes all
// connections, failing pending requests with CLOSED.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/async/async_mutex.h"
#include "kappa/client/broker_address.h"
#include "kappa/client/cluster_metadata.h"
#include "kappa/client/connection.h"
#include "kappa/client/result.h"
#include "kappa/client/retry.h"

namespace kappa::client {

struct ClientOptions {
  std::vector<BrokerAddress> bootstrap;
  ConnectionOptions connection;  // client id, connect and request timeouts
  RetryPolicy retry;             // backoff and total time per operation
  std::chrono::milliseconds metadata_max_age{300'000};
  // Sent in Metadata requests: may the broker create unknown topics?
  bool allow_auto_topic_creation = false;
};

class Client {
 public:
  Client(asio::any_io_executor executor, ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Connects to a bootstrap broker (trying each in turn, with retries until
  // options.retry.total) and loads the metadata of all topics.
  awaitable<Result<void>> bootstrap();

  // The cached snapshot; null before the first successful refresh.
  std::shared_ptr<const ClusterMetadata> metadata() const { return metadata_; }
  // Fetches metadata for `topics` (nullopt: every topic) from any broker.
  // Requested topics that do not exist are dropped from the cache; the
  // result still succeeds (check metadata()->topic()).
  awaitable<Result<std::shared_ptr<const ClusterMetadata>>> refresh_metadata(
      std::optional<std::vector<std::string>> topics);
  awaitable<Result<std::shared_ptr<const ClusterMetadata>>> refresh_metadata() { return refresh_metadata(std::nullopt); }
  // Marks the cache stale: the next lookup refreshes.
  void invalidate_metadata() { stale_ = true; }

  // A topic's metadata, refreshing if needed; UNKNOWN_TOPIC_OR_PARTITION if
  // it does not exist (retried within the retry budget when `wait` is set,
  // for topics that were just created).
  awaitable<Result<TopicInfo>> topic(const std::string& name, bool wait = false);
  // The leader's node id; LEADER_NOT_AVAILABLE / UNKNOWN_TOPIC_OR_PARTITION
  // after the retry budget.
  awaitable<Result<int32_t>> leader_for(const std::string& topic, int32_t partition);

  // Pooled connections. connection_to() connects on first use (and again
  // after a disconnect); concurrent callers share one connect attempt.
  awaitable<Result<std::shared_ptr<Connection>>> connection_to(int32_t node_id);
  // Some open connection (the least busy), else a new one to a known broker
  // or a bootstrap address.
  awaitable<Result<std::shared_ptr<Connection>>> any_connection();
  // The controller as metadata names it (Kafka brokers forward admin
  // requests to the real controller); any broker if none is known.
  awaitable<Result<std::shared_ptr<Connection>>> controller_connection();

  template <typename Req, typename Resp>
  awaitable<Result<Resp>> send_to_node(int32_t node_id, const Req& request, int16_t version = kAutoVersion);
  template <typename Req, typename Resp>
  awaitable<Result<Resp>> send_to_any(const Req& request, int16_t version = kAutoVersion);
  template <typename Req, typename Resp>
  awaitable<Result<Resp>> send_to_controller(const Req& request, int16_t version = kAutoVersion);

  // retry() with this client's policy; on a retriable error that hints at
  // stale leadership the metadata cache is invalidated first.
  template <typename Attempt>
  std::invoke_result_t<Attempt&> with_retries(Attempt attempt);
  // Same, retrying only errors for which should_retry(error) is true.
  template <typename Attempt, typename ShouldRetry>
  std::invoke_result_t<Attempt&> with_retries(Attempt attempt, ShouldRetry should_retry);

  // Closes every connection; later calls fail with CLOSED.
  void close();
  bool closed() const { return closed_; }
  asio::any_io_executor executor() const { return executor_; }
  const ClientOptions& options() const { return options_; }
  // "host:port" of a node (for messages), or "node N" if unknown.
  std::string describe_node(int32_t node_id) const;

 private:
  struct PoolEntry {
    explicit PoolEntry(asio::any_io_executor ex) : lock(ex) {}
    std::shared_ptr<Connection> connection;
    AsyncMutex lock;  // one connect attempt at a time
  };
  awaitable<Result<std::shared_ptr<Connection>>> connect_pooled(std::shared_ptr<PoolEntry> entry,
                                                                BrokerAddress address);
  awaitable<Result<std::shared_ptr<const ClusterMetadata>>> refresh_once(
      const std::optional<std::vector<std::string>>& topics);
  bool fresh() const;
  Error closed_error() const;

  asio::any_io_executor executor_;
  ClientOptions options_;
  std::shared_ptr<const ClusterMetadata> metadata_;
  bool stale_ = true;
  bool closed_ = false;
  std::map<int32_t, std::shared_ptr<PoolEntry>> pool_;
  std::shared_ptr<PoolEntry> bootstrap_entry_;
  size_t next_bootstrap_ = 0;
};

template <typename Req, typename Resp>
awaitable<Result<Resp>> Client::send_to_node(int32_t node_id, const Req& request, int16_t version) {
  auto conn = co_await connection_to(node_id);
  if (!conn) co_return conn.error();
  co_return co_await (*conn)->template send<Req, Resp>(request, version);
}

template <typename Req, typename Resp>
awaitable<Result<Resp>> Client::send_to_any(const Req& request, int16_t version) {
  auto conn = co_await any_connection();
  if (!conn) co_return conn.error();
  co_return co_await (*conn)->template send<Req, Resp>(request, version);
}

template <typename Req, typename Resp>
awaitable<Result<Resp>> Client::send_to_controller(const Req& request, int16_t version) {
  auto conn = co_await controller_connection();
  if (!conn) co_return conn.error();
  co_return co_await (*conn)->template send<Req, Resp>(request, version);
}

template <typename Attempt>
std::invoke_result_t<Attempt&> Client::with_retries(Attempt attempt) {
  return with_retries(std::move(attempt), RetriableErrors{});
}

template <typename Attempt, typename ShouldRetry>
std::invoke_result_t<Attempt&> Client::with_retries(Attempt attempt, ShouldRetry should_retry) {
  return retry(
      executor_, options_.retry, std::move(attempt),
      [this](const Error& e) {
        if (e.needs_metadata_refresh()) invalidate_metadata();
      },
      std::move(should_retry));
}

}  // namespace kappa::client

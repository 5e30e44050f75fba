#include "kappa/client/client.h"

#include <fmt/format.h>

#include "kappa/protocol/msg/metadata.h"

namespace kappa::client {

using protocol::ErrorCode;

namespace {

// GCC 12 rejects braced lists inside coroutine lambdas ("array used as
// initializer"), so small vectors are built here.
std::vector<std::string> just(const std::string& topic) { return std::vector<std::string>(1, topic); }

// `md` names the broker whose metadata said so.
Error unknown_topic(const ClusterMetadata& md, std::string_view topic) {
  return kafka_error(ErrorCode::kUnknownTopicOrPartition, md.source, fmt::format("Topic '{}' does not exist.", topic));
}

Error unknown_partition(const ClusterMetadata& md, std::string_view topic, int32_t partition) {
  return kafka_error(ErrorCode::kUnknownTopicOrPartition, md.source,
                     fmt::format("Topic '{}' has no partition {}.", topic, partition));
}

Error no_leader(const ClusterMetadata& md, std::string_view topic, int32_t partition) {
  return kafka_error(ErrorCode::kLeaderNotAvailable, md.source,
                     fmt::format("Partition {}-{} has no leader.", topic, partition));
}

}  // namespace

Client::Client(asio::any_io_executor executor, ClientOptions options)
    : executor_(std::move(executor)), options_(std::move(options)) {}

Client::~Client() { close(); }

void Client::close() {
  closed_ = true;
  for (auto& [id, entry] : pool_) {
    if (entry->connection) entry->connection->close();
  }
  if (bootstrap_entry_ && bootstrap_entry_->connection) bootstrap_entry_->connection->close();
}

Error Client::closed_error() const { return client_error(ClientErrc::kClosed, "", "the client is closed"); }

std::string Client::describe_node(int32_t node_id) const {
  const BrokerInfo* b = metadata_ ? metadata_->broker(node_id) : nullptr;
  return b ? b->address().to_string() : fmt::format("node {}", node_id);
}

bool Client::fresh() const {
  return metadata_ && !stale_ &&
         std::chrono::steady_clock::now() - metadata_->fetched_at < options_.metadata_max_age;
}

awaitable<Result<void>> Client::bootstrap() {
  if (options_.bootstrap.empty()) {
    co_return client_error(ClientErrc::kInvalidArgument, "", "no bootstrap brokers given");
  }
  auto r = co_await with_retries([this]() { return refresh_metadata(); });
  if (!r) co_return r.error();
  co_return ok();
}

awaitable<Result<std::shared_ptr<Connection>>> Client::connect_pooled(std::shared_ptr<PoolEntry> entry,
                                                                      BrokerAddress address) {
  auto guard = co_await entry->lock.lock();
  if (closed_) co_return closed_error();
  if (entry->connection && entry->connection->is_open() && entry->connection->address() == address) {
    co_return entry->connection;
  }
  auto conn = co_await Connection::connect(executor_, address, options_.connection);
  if (!conn) co_return conn.error();
  if (closed_) {
    (*conn)->close();
    co_return closed_error();
  }
  entry->connection = *conn;
  co_return *conn;
}

awaitable<Result<std::shared_ptr<Connection>>> Client::connection_to(int32_t node_id) {
  if (closed_) co_return closed_error();
  const BrokerInfo* broker = metadata_ ? metadata_->broker(node_id) : nullptr;
  if (!broker) {
    auto r = co_await refresh_metadata();
    if (!r) co_return r.error();
    broker = (*r)->broker(node_id);
    if (!broker) {
      co_return kafka_error(ErrorCode::kBrokerNotAvailable, "",
                            fmt::format("broker node {} is not in the cluster metadata", node_id));
    }
  }
  BrokerAddress address = broker->address();
  auto& entry = pool_[node_id];
  if (!entry) entry = std::make_shared<PoolEntry>(executor_);
  if (entry->connection && entry->connection->is_open() && entry->connection->address() == address) {
    co_return entry->connection;
  }
  co_return co_await connect_pooled(entry, std::move(address));
}

awaitable<Result<std::shared_ptr<Connection>>> Client::any_connection() {
  if (closed_) co_return closed_error();
  std::shared_ptr<Connection> best;
  for (const auto& [id, entry] : pool_) {
    const auto& c = entry->connection;
    if (c && c->is_open() && (!best || c->in_flight() < best->in_flight())) best = c;
  }
  if (!best && bootstrap_entry_ && bootstrap_entry_->connection && bootstrap_entry_->connection->is_open()) {
    best = bootstrap_entry_->connection;
  }
  if (best) co_return best;
  // Nothing open: known brokers first, then the bootstrap list, in turn.
  std::optional<Error> last;
  if (auto md = metadata_) {  // a snapshot: the cache may change while we connect
    for (const auto& [id, info] : md->brokers) {
      auto c = co_await connection_to(id);
      if (c) co_return c;
      last = c.error();
    }
  }
  if (!bootstrap_entry_) bootstrap_entry_ = std::make_shared<PoolEntry>(executor_);
  for (size_t i = 0; i < options_.bootstrap.size(); ++i) {
    const BrokerAddress& address = options_.bootstrap[next_bootstrap_++ % options_.bootstrap.size()];
    auto c = co_await connect_pooled(bootstrap_entry_, address);
    if (c) co_return c;
    last = c.error();
  }
  if (last) co_return *last;
  co_return client_error(ClientErrc::kConnectFailed, "", "no broker to connect to");
}

awaitable<Result<std::shared_ptr<Connection>>> Client::controller_connection() {
  if (!metadata_) {
    auto r = co_await refresh_metadata();
    if (!r) co_return r.error();
  }
  const int32_t controller = metadata_->controller_id;
  if (controller >= 0 && metadata_->broker(controller)) co_return co_await connection_to(controller);
  co_return co_await any_connection();
}

awaitable<Result<std::shared_ptr<const ClusterMetadata>>> Client::refresh_once(
    const std::optional<std::vector<std::string>>& topics) {
  auto conn = co_await any_connection();
  if (!conn) co_return conn.error();
  auto version = (*conn)->choose_version(protocol::ApiKey::kMetadata);
  if (!version) co_return version.error();
  protocol::MetadataRequest request;
  if (topics) {
    request.topics.emplace();
    for (const auto& name : *topics) {
      protocol::MetadataRequest::MetadataRequestTopic t;
      t.name = name;
      request.topics->push_back(std::move(t));
    }
  } else if (*version == 0) {
    request.topics.emplace();  // v0: an empty list means every topic
  }
  request.allow_auto_topic_creation = options_.allow_auto_topic_creation;
  auto response = co_await (*conn)->send<protocol::MetadataRequest, protocol::MetadataResponse>(request, *version);
  if (!response) co_return response.error();
  std::map<std::string, int16_t> errors;
  ClusterMetadata fresh_md = ClusterMetadata::from_response(*response, &errors);
  fresh_md.source = (*conn)->broker();
  if (fresh_md.brokers.empty()) {
    co_return kafka_error(ErrorCode::kBrokerNotAvailable, (*conn)->broker(), "metadata lists no brokers");
  }
  std::vector<std::string> missing;
  for (const auto& [name, code] : errors) missing.push_back(name);
  if (topics && metadata_) fresh_md = metadata_->merged_with(fresh_md, missing);
  stale_ = false;
  metadata_ = std::make_shared<const ClusterMetadata>(std::move(fresh_md));
  co_return metadata_;
}

awaitable<Result<std::shared_ptr<const ClusterMetadata>>> Client::refresh_metadata(
    std::optional<std::vector<std::string>> topics) {
  if (closed_) co_return closed_error();
  co_return co_await refresh_once(topics);
}

awaitable<Result<TopicInfo>> Client::topic(const std::string& name, bool wait) {
  auto attempt = [this, &name]() -> awaitable<Result<TopicInfo>> {
    if (!fresh() || !metadata_->topic(name)) {
      auto r = co_await refresh_metadata(just(name));
      if (!r) co_return r.error();
    }
    const TopicInfo* t = metadata_->topic(name);
    if (!t) {
      co_return unknown_topic(*metadata_, name);
    }
    co_return *t;
  };
  if (!wait) co_return co_await attempt();
  co_return co_await with_retries(attempt);
}

awaitable<Result<int32_t>> Client::leader_for(const std::string& topic_name, int32_t partition) {
  co_return co_await with_retries([this, &topic_name, &partition]() -> awaitable<Result<int32_t>> {
    if (!fresh() || !metadata_->leader_for(topic_name, partition)) {
      auto r = co_await refresh_metadata(just(topic_name));
      if (!r) co_return r.error();
    }
    const TopicInfo* t = metadata_->topic(topic_name);
    if (!t) {
      co_return unknown_topic(*metadata_, topic_name);
    }
    const PartitionInfo* p = t->partition(partition);
    if (!p) {
      co_return unknown_partition(*metadata_, topic_name, partition);
    }
    if (!p->has_leader()) {
      co_return no_leader(*metadata_, topic_name, partition);
    }
    co_return p->leader;
  });
}

}  // namespace kappa::client

#include "kappa/client/admin.h"

#include <fmt/format.h>

#include "kappa/protocol/msg/create_partitions.h"
#include "kappa/protocol/msg/create_topics.h"
#include "kappa/protocol/msg/delete_topics.h"
#include "kappa/protocol/msg/describe_cluster.h"
#include "kappa/protocol/msg/describe_configs.h"
#include "kappa/protocol/msg/incremental_alter_configs.h"
#include "kappa/protocol/msg/list_offsets.h"

namespace kappa::client {
namespace {

using namespace protocol;

// The timeout the broker applies to the operation (CreateTopics etc.).
int32_t broker_timeout_ms(const Client& client) {
  return static_cast<int32_t>(client.options().connection.request_timeout.count());
}

// Kafka error in a response, or ok.
Result<void> check(int16_t code, const std::optional<std::string>& message, const std::string& broker) {
  if (code == 0) return ok();
  return kafka_error(code, broker, message);
}

CreateTopicsRequest create_request(const NewTopic& t, bool validate_only, int32_t timeout_ms) {
  CreateTopicsRequest::CreatableTopic ct;
  ct.name = t.name;
  ct.num_partitions = t.partitions;
  ct.replication_factor = t.replication_factor;
  for (const auto& [k, v] : t.configs) ct.configs.push_back({k, v});
  CreateTopicsRequest req;
  req.topics.push_back(std::move(ct));
  req.timeout_ms = timeout_ms;
  req.validate_only = validate_only;
  return req;
}

awaitable<Result<void>> create_once(Client& client, const NewTopic& t, bool validate_only) {
  auto conn = co_await client.controller_connection();
  if (!conn) co_return conn.error();
  auto resp = co_await (*conn)->send<CreateTopicsRequest, CreateTopicsResponse>(
      create_request(t, validate_only, broker_timeout_ms(client)));
  if (!resp) co_return resp.error();
  for (const auto& r : resp->topics) {
    if (r.name == t.name) co_return check(r.error_code, r.error_message, (*conn)->broker());
  }
  co_return ok();
}

awaitable<Result<void>> delete_once(Client& client, const std::string& name) {
  auto conn = co_await client.controller_connection();
  if (!conn) co_return conn.error();
  DeleteTopicsRequest req;
  req.topic_names.push_back(name);     // v1-5
  req.topics.push_back({name, Uuid{}});  // v6+
  req.timeout_ms = broker_timeout_ms(client);
  auto resp = co_await (*conn)->send<DeleteTopicsRequest, DeleteTopicsResponse>(req);
  if (!resp) co_return resp.error();
  for (const auto& r : resp->responses) {
    if (r.name == name) co_return check(r.error_code, r.error_message, (*conn)->broker());
  }
  co_return ok();
}

awaitable<Result<void>> grow_once(Client& client, const std::string& topic, int32_t count) {
  auto conn = co_await client.controller_connection();
  if (!conn) co_return conn.error();
  CreatePartitionsRequest req;
  req.topics.push_back({topic, count, std::nullopt});
  req.timeout_ms = broker_timeout_ms(client);
  auto resp = co_await (*conn)->send<CreatePartitionsRequest, CreatePartitionsResponse>(req);
  if (!resp) co_return resp.error();
  for (const auto& r : resp->results) {
    if (r.name == topic) co_return check(r.error_code, r.error_message, (*conn)->broker());
  }
  co_return ok();
}

// Broker configs must be asked of (and changed on) that broker.
awaitable<Result<std::shared_ptr<Connection>>> config_connection(Client& client, ConfigResource type,
                                                                 const std::string& name) {
  if (type == ConfigResource::kBroker && !name.empty()) {
    try {
      co_return co_await client.connection_to(std::stoi(name));
    } catch (const std::exception&) {
    }
  }
  co_return co_await client.any_connection();
}

awaitable<Result<std::vector<ConfigEntry>>> describe_once(Client& client, ConfigResource type,
                                                          const std::string& name) {
  auto conn = co_await config_connection(client, type, name);
  if (!conn) co_return conn.error();
  DescribeConfigsRequest req;
  req.resources.push_back({static_cast<int8_t>(type), name, std::nullopt});
  auto resp = co_await (*conn)->send<DescribeConfigsRequest, DescribeConfigsResponse>(req);
  if (!resp) co_return resp.error();
  std::vector<ConfigEntry> out;
  for (const auto& r : resp->results) {
    if (auto c = check(r.error_code, r.error_message, (*conn)->broker()); !c) co_return c.error();
    for (const auto& e : r.configs) {
      out.push_back({e.name, e.value, static_cast<ConfigSource>(e.config_source), e.read_only, e.is_sensitive});
    }
  }
  co_return out;
}

awaitable<Result<void>> alter_once(Client& client, ConfigResource type, const std::string& name,
                                   const std::vector<ConfigChange>& changes) {
  auto conn = co_await config_connection(client, type, name);
  if (!conn) co_return conn.error();
  IncrementalAlterConfigsRequest::AlterConfigsResource resource;
  resource.resource_type = static_cast<int8_t>(type);
  resource.resource_name = name;
  for (const auto& c : changes) {
    resource.configs.push_back({c.name, static_cast<int8_t>(c.op), c.op == ConfigOp::kDelete ? std::nullopt : c.value});
  }
  IncrementalAlterConfigsRequest req;
  req.resources.push_back(std::move(resource));
  auto resp = co_await (*conn)->send<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(req);
  if (!resp) co_return resp.error();
  for (const auto& r : resp->responses) {
    if (auto c = check(r.error_code, r.error_message, (*conn)->broker()); !c) co_return c.error();
  }
  co_return ok();
}

awaitable<Result<ClusterDescription>> cluster_once(Client& client) {
  auto conn = co_await client.any_connection();
  if (!conn) co_return conn.error();
  if ((*conn)->supports(ApiKey::kDescribeCluster)) {
    DescribeClusterRequest req;
    auto resp = co_await (*conn)->send<DescribeClusterRequest, DescribeClusterResponse>(req);
    if (!resp) co_return resp.error();
    if (auto c = check(resp->error_code, resp->error_message, (*conn)->broker()); !c) co_return c.error();
    ClusterDescription out{resp->cluster_id, resp->controller_id, {}};
    for (const auto& b : resp->brokers) out.brokers.push_back({b.broker_id, b.host, b.port, b.rack});
    co_return out;
  }
  auto md = co_await client.refresh_metadata();
  if (!md) co_return md.error();
  ClusterDescription out{(*md)->cluster_id, (*md)->controller_id, {}};
  for (const auto& [id, b] : (*md)->brokers) out.brokers.push_back(b);
  co_return out;
}

// One ListOffsets round: every leader asked in turn; a retriable error on
// any partition fails the round (and the caller retries it whole).
awaitable<Result<std::map<int32_t, ListedOffset>>> offsets_once(Client& client, const std::string& topic,
                                                               const std::vector<int32_t>& wanted,
                                                               OffsetQuery query) {
  auto info = co_await client.topic(topic);
  if (!info) co_return info.error();
  std::vector<int32_t> partitions = wanted;
  if (partitions.empty()) {
    for (const auto& p : info->partitions) partitions.push_back(p.partition);
  }
  std::map<int32_t, std::vector<int32_t>> by_leader;
  for (int32_t p : partitions) {
    auto leader = co_await client.leader_for(topic, p);
    if (!leader) co_return leader.error();
    by_leader[*leader].push_back(p);
  }
  std::map<int32_t, ListedOffset> out;
  for (const auto& [leader, parts] : by_leader) {
    ListOffsetsRequest req;
    req.replica_id = -1;  // a consumer, not a follower
    ListOffsetsRequest::ListOffsetsTopic t;
    t.name = topic;
    for (int32_t p : parts) t.partitions.push_back({p, -1, query.timestamp});
    req.topics.push_back(std::move(t));
    auto conn = co_await client.connection_to(leader);
    if (!conn) co_return conn.error();
    auto resp = co_await (*conn)->send<ListOffsetsRequest, ListOffsetsResponse>(req);
    if (!resp) co_return resp.error();
    for (const auto& rt : resp->topics) {
      for (const auto& rp : rt.partitions) {
        if (rp.error_code != 0) {
          co_return kafka_error(rp.error_code, (*conn)->broker(),
                                fmt::format("ListOffsets for {}-{} failed", topic, rp.partition_index));
        }
        out[rp.partition_index] = {rp.offset, rp.timestamp, rp.leader_epoch};
      }
    }
  }
  co_return out;
}

// What an admin mutation retries: routing and transport failures. A
// per-resource answer such as UNKNOWN_TOPIC_OR_PARTITION or
// TOPIC_ALREADY_EXISTS is the controller's verdict, not a transient state.
bool admin_retriable(const Error& e) {
  if (e.code.category() == client_category()) return e.retriable();
  return e.is(ErrorCode::kNotController) || e.is(ErrorCode::kThrottlingQuotaExceeded) ||
         e.is(ErrorCode::kCoordinatorNotAvailable);
}

}  // namespace

awaitable<Result<void>> Admin::create_topic(const NewTopic& topic, bool validate_only) {
  co_return co_await client_.with_retries([&] { return create_once(client_, topic, validate_only); }, admin_retriable);
}

awaitable<Result<void>> Admin::delete_topic(const std::string& name) {
  co_return co_await client_.with_retries([&] { return delete_once(client_, name); }, admin_retriable);
}

awaitable<Result<void>> Admin::create_partitions(const std::string& topic, int32_t total_count) {
  co_return co_await client_.with_retries([&] { return grow_once(client_, topic, total_count); }, admin_retriable);
}

awaitable<Result<std::vector<ConfigEntry>>> Admin::describe_configs(ConfigResource type, const std::string& name) {
  co_return co_await client_.with_retries([&] { return describe_once(client_, type, name); }, admin_retriable);
}

awaitable<Result<void>> Admin::alter_configs(ConfigResource type, const std::string& name,
                                             const std::vector<ConfigChange>& changes) {
  co_return co_await client_.with_retries([&] { return alter_once(client_, type, name, changes); }, admin_retriable);
}

awaitable<Result<ClusterDescription>> Admin::describe_cluster() {
  co_return co_await client_.with_retries([&] { return cluster_once(client_); });
}

awaitable<Result<std::map<int32_t, ListedOffset>>> Admin::list_offsets(const std::string& topic,
                                                                      std::vector<int32_t> partitions,
                                                                      OffsetQuery query) {
  co_return co_await client_.with_retries([&] { return offsets_once(client_, topic, partitions, query); });
}

}  // namespace kappa::client

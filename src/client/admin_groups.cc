// Admin: consumer-group operations (FindCoordinator, ListGroups,
// DescribeGroups / ConsumerGroupDescribe, OffsetFetch, OffsetCommit,
// DeleteGroups).
#include <algorithm>

#include <fmt/format.h>

#include "kappa/client/admin.h"
#include "kappa/client/consumer_protocol.h"
#include "kappa/protocol/msg/consumer_group_describe.h"
#include "kappa/protocol/msg/delete_groups.h"
#include "kappa/protocol/msg/describe_groups.h"
#include "kappa/protocol/msg/find_coordinator.h"
#include "kappa/protocol/msg/list_groups.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "kappa/protocol/msg/offset_fetch.h"

namespace kappa::client {
namespace {

using namespace protocol;

// Errors worth another round: transport failures, coordinator moves and loads.
bool group_retriable(const Error& e) {
  if (e.code.category() == client_category()) return e.retriable();
  return e.is(ErrorCode::kNotCoordinator) || e.is(ErrorCode::kCoordinatorNotAvailable) ||
         e.is(ErrorCode::kCoordinatorLoadInProgress) || e.retriable();
}

awaitable<Result<int32_t>> find_group_coordinator(Client& client, const std::string& group) {
  auto conn = co_await client.any_connection();
  if (!conn) co_return conn.error();
  FindCoordinatorRequest req;
  req.key = group;
  req.key_type = 0;
  req.coordinator_keys.push_back(group);
  auto resp = co_await (*conn)->send<FindCoordinatorRequest, FindCoordinatorResponse>(req);
  if (!resp) co_return resp.error();
  int16_t error = resp->error_code;
  std::optional<std::string> message = resp->error_message;
  int32_t node = resp->node_id;
  if (!resp->coordinators.empty()) {
    error = resp->coordinators.front().error_code;
    message = resp->coordinators.front().error_message;
    node = resp->coordinators.front().node_id;
  }
  if (error != 0) co_return kafka_error(error, (*conn)->broker(), message);
  if (!client.metadata() || !client.metadata()->broker(node)) {
    auto md = co_await client.refresh_metadata();
    if (!md) co_return md.error();
  }
  co_return node;
}

awaitable<Result<std::vector<GroupListing>>> list_once(Client& client) {
  auto md = co_await client.refresh_metadata();
  if (!md) co_return md.error();
  std::vector<GroupListing> out;
  for (const auto& [id, broker] : (*md)->brokers) {
    ListGroupsRequest req;
    auto resp = co_await client.send_to_node<ListGroupsRequest, ListGroupsResponse>(id, req);
    if (!resp) co_return resp.error();
    if (resp->error_code != 0) co_return kafka_error(resp->error_code, client.describe_node(id));
    for (const auto& g : resp->groups) out.push_back({g.group_id, g.protocol_type, g.group_state, g.group_type});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.group_id < b.group_id; });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.group_id == b.group_id; }),
            out.end());
  co_return out;
}

awaitable<Result<GroupDescription>> describe_once(Client& client, const std::string& group) {
  auto node = co_await find_group_coordinator(client, group);
  if (!node) co_return node.error();
  auto conn = co_await client.connection_to(*node);
  if (!conn) co_return conn.error();
  GroupDescription out;
  out.group_id = group;
  out.coordinator = *node;
  if ((*conn)->supports(ApiKey::kConsumerGroupDescribe)) {
    ConsumerGroupDescribeRequest req;
    req.group_ids.push_back(group);
    auto resp = co_await (*conn)->send<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>(req);
    if (!resp) co_return resp.error();
    if (resp->groups.empty()) co_return client_error(ClientErrc::kMalformedResponse, (*conn)->broker(), "no group in ConsumerGroupDescribe response");
    const auto& g = resp->groups.front();
    if (g.error_code == 0) {
      out.type = "consumer";
      out.state = g.group_state;
      out.protocol_type = kConsumerProtocolType;
      out.protocol = g.assignor_name;
      out.epoch = g.group_epoch;
      for (const auto& m : g.members) {
        GroupMemberDescription d;
        d.member_id = m.member_id;
        d.instance_id = m.instance_id;
        d.client_id = m.client_id;
        d.client_host = m.client_host;
        d.member_epoch = m.member_epoch;
        for (const auto& t : m.assignment.topic_partitions) {
          for (int32_t p : t.partitions) d.assignment.push_back({t.topic_name, p});
        }
        std::sort(d.assignment.begin(), d.assignment.end());
        out.members.push_back(std::move(d));
      }
      co_return out;
    }
    if (g.error_code != code_of(ErrorCode::kGroupIdNotFound) && g.error_code != code_of(ErrorCode::kUnsupportedVersion)) {
      co_return kafka_error(g.error_code, (*conn)->broker(), g.error_message);
    }
  }
  DescribeGroupsRequest req;
  req.groups.push_back(group);
  auto resp = co_await (*conn)->send<DescribeGroupsRequest, DescribeGroupsResponse>(req);
  if (!resp) co_return resp.error();
  if (resp->groups.empty()) co_return client_error(ClientErrc::kMalformedResponse, (*conn)->broker(), "no group in DescribeGroups response");
  const auto& g = resp->groups.front();
  if (g.error_code != 0) co_return kafka_error(g.error_code, (*conn)->broker());
  out.type = "classic";
  out.state = g.group_state;
  out.protocol_type = g.protocol_type;
  out.protocol = g.protocol_data;
  for (const auto& m : g.members) {
    GroupMemberDescription d;
    d.member_id = m.member_id;
    d.instance_id = m.group_instance_id;
    d.client_id = m.client_id;
    d.client_host = m.client_host;
    if (g.protocol_type == kConsumerProtocolType) {
      if (auto a = decode_assignment(m.member_assignment)) d.assignment = std::move(*a);
      std::sort(d.assignment.begin(), d.assignment.end());
    }
    out.members.push_back(std::move(d));
  }
  co_return out;
}

awaitable<Result<std::map<TopicPartition, int64_t>>> fetch_once(Client& client, const std::string& group) {
  auto node = co_await find_group_coordinator(client, group);
  if (!node) co_return node.error();
  auto conn = co_await client.connection_to(*node);
  if (!conn) co_return conn.error();
  OffsetFetchRequest req;
  req.group_id = group;
  req.topics = std::nullopt;  // every topic (v2-7)
  OffsetFetchRequest::OffsetFetchRequestGroup g;
  g.group_id = group;
  g.topics = std::nullopt;  // every topic (v8+)
  req.groups.push_back(std::move(g));
  auto resp = co_await (*conn)->send<OffsetFetchRequest, OffsetFetchResponse>(req);
  if (!resp) co_return resp.error();
  std::map<TopicPartition, int64_t> out;
  auto take = [&](const std::string& topic, int32_t partition, int64_t offset, int16_t error) -> std::optional<Error> {
    if (error != 0) return kafka_error(error, (*conn)->broker(), fmt::format("OffsetFetch for {}-{}", topic, partition));
    if (offset >= 0) out[TopicPartition{topic, partition}] = offset;
    return std::nullopt;
  };
  if (resp->error_code != 0) co_return kafka_error(resp->error_code, (*conn)->broker());
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) {
      if (auto e = take(t.name, p.partition_index, p.committed_offset, p.error_code)) co_return *e;
    }
  }
  for (const auto& rg : resp->groups) {
    if (rg.error_code != 0) co_return kafka_error(rg.error_code, (*conn)->broker());
    for (const auto& t : rg.topics) {
      for (const auto& p : t.partitions) {
        if (auto e = take(t.name, p.partition_index, p.committed_offset, p.error_code)) co_return *e;
      }
    }
  }
  co_return out;
}

awaitable<Result<void>> commit_once(Client& client, const std::string& group,
                                    const std::map<TopicPartition, int64_t>& offsets) {
  auto node = co_await find_group_coordinator(client, group);
  if (!node) co_return node.error();
  auto conn = co_await client.connection_to(*node);
  if (!conn) co_return conn.error();
  OffsetCommitRequest req;
  req.group_id = group;
  req.generation_id_or_member_epoch = -1;
  req.member_id = "";
  for (const auto& [tp, offset] : offsets) {
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      OffsetCommitRequest::OffsetCommitRequestTopic t;
      t.name = tp.topic;
      req.topics.push_back(std::move(t));
    }
    OffsetCommitRequest::OffsetCommitRequestPartition p;
    p.partition_index = tp.partition;
    p.committed_offset = offset;
    req.topics.back().partitions.push_back(std::move(p));
  }
  auto resp = co_await (*conn)->send<OffsetCommitRequest, OffsetCommitResponse>(req);
  if (!resp) co_return resp.error();
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) {
      if (p.error_code != 0) {
        co_return kafka_error(p.error_code, (*conn)->broker(),
                              fmt::format("OffsetCommit for {}-{} failed", t.name, p.partition_index));
      }
    }
  }
  co_return ok();
}

awaitable<Result<void>> delete_once(Client& client, const std::string& group) {
  auto node = co_await find_group_coordinator(client, group);
  if (!node) co_return node.error();
  DeleteGroupsRequest req;
  req.groups_names.push_back(group);
  auto resp = co_await client.send_to_node<DeleteGroupsRequest, DeleteGroupsResponse>(*node, req);
  if (!resp) co_return resp.error();
  for (const auto& r : resp->results) {
    if (r.error_code != 0) co_return kafka_error(r.error_code, client.describe_node(*node));
  }
  co_return ok();
}

}  // namespace

awaitable<Result<int32_t>> Admin::find_coordinator(const std::string& group) {
  co_return co_await client_.with_retries([&] { return find_group_coordinator(client_, group); }, group_retriable);
}

awaitable<Result<std::vector<GroupListing>>> Admin::list_groups() {
  co_return co_await client_.with_retries([&] { return list_once(client_); }, group_retriable);
}

awaitable<Result<GroupDescription>> Admin::describe_group(const std::string& group) {
  co_return co_await client_.with_retries([&] { return describe_once(client_, group); }, group_retriable);
}

awaitable<Result<std::map<TopicPartition, int64_t>>> Admin::fetch_offsets(const std::string& group) {
  co_return co_await client_.with_retries([&] { return fetch_once(client_, group); }, group_retriable);
}

awaitable<Result<void>> Admin::commit_offsets(const std::string& group,
                                              const std::map<TopicPartition, int64_t>& offsets) {
  co_return co_await client_.with_retries([&] { return commit_once(client_, group, offsets); }, group_retriable);
}

awaitable<Result<void>> Admin::delete_group(const std::string& group) {
  co_return co_await client_.with_retries([&] { return delete_once(client_, group); }, group_retriable);
}

}  // namespace kappa::client

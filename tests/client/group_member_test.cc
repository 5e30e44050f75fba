// GroupMember (KIP-848) against FakeCluster with a scripted coordinator:
// joining, reconciling an assignment (revoke first, commit, acknowledge at
// once), starting at committed offsets, leaving with epoch -1.
#include "kappa/client/group_member.h"

#include <gtest/gtest.h>

#include "client/fake_cluster.h"
#include "kappa/protocol/msg/consumer_group_heartbeat.h"
#include "kappa/protocol/msg/find_coordinator.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "kappa/protocol/msg/offset_fetch.h"

namespace kappa::client {
namespace {

using namespace std::chrono_literals;
using namespace protocol;
using testing::FakeCluster;
using testing::FakeReply;
using testing::FakeRequest;
using testing::run_on;

ConsumerGroupHeartbeatResponse::Assignment assignment_of(std::vector<int32_t> partitions) {
  ConsumerGroupHeartbeatResponse::Assignment a;
  ConsumerGroupHeartbeatResponse::TopicPartitions t;
  t.topic_id = Uuid{};  // FakeCluster topics have the zero id
  t.partitions = std::move(partitions);
  a.topic_partitions.push_back(std::move(t));
  return a;
}

std::vector<int32_t> owned_partitions(const ConsumerGroupHeartbeatRequest& r) {
  std::vector<int32_t> out;
  if (!r.topic_partitions) return out;
  for (const auto& t : *r.topic_partitions) out.insert(out.end(), t.partitions.begin(), t.partitions.end());
  std::sort(out.begin(), out.end());
  return out;
}

class GroupMemberTest : public ::testing::Test {
 protected:
  GroupMemberTest() {
    cluster.add_topic("t", 4);
    auto base = cluster.broker.handler;
    cluster.broker.handler = [this, base](const FakeRequest& req) { return handle(req, base); };
  }

  static ClientOptions options_for(const BrokerAddress& address) {
    ClientOptions o;
    o.bootstrap = {address};
    o.retry.backoff = 10ms;
    o.retry.total = 1s;
    return o;
  }

  FakeReply handle(const FakeRequest& req, const std::function<FakeReply(const FakeRequest&)>& base) {
    const int16_t v = req.header.api_version;
    order.push_back(static_cast<ApiKey>(req.header.api_key));
    switch (static_cast<ApiKey>(req.header.api_key)) {
      case ApiKey::kFindCoordinator: {
        FindCoordinatorResponse r;
        if (v >= 4) {
          r.coordinators.push_back({"g", 1, "127.0.0.1", cluster.broker.port(), 0, std::nullopt});
        } else {
          r.node_id = 1;
          r.host = "127.0.0.1";
          r.port = cluster.broker.port();
        }
        return FakeReply::with(r, v);
      }
      case ApiKey::kConsumerGroupHeartbeat: {
        heartbeats.push_back(req.decode<ConsumerGroupHeartbeatRequest>());
        ConsumerGroupHeartbeatResponse r = script.at(std::min(heartbeats.size(), script.size()) - 1);
        return FakeReply::with(r, v);
      }
      case ApiKey::kOffsetFetch: {
        OffsetFetchResponse r;
        if (v >= 8) {
          OffsetFetchResponse::OffsetFetchResponseGroup g;
          g.group_id = "g";
          OffsetFetchResponse::OffsetFetchResponseTopics t;
          t.name = "t";
          OffsetFetchResponse::OffsetFetchResponsePartitions p;
          p.partition_index = 0;
          p.committed_offset = 2;
          t.partitions.push_back(p);
          g.topics.push_back(std::move(t));
          r.groups.push_back(std::move(g));
        } else {
          OffsetFetchResponse::OffsetFetchResponseTopic t;
          t.name = "t";
          OffsetFetchResponse::OffsetFetchResponsePartition p;
          p.partition_index = 0;
          p.committed_offset = 2;
          t.partitions.push_back(p);
          r.topics.push_back(std::move(t));
        }
        return FakeReply::with(r, v);
      }
      case ApiKey::kOffsetCommit: {
        auto c = req.decode<OffsetCommitRequest>();
        OffsetCommitResponse r;
        for (const auto& t : c.topics) {
          OffsetCommitResponse::OffsetCommitResponseTopic rt;
          rt.name = t.name;
          for (const auto& p : t.partitions) rt.partitions.push_back({p.partition_index, 0});
          r.topics.push_back(std::move(rt));
        }
        commits.push_back(std::move(c));
        return FakeReply::with(r, v);
      }
      default: return base(req);
    }
  }

  static ConsumerGroupHeartbeatResponse reply(int32_t epoch, std::optional<std::vector<int32_t>> assigned,
                                               int32_t interval_ms = 60'000) {
    ConsumerGroupHeartbeatResponse r;
    r.member_epoch = epoch;
    r.heartbeat_interval_ms = interval_ms;
    if (assigned) r.assignment = assignment_of(*assigned);
    return r;
  }

  asio::io_context io;
  FakeCluster cluster{io};
  Client client{io.get_executor(), options_for(cluster.broker.address())};
  std::vector<ConsumerGroupHeartbeatResponse> script;
  std::vector<ConsumerGroupHeartbeatRequest> heartbeats;
  std::vector<OffsetCommitRequest> commits;
  std::vector<ApiKey> order;
};

TEST_F(GroupMemberTest, joins_revokes_before_acknowledging_and_leaves) {
  // Join: all four partitions; then the coordinator takes 2 and 3 away
  // (same epoch until the member no longer owns them); then epoch 2.
  script.push_back(reply(1, std::vector<int32_t>{0, 1, 2, 3}));
  script.push_back(reply(1, std::vector<int32_t>{0, 1}));
  script.push_back(reply(2, std::nullopt));
  run_on(io, [&]() -> awaitable<void> {
    CO_ASSERT_TRUE((co_await client.bootstrap()).ok());
    Consumer consumer(client, {.max_wait = 20ms, .auto_offset_reset = OffsetReset::kEarliest});
    GroupMemberOptions o;
    o.group_id = "g";
    o.topics = {"t"};
    o.reset = OffsetReset::kEarliest;
    auto member = GroupMember::create(client, consumer, std::move(o));
    auto ticked = co_await member->tick();
    CO_ASSERT_TRUE(ticked.ok());

    CO_ASSERT_EQ(heartbeats.size(), 3u);
    const auto& join = heartbeats[0];
    EXPECT_EQ(join.member_epoch, 0);
    EXPECT_FALSE(join.member_id.empty());  // KIP-848 members choose their id
    EXPECT_TRUE(join.topic_partitions && join.topic_partitions->empty());
    EXPECT_EQ(join.subscribed_topic_names, std::optional<std::vector<std::string>>(std::vector<std::string>{"t"}));
    EXPECT_EQ(join.rebalance_timeout_ms, 30'000);
    EXPECT_EQ(heartbeats[1].member_epoch, 1);
    EXPECT_EQ(owned_partitions(heartbeats[1]), (std::vector<int32_t>{0, 1, 2, 3}));  // acknowledged at once
    EXPECT_EQ(owned_partitions(heartbeats[2]), (std::vector<int32_t>{0, 1}));
    EXPECT_EQ(heartbeats[2].member_id, join.member_id);

    // The revoked partitions were committed before the acknowledgement.
    CO_ASSERT_EQ(commits.size(), 1u);
    EXPECT_EQ(commits[0].generation_id_or_member_epoch, 1);
    EXPECT_EQ(commits[0].member_id, join.member_id);
    CO_ASSERT_EQ(commits[0].topics.size(), 1u);
    CO_ASSERT_EQ(commits[0].topics[0].partitions.size(), 2u);
    EXPECT_EQ(commits[0].topics[0].partitions[0].partition_index, 2);
    EXPECT_EQ(commits[0].topics[0].partitions[1].partition_index, 3);
    auto commit_at = std::find(order.begin(), order.end(), ApiKey::kOffsetCommit);
    EXPECT_EQ(std::count(commit_at, order.end(), ApiKey::kConsumerGroupHeartbeat), 1);

    const std::set<TopicPartition> expected{{"t", 0}, {"t", 1}};
    EXPECT_EQ(member->owned(), expected);
    EXPECT_EQ(member->generation(), 2);
    EXPECT_EQ(consumer.assignment(), (std::vector<TopicPartition>{{"t", 0}, {"t", 1}}));
    EXPECT_EQ(consumer.position(TopicPartition{"t", 0}), 2);  // the committed offset
    EXPECT_EQ(consumer.position(TopicPartition{"t", 1}), 0);  // none committed: earliest

    // Not due yet: nothing is sent.
    ticked = co_await member->tick();
    CO_ASSERT_TRUE(ticked.ok());
    EXPECT_EQ(heartbeats.size(), 3u);

    auto left = co_await member->leave();
    CO_ASSERT_TRUE(left.ok());
    CO_ASSERT_EQ(heartbeats.size(), 4u);
    EXPECT_EQ(heartbeats[3].member_epoch, -1);
    EXPECT_EQ(heartbeats[3].member_id, join.member_id);
    EXPECT_TRUE(member->owned().empty());
    EXPECT_TRUE(consumer.assignment().empty());
    CO_ASSERT_EQ(commits.size(), 2u);  // t-1 had no commit yet; t-0 is unchanged
    CO_ASSERT_EQ(commits[1].topics.size(), 1u);
    CO_ASSERT_EQ(commits[1].topics[0].partitions.size(), 1u);
    EXPECT_EQ(commits[1].topics[0].partitions[0].partition_index, 1);
  });
}

TEST_F(GroupMemberTest, drops_partitions_uncommitted_and_rejoins_when_fenced) {
  script.push_back(reply(1, std::vector<int32_t>{0, 1}, 100));
  script.push_back(reply(1, std::nullopt, 100));
  ConsumerGroupHeartbeatResponse fenced;
  fenced.error_code = code_of(ErrorCode::kFencedMemberEpoch);
  script.push_back(fenced);
  script.push_back(reply(3, std::vector<int32_t>{3}, 60'000));  // repeated from here on
  run_on(io, [&]() -> awaitable<void> {
    CO_ASSERT_TRUE((co_await client.bootstrap()).ok());
    Consumer consumer(client, {.max_wait = 20ms});
    GroupMemberOptions o;
    o.group_id = "g";
    o.topics = {"t"};
    auto member = GroupMember::create(client, consumer, std::move(o));
    CO_ASSERT_TRUE((co_await member->tick()).ok());  // join + acknowledgement
    CO_ASSERT_EQ(heartbeats.size(), 2u);
    EXPECT_EQ(member->owned().size(), 2u);
    asio::steady_timer pause(io, 150ms);
    co_await pause.async_wait(use_tuple);
    CO_ASSERT_TRUE((co_await member->tick()).ok());  // fenced, rejoin, acknowledge
    CO_ASSERT_EQ(heartbeats.size(), 5u);
    EXPECT_EQ(heartbeats[3].member_epoch, 0);
    EXPECT_TRUE(heartbeats[3].topic_partitions && heartbeats[3].topic_partitions->empty());
    EXPECT_EQ(owned_partitions(heartbeats[4]), std::vector<int32_t>{3});
    EXPECT_TRUE(commits.empty());  // another member may own them: never committed
    const std::set<TopicPartition> expected{{"t", 3}};
    EXPECT_EQ(member->owned(), expected);
    EXPECT_EQ(consumer.assignment(), std::vector<TopicPartition>(1, TopicPartition{"t", 3}));
    EXPECT_EQ(member->generation(), 3);
  });
}

}  // namespace
}  // namespace kappa::client

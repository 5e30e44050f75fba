// Client and Admin against FakeCluster: bootstrap, metadata, leader
// lookups, bounded retries, admin errors with the broker's message.
#include "kappa/client/client.h"

#include <gtest/gtest.h>

#include "client/fake_cluster.h"
#include "kappa/client/admin.h"

namespace kappa::client {
namespace {

using namespace std::chrono_literals;
using protocol::ErrorCode;
using testing::FakeCluster;
using testing::run_on;

ClientOptions options_for(const BrokerAddress& address) {
  ClientOptions o;
  o.bootstrap = {address};
  o.retry.backoff = 10ms;
  o.retry.backoff_max = 50ms;
  o.retry.total = 1s;
  return o;
}

class ClientTest : public ::testing::Test {
 protected:
  asio::io_context io;
  FakeCluster cluster{io};
  Client client{io.get_executor(), options_for(cluster.broker.address())};
};

TEST_F(ClientTest, bootstraps_and_finds_leaders) {
  cluster.add_topic("orders", 3);
  run_on(io, [&]() -> awaitable<void> {
    auto r = co_await client.bootstrap();
    CO_ASSERT_TRUE(r.ok());
    auto md = client.metadata();
    EXPECT_EQ(md->cluster_id, "fake-cluster");
    EXPECT_EQ(md->topic("orders")->partition_count(), 3);
    auto leader = co_await client.leader_for("orders", 2);
    CO_ASSERT_TRUE(leader.ok());
    EXPECT_EQ(*leader, 1);
    auto conn = co_await client.connection_to(1);
    CO_ASSERT_TRUE(conn.ok());
    auto again = co_await client.connection_to(1);
    EXPECT_EQ(conn->get(), again->get());  // pooled
  });
}

TEST_F(ClientTest, leader_lookup_retries_until_a_leader_appears) {
  cluster.add_topic("t", 1);
  cluster.leader = -1;
  run_on(io, [&]() -> awaitable<void> {
    CO_ASSERT_TRUE((co_await client.bootstrap()).ok());
    asio::steady_timer later(io, 100ms);
    later.async_wait([&](auto) { cluster.leader = 1; });
    auto leader = co_await client.leader_for("t", 0);
    CO_ASSERT_TRUE(leader.ok());
    EXPECT_EQ(*leader, 1);
  });
}

TEST_F(ClientTest, retries_give_up_within_the_budget_and_keep_the_kafka_error) {
  cluster.add_topic("t", 1);
  cluster.leader = -1;
  run_on(io, [&]() -> awaitable<void> {
    CO_ASSERT_TRUE((co_await client.bootstrap()).ok());
    const auto start = std::chrono::steady_clock::now();
    auto leader = co_await client.leader_for("t", 0);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CO_ASSERT_FALSE(leader.ok());
    EXPECT_TRUE(leader.error().is(ErrorCode::kLeaderNotAvailable));
    EXPECT_NE(leader.error().detail.find("gave up after"), std::string::npos) << leader.error().to_string();
    EXPECT_LT(elapsed, 3s);
    auto missing = co_await client.leader_for("t", 5);
    CO_ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.error().is(ErrorCode::kUnknownTopicOrPartition));
  });
}

TEST_F(ClientTest, bootstrap_against_a_stopped_broker_fails_in_bounded_time) {
  cluster.broker.stop();
  run_on(io, [&]() -> awaitable<void> {
    const auto start = std::chrono::steady_clock::now();
    auto r = co_await client.bootstrap();
    CO_ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().is(ClientErrc::kConnectFailed));
    EXPECT_NE(r.error().to_string().find(cluster.broker.address().to_string()), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  });
}

TEST_F(ClientTest, admin_create_reports_the_broker_message) {
  cluster.add_topic("exists", 1);
  run_on(io, [&]() -> awaitable<void> {
    Admin admin(client);
    // Named, not braced temporaries: see the GCC 12 caveat in connection.h.
    NewTopic fresh{"fresh", 4, 1, {}};
    NewTopic exists{"exists", 1, 1, {}};
    auto created = co_await admin.create_topic(fresh);
    EXPECT_TRUE(created.ok());
    auto again = co_await admin.create_topic(exists);
    CO_ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().to_string(),
              "broker " + cluster.broker.address().to_string() + ": TOPIC_ALREADY_EXISTS: Topic 'exists' already exists.");
    auto topic = co_await client.topic("fresh", true);
    CO_ASSERT_TRUE(topic.ok());
    EXPECT_EQ(topic->partition_count(), 4);
  });
}

TEST_F(ClientTest, admin_retries_a_not_controller_answer) {
  int failures = 2;
  cluster.inject = [&](int16_t key) -> int16_t {
    if (key == static_cast<int16_t>(protocol::ApiKey::kCreateTopics) && failures > 0) {
      --failures;
      return protocol::code_of(ErrorCode::kNotController);
    }
    return 0;
  };
  run_on(io, [&]() -> awaitable<void> {
    Admin admin(client);
    NewTopic topic{"t", 1, 1, {}};
    auto created = co_await admin.create_topic(topic);
    EXPECT_TRUE(created.ok()) << (created ? "" : created.error().to_string());
    EXPECT_EQ(cluster.count(static_cast<int16_t>(protocol::ApiKey::kCreateTopics)), 3);
  });
}

TEST(BrokerAddress, parses_host_port_lists) {
  auto list = BrokerAddress::parse_list("a:1, b ,[::1]:9093");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0], (BrokerAddress{"a", 1}));
  EXPECT_EQ((*list)[1], (BrokerAddress{"b", 9092}));
  EXPECT_EQ((*list)[2].host, "::1");
  EXPECT_EQ((*list)[2].to_string(), "[::1]:9093");
  EXPECT_FALSE(BrokerAddress::parse("host:0"));
  EXPECT_FALSE(BrokerAddress::parse("host:70000"));
  EXPECT_FALSE(BrokerAddress::parse(":9092"));
  EXPECT_FALSE(BrokerAddress::parse("host:"));
  EXPECT_FALSE(BrokerAddress::parse_list(""));
}

}  // namespace
}  // namespace kappa::client

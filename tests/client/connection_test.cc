// Connection against the in-process FakeBroker: version negotiation,
// pipelining, timeouts, disconnects, acks=0 and closing.
#include "kappa/client/connection.h"

#include <gtest/gtest.h>

#include "client/fake_broker.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/msg/produce.h"

namespace kappa::client {
namespace {

using namespace std::chrono_literals;
using protocol::ApiKey;
using protocol::MetadataRequest;
using protocol::MetadataResponse;
using testing::FakeBroker;
using testing::FakeReply;
using testing::FakeRequest;
using testing::run_on;

constexpr int16_t kMetadataKey = static_cast<int16_t>(ApiKey::kMetadata);

MetadataRequest metadata_for(const std::string& topic) {
  MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({});
  req.topics->back().name = topic;
  return req;
}

// Answers Metadata with one topic named like the requested one.
FakeReply echo_topic(const FakeRequest& req) {
  auto decoded = req.decode<MetadataRequest>();
  MetadataResponse resp;
  MetadataResponse::MetadataResponseTopic t;
  t.name = decoded.topics && !decoded.topics->empty() ? decoded.topics->front().name : std::nullopt;
  resp.topics.push_back(t);
  return FakeReply::with(resp, req.header.api_version);
}

std::string topic_of(const Result<MetadataResponse>& r) {
  return r && !r->topics.empty() ? r->topics.front().name.value_or("") : "<error>";
}

class ConnectionTest : public ::testing::Test {
 protected:
  awaitable<std::shared_ptr<Connection>> connect() { return connect(ConnectionOptions{}); }
  awaitable<std::shared_ptr<Connection>> connect(ConnectionOptions options) {
    auto c = co_await Connection::connect(io.get_executor(), fake.address(), options);
    EXPECT_TRUE(c) << (c ? "" : c.error().to_string());
    co_return c ? *c : nullptr;
  }

  asio::io_context io;
  FakeBroker fake{io};
};

TEST_F(ConnectionTest, negotiates_the_highest_version_both_sides_support) {
  fake.api_ranges.erase(static_cast<int16_t>(ApiKey::kFetch));
  fake.api_ranges[kMetadataKey] = {0, 7};
  fake.api_ranges[static_cast<int16_t>(ApiKey::kProduce)] = {0, 13};
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    EXPECT_EQ(*conn->choose_version(ApiKey::kMetadata), 7);
    EXPECT_EQ(*conn->choose_version(ApiKey::kProduce), protocol::ProduceRequest::kMaxVersion);
    auto fetch = conn->choose_version(ApiKey::kFetch);
    CO_ASSERT_FALSE(fetch);
    EXPECT_TRUE(fetch.error().is(ClientErrc::kUnsupportedVersion));
    EXPECT_FALSE(conn->supports(ApiKey::kFetch));
    fake.handler = echo_topic;
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("t"));
    EXPECT_EQ(topic_of(r), "t");
    EXPECT_EQ(fake.requests.back().header.api_version, 7);
  });
}

TEST_F(ConnectionTest, retries_api_versions_after_a_v0_unsupported_version_reply) {
  fake.api_versions_max = 2;
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    CO_ASSERT_EQ(fake.requests.size(), 2u);
    EXPECT_EQ(fake.requests[0].header.api_version, protocol::ApiVersionsRequest::kMaxVersion);
    EXPECT_EQ(fake.requests[1].header.api_version, 2);
    EXPECT_TRUE(conn->versions().known());
    EXPECT_EQ(*conn->choose_version(ApiKey::kApiVersions), 2);
  });
}

TEST_F(ConnectionTest, fails_when_api_versions_fallback_offers_nothing_usable) {
  fake.api_versions_max = -1;  // the v0 reply lists ApiVersions 0..-1
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await Connection::connect(io.get_executor(), fake.address());
    CO_ASSERT_FALSE(conn);
    EXPECT_TRUE(conn.error().is(ClientErrc::kUnsupportedVersion)) << conn.error().to_string();
  });
}

TEST_F(ConnectionTest, pipelines_requests_and_matches_responses_in_order) {
  constexpr int kRequests = 8;
  fake.batch = kRequests;  // no answer until all 8 are in: only pipelining gets through
  fake.handler = echo_topic;
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    std::vector<std::string> got(kRequests);
    int finished = 0;
    for (int i = 0; i < kRequests; ++i) {
      asio::co_spawn(io, [&, i]() -> awaitable<void> {
        auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("topic-" + std::to_string(i)));
        got[i] = topic_of(r);
        ++finished;
      }, asio::detached);
    }
    while (finished < kRequests) co_await asio::post(io, use_awaitable);
    for (int i = 0; i < kRequests; ++i) EXPECT_EQ(got[i], "topic-" + std::to_string(i));
    std::vector<int32_t> ids;
    for (const auto& r : fake.requests) {
      if (r.header.api_key == kMetadataKey) ids.push_back(r.header.correlation_id);
    }
    CO_ASSERT_EQ(ids.size(), static_cast<size_t>(kRequests));
    for (size_t i = 1; i < ids.size(); ++i) EXPECT_GT(ids[i], ids[i - 1]);
    EXPECT_EQ(conn->in_flight(), 0u);
  });
}

TEST_F(ConnectionTest, a_timeout_fails_every_pending_request_and_names_the_broker) {
  fake.handler = [](const FakeRequest&) { return FakeReply::none(); };
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    std::optional<Result<MetadataResponse>> slow, fast;
    asio::co_spawn(io, [&]() -> awaitable<void> {
      slow.emplace(co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a"), kAutoVersion, 5s));
    }, asio::detached);
    const auto start = std::chrono::steady_clock::now();
    fast.emplace(co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("b"), kAutoVersion, 200ms));
    while (!slow) co_await asio::post(io, use_awaitable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    CO_ASSERT_FALSE(*fast);
    EXPECT_TRUE(fast->error().is(ClientErrc::kTimedOut));
    const std::string text = fast->error().to_string();
    EXPECT_NE(text.find(fake.address().to_string()), std::string::npos) << text;
    EXPECT_NE(text.find("Metadata"), std::string::npos) << text;
    EXPECT_NE(text.find("200 ms"), std::string::npos) << text;
    CO_ASSERT_FALSE(*slow);
    EXPECT_TRUE(slow->error().is(ClientErrc::kDisconnected)) << slow->error().to_string();
    EXPECT_FALSE(conn->is_open());
    auto after = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("c"));
    CO_ASSERT_FALSE(after);
    EXPECT_TRUE(after.error().is(ClientErrc::kDisconnected));
  });
}

TEST_F(ConnectionTest, a_broker_that_goes_away_fails_pending_requests) {
  fake.handler = [](const FakeRequest&) { return FakeReply::close(); };
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a"));
    CO_ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(ClientErrc::kDisconnected));
    EXPECT_NE(r.error().to_string().find("closed by the broker"), std::string::npos) << r.error().to_string();
    EXPECT_NE(r.error().to_string().find(fake.address().to_string()), std::string::npos);
  });
}

TEST_F(ConnectionTest, a_stopped_broker_fails_waiting_requests_without_a_hang) {
  fake.handler = [](const FakeRequest&) { return FakeReply::none(); };
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    asio::steady_timer t(io, 100ms);
    t.async_wait([&](auto) { fake.stop(); });
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a"), kAutoVersion, 10s);
    CO_ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(ClientErrc::kDisconnected)) << r.error().to_string();
  }, 5s);
}

TEST_F(ConnectionTest, acks_zero_produce_expects_no_response_and_keeps_matching) {
  fake.handler = [](const FakeRequest& req) {
    if (req.header.api_key == static_cast<int16_t>(ApiKey::kProduce)) return FakeReply::none();
    return echo_topic(req);
  };
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    protocol::ProduceRequest produce;
    produce.acks = 0;
    produce.timeout_ms = 1000;
    auto sent = co_await conn->send_without_response(produce);
    EXPECT_TRUE(sent);
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("after"));
    EXPECT_EQ(topic_of(r), "after");
    CO_ASSERT_GE(fake.requests.size(), 3u);
    EXPECT_EQ(fake.requests[1].decode<protocol::ProduceRequest>().acks, 0);
  });
}

TEST_F(ConnectionTest, an_explicit_version_the_broker_lacks_is_refused_without_sending) {
  fake.api_ranges[kMetadataKey] = {0, 5};
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a"), 9);
    CO_ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is(ClientErrc::kUnsupportedVersion)) << r.error().to_string();
    auto codec = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a"), 99);
    CO_ASSERT_FALSE(codec);
    EXPECT_TRUE(codec.error().is(ClientErrc::kInvalidArgument));
    EXPECT_EQ(fake.requests.size(), 1u);  // only ApiVersions
    EXPECT_TRUE(conn->is_open());
  });
}

TEST_F(ConnectionTest, a_mismatched_correlation_id_closes_the_connection) {
  fake.handler = [](const FakeRequest& req) {
    auto reply = echo_topic(req);
    reply.kind = FakeReply::Kind::kWrongCorrelationId;
    return reply;
  };
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a"));
    CO_ASSERT_FALSE(r);
    EXPECT_NE(r.error().to_string().find("correlation id"), std::string::npos) << r.error().to_string();
    EXPECT_FALSE(conn->is_open());
  });
}

TEST_F(ConnectionTest, connect_to_a_closed_port_fails_with_the_address) {
  fake.stop();
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await Connection::connect(io.get_executor(), fake.address());
    CO_ASSERT_FALSE(conn);
    EXPECT_TRUE(conn.error().is(ClientErrc::kConnectFailed));
    EXPECT_NE(conn.error().to_string().find(fake.address().to_string()), std::string::npos);
  });
}

TEST_F(ConnectionTest, a_silent_broker_fails_the_handshake_within_the_request_timeout) {
  fake.answer_api_versions = false;
  run_on(io, [&]() -> awaitable<void> {
    ConnectionOptions options;
    options.request_timeout = 200ms;
    auto conn = co_await Connection::connect(io.get_executor(), fake.address(), options);
    CO_ASSERT_FALSE(conn);
    EXPECT_TRUE(conn.error().is(ClientErrc::kTimedOut)) << conn.error().to_string();
    EXPECT_NE(conn.error().to_string().find("ApiVersions"), std::string::npos);
  }, 5s);
}

TEST_F(ConnectionTest, closing_fails_pending_requests_with_closed) {
  fake.handler = [](const FakeRequest&) { return FakeReply::none(); };
  run_on(io, [&]() -> awaitable<void> {
    auto conn = co_await connect();
    if (!conn) co_return;
    std::optional<Result<MetadataResponse>> r;
    asio::co_spawn(io, [&]() -> awaitable<void> {
      r.emplace(co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("a")));
    }, asio::detached);
    while (fake.requests.size() < 2) co_await asio::post(io, use_awaitable);
    conn.reset();  // the destructor closes
    while (!r) co_await asio::post(io, use_awaitable);
    CO_ASSERT_FALSE(*r);
    EXPECT_TRUE(r->error().is(ClientErrc::kClosed)) << r->error().to_string();
  });
}

TEST_F(ConnectionTest, works_without_negotiation_using_the_codec_maximum) {
  fake.handler = echo_topic;
  run_on(io, [&]() -> awaitable<void> {
    ConnectionOptions options;
    options.negotiate_versions = false;
    auto conn = co_await connect(options);
    if (!conn) co_return;
    EXPECT_FALSE(conn->versions().known());
    auto r = co_await conn->send<MetadataRequest, MetadataResponse>(metadata_for("x"));
    EXPECT_EQ(topic_of(r), "x");
    EXPECT_EQ(fake.requests.front().header.api_version, MetadataRequest::kMaxVersion);
  });
}

}  // namespace
}  // namespace kappa::client

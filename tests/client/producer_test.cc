// Producer against FakeCluster: partitioning, batching, offsets per record,
// acks=0, retries, delivery timeouts, closing.
#include "kappa/client/producer.h"

#include <gtest/gtest.h>

#include "client/fake_cluster.h"
#include "kappa/client/murmur2.h"
#include "kappa/client/partitioner.h"

namespace kappa::client {
namespace {

using namespace std::chrono_literals;
using protocol::ErrorCode;
using testing::FakeCluster;
using testing::run_on;

constexpr int16_t kProduceKey = static_cast<int16_t>(protocol::ApiKey::kProduce);

class ProducerTest : public ::testing::Test {
 protected:
  ProducerTest() { cluster.add_topic("t", 4); }

  static ClientOptions options_for(const BrokerAddress& address) {
    ClientOptions o;
    o.bootstrap = {address};
    o.retry.backoff = 10ms;
    o.retry.backoff_max = 50ms;
    o.retry.total = 2s;
    return o;
  }

  static ProducerRecord record(std::optional<std::string> key, std::string value) {
    ProducerRecord r;
    r.topic = "t";
    r.key = std::move(key);
    r.value = std::move(value);
    return r;
  }

  asio::io_context io;
  FakeCluster cluster{io};
  Client client{io.get_executor(), options_for(cluster.broker.address())};
};

TEST_F(ProducerTest, keyed_records_go_where_java_puts_them_and_report_offsets) {
  run_on(io, [&]() -> awaitable<void> {
    Producer producer(client, {});
    std::vector<RecordMetadata> acked;
    for (int i = 0; i < 40; ++i) {
      auto key = "key-" + std::to_string(i % 10);
      auto r = co_await producer.send(record(key, "v" + std::to_string(i)), [&](const Result<RecordMetadata>& m) {
        EXPECT_TRUE(m.ok());
        if (m) acked.push_back(*m);
      });
      EXPECT_TRUE(r.ok());
    }
    EXPECT_TRUE((co_await producer.close()).ok());
    CO_ASSERT_EQ(acked.size(), 40u);
    std::map<int32_t, int64_t> next;
    for (const auto& m : acked) EXPECT_EQ(m.offset, next[m.partition]++) << "offsets are contiguous per partition";
    for (int32_t p = 0; p < 4; ++p) {
      for (const auto& r : cluster.records("t", p)) {
        EXPECT_EQ(p, to_positive(murmur2(*r.key)) % 4) << *r.key;
      }
    }
  });
}

TEST_F(ProducerTest, batches_records_within_linger_into_one_request) {
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.linger = 50ms;
    Producer producer(client, options);
    for (int i = 0; i < 100; ++i) {
      ProducerRecord r = record(std::nullopt, "value");
      r.partition = 2;
      EXPECT_TRUE((co_await producer.send(std::move(r))).ok());
    }
    EXPECT_TRUE((co_await producer.flush()).ok());
    EXPECT_EQ(cluster.count(kProduceKey), 1);
    EXPECT_EQ(cluster.log("t", 2).size(), 1u);
    EXPECT_EQ(cluster.records("t", 2).size(), 100u);
    (void)co_await producer.close();
  });
}

TEST_F(ProducerTest, unkeyed_records_spread_over_partitions) {
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.linger = 0ms;
    Producer producer(client, options);
    for (int i = 0; i < 8; ++i) {
      auto m = co_await producer.send_and_wait(record(std::nullopt, "x"));
      EXPECT_TRUE(m.ok());
    }
    (void)co_await producer.close();
    int used = 0;
    for (int32_t p = 0; p < 4; ++p) used += !cluster.log("t", p).empty();
    EXPECT_EQ(used, 4);
  });
}

TEST_F(ProducerTest, unkeyed_records_fill_a_batch_before_moving_to_the_next_partition) {
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.linger = 1s;
    options.batch_size = 400;
    Producer producer(client, options);
    for (int i = 0; i < 24; ++i) EXPECT_TRUE((co_await producer.send(record(std::nullopt, std::string(50, 'x')))).ok());
    EXPECT_TRUE((co_await producer.close()).ok());
    int partitions_used = 0;
    for (int32_t p = 0; p < 4; ++p) {
      partitions_used += !cluster.log("t", p).empty();
      for (const auto& batch : cluster.log("t", p)) EXPECT_GT(protocol::peek_batch_header(batch)->records_count, 1);
    }
    EXPECT_GE(partitions_used, 3);
  });
}

TEST_F(ProducerTest, compressed_batches_keep_keys_headers_and_values) {
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.compression = protocol::Compression::kZstd;
    Producer producer(client, options);
    ProducerRecord r = record("k", std::string(1000, 'z'));
    r.partition = 0;
    r.headers = {{"h1", "v1"}, {"h2", std::nullopt}};
    auto m = co_await producer.send_and_wait(r);
    CO_ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->offset, 0);
    (void)co_await producer.close();
    auto stored = cluster.records("t", 0);
    CO_ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].key, "k");
    EXPECT_EQ(stored[0].value, std::string(1000, 'z'));
    EXPECT_EQ(stored[0].headers, r.headers);
    auto header = protocol::peek_batch_header(cluster.log("t", 0)[0]);
    EXPECT_EQ(header->compression(), protocol::Compression::kZstd);
  });
}

TEST_F(ProducerTest, acks_zero_reports_unknown_offsets) {
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.acks = 0;
    Producer producer(client, options);
    auto m = co_await producer.send_and_wait(record("k", "v"));
    CO_ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->offset, -1);
    (void)co_await producer.close();
    EXPECT_EQ(cluster.records("t", Partitioner::for_key("k", 4)).size(), 1u);
  });
}

TEST_F(ProducerTest, retries_not_leader_and_keeps_order) {
  int failures = 3;
  cluster.inject = [&](int16_t key) -> int16_t {
    if (key == kProduceKey && failures > 0) {
      --failures;
      return protocol::code_of(ErrorCode::kNotLeaderOrFollower);
    }
    return 0;
  };
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.batch_size = 64;  // several batches per partition
    Producer producer(client, options);
    for (int i = 0; i < 30; ++i) {
      ProducerRecord r = record(std::nullopt, "value-" + std::to_string(i));
      r.partition = 1;
      EXPECT_TRUE((co_await producer.send(std::move(r))).ok());
    }
    auto flushed = co_await producer.close();
    EXPECT_TRUE(flushed.ok()) << (flushed ? "" : flushed.error().to_string());
    auto stored = cluster.records("t", 1);
    CO_ASSERT_EQ(stored.size(), 30u);
    for (int i = 0; i < 30; ++i) EXPECT_EQ(stored[i].value, "value-" + std::to_string(i));
  });
}

TEST_F(ProducerTest, fatal_errors_fail_the_records_with_the_broker_name) {
  cluster.inject = [](int16_t key) -> int16_t {
    return key == kProduceKey ? protocol::code_of(ErrorCode::kInvalidRecord) : 0;
  };
  run_on(io, [&]() -> awaitable<void> {
    Producer producer(client, {});
    auto m = co_await producer.send_and_wait(record("k", "v"));
    CO_ASSERT_FALSE(m.ok());
    EXPECT_TRUE(m.error().is(ErrorCode::kInvalidRecord));
    EXPECT_NE(m.error().to_string().find(cluster.broker.address().to_string()), std::string::npos);
    auto flushed = co_await producer.close();
    EXPECT_FALSE(flushed.ok());
  });
}

TEST_F(ProducerTest, records_expire_when_no_leader_appears) {
  cluster.leader = -1;
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.delivery_timeout = 300ms;
    Producer producer(client, options);
    auto m = co_await producer.send_and_wait(record("k", "v"));
    CO_ASSERT_FALSE(m.ok());
    EXPECT_TRUE(m.error().is(ClientErrc::kTimedOut)) << m.error().to_string();
    (void)co_await producer.close();
  }, 10s);
}

TEST_F(ProducerTest, rejects_bad_partitions_and_unknown_topics) {
  run_on(io, [&]() -> awaitable<void> {
    Producer producer(client, {});
    ProducerRecord r = record("k", "v");
    r.partition = 9;
    auto bad = co_await producer.send(r);
    CO_ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().is(ClientErrc::kInvalidArgument));
    r.topic = "nope";
    r.partition.reset();
    auto unknown = co_await producer.send(r);
    CO_ASSERT_FALSE(unknown.ok());
    EXPECT_TRUE(unknown.error().is(ErrorCode::kUnknownTopicOrPartition));
    (void)co_await producer.close();
    auto closed = co_await producer.send(record("k", "v"));
    CO_ASSERT_FALSE(closed.ok());
    EXPECT_TRUE(closed.error().is(ClientErrc::kClosed));
  }, 10s);
}

TEST_F(ProducerTest, idempotence_needs_init_producer_id) {
  cluster.broker.api_ranges.erase(static_cast<int16_t>(protocol::ApiKey::kInitProducerId));
  run_on(io, [&]() -> awaitable<void> {
    ProducerOptions options;
    options.idempotent = true;
    Producer producer(client, options);
    auto r = co_await producer.send(record("k", "v"));
    CO_ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().is(ClientErrc::kNotAvailable));
    EXPECT_NE(r.error().to_string().find("InitProducerId"), std::string::npos);
    (void)co_await producer.close();
  });
}

TEST_F(ProducerTest, destroying_the_producer_fails_queued_records) {
  run_on(io, [&]() -> awaitable<void> {
    std::optional<Result<RecordMetadata>> outcome;
    {
      ProducerOptions options;
      options.linger = 10s;
      Producer producer(client, options);
      (void)co_await producer.send(record("k", "v"), [&](const Result<RecordMetadata>& m) { outcome.emplace(m); });
    }
    CO_ASSERT_TRUE(outcome.has_value());
    CO_ASSERT_FALSE(outcome->ok());
    EXPECT_TRUE(outcome->error().is(ClientErrc::kClosed));
  });
}

}  // namespace
}  // namespace kappa::client

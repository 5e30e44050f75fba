// Consumer against FakeCluster, and decode_fetched on hand-built batches.
#include "kappa/client/consumer.h"

#include <gtest/gtest.h>

#include "client/fake_cluster.h"
#include "kappa/client/fetch_decoder.h"
#include "kappa/client/producer.h"
#include "kappa/protocol/record_batch_builder.h"

namespace kappa::client {
namespace {

using namespace std::chrono_literals;
using protocol::Compression;
using protocol::ErrorCode;
using protocol::RecordBatchBuilder;
using testing::FakeCluster;
using testing::run_on;

std::vector<uint8_t> batch_of(int64_t base_offset, int64_t first_ts, int count, Compression codec = Compression::kNone) {
  RecordBatchBuilder b({.base_offset = base_offset, .compression = codec});
  for (int i = 0; i < count; ++i) {
    auto value = "v" + std::to_string(base_offset + i);
    b.append(first_ts + i, "k", value);
  }
  return b.finish();
}

// GCC 12 cannot compile braced lists inside coroutine lambdas, so
// assignments are built here.
using Assignment = std::vector<std::pair<TopicPartition, StartAt>>;
Assignment one(const std::string& topic, int32_t partition, StartAt start) {
  return Assignment(1, std::make_pair(TopicPartition{topic, partition}, start));
}
Assignment two(Assignment a, const Assignment& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(DecodeFetched, skips_records_before_the_position_and_control_batches) {
  std::vector<uint8_t> set = batch_of(0, 1000, 5, Compression::kLz4);
  auto marker = protocol::build_txn_marker_batch({.producer_id = 7, .timestamp = 2000}, 5);
  set.insert(set.end(), marker.begin(), marker.end());
  auto tail = batch_of(6, 3000, 2);
  set.insert(set.end(), tail.begin(), tail.end());
  std::vector<ConsumerRecord> out;
  auto d = decode_fetched("t", 0, set, 3, out);
  EXPECT_FALSE(d.error);
  EXPECT_EQ(d.next_position, 8);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].offset, 3);
  EXPECT_EQ(out[0].value, "v3");
  EXPECT_EQ(out[0].timestamp, 1003);
  EXPECT_EQ(out[2].offset, 6);
  EXPECT_EQ(out[3].value, "v7");
}

TEST(DecodeFetched, ignores_a_trailing_partial_batch) {
  auto set = batch_of(0, 0, 2);
  auto next = batch_of(2, 0, 2);
  set.insert(set.end(), next.begin(), next.begin() + 20);
  std::vector<ConsumerRecord> out;
  auto d = decode_fetched("t", 0, set, 0, out);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_EQ(d.next_position, 2);
}

TEST(DecodeFetched, reports_a_corrupt_batch_after_the_good_ones) {
  auto set = batch_of(0, 0, 2);
  auto bad = batch_of(2, 0, 2);
  bad[protocol::batch_layout::kMagic] = 1;
  set.insert(set.end(), bad.begin(), bad.end());
  std::vector<ConsumerRecord> out;
  auto d = decode_fetched("t", 0, set, 0, out);
  EXPECT_EQ(out.size(), 2u);
  EXPECT_TRUE(d.error);
  EXPECT_EQ(d.next_position, 2);
}

class ConsumerTest : public ::testing::Test {
 protected:
  ConsumerTest() { cluster.add_topic("t", 2); }

  static ClientOptions options_for(const BrokerAddress& address) {
    ClientOptions o;
    o.bootstrap = {address};
    o.retry.backoff = 10ms;
    o.retry.total = 1s;
    return o;
  }

  awaitable<void> produce(int n, int32_t partition, int64_t first_ts) {
    Producer producer(client, {});
    for (int i = 0; i < n; ++i) {
      ProducerRecord r{"t", partition, "k" + std::to_string(i), "v" + std::to_string(i), {}, first_ts + i};
      EXPECT_TRUE((co_await producer.send(std::move(r))).ok());
    }
    EXPECT_TRUE((co_await producer.close()).ok());
  }

  awaitable<std::vector<ConsumerRecord>> read_all(Consumer& consumer, size_t want) {
    std::vector<ConsumerRecord> got;
    for (int polls = 0; polls < 20 && got.size() < want; ++polls) {
      auto batch = co_await consumer.poll();
      EXPECT_TRUE(batch.ok()) << (batch ? "" : batch.error().to_string());
      if (!batch) break;
      for (auto& r : *batch) got.push_back(std::move(r));
    }
    co_return got;
  }

  asio::io_context io;
  FakeCluster cluster{io};
  Client client{io.get_executor(), options_for(cluster.broker.address())};
};

TEST_F(ConsumerTest, reads_from_earliest_offset_and_time) {
  run_on(io, [&]() -> awaitable<void> {
    co_await produce(10, 0, 1'000'000);
    co_await produce(4, 1, 2'000'000);
    Consumer consumer(client, {.max_wait = 50ms});
    auto assigned = co_await consumer.assign(two(one("t", 0, StartAt::earliest()), one("t", 1, StartAt::offset(2))));
    CO_ASSERT_TRUE(assigned.ok());
    auto got = co_await read_all(consumer, 12);
    EXPECT_EQ(got.size(), 12u);
    EXPECT_EQ(consumer.position({"t", 0}), 10);
    EXPECT_EQ(consumer.position({"t", 1}), 4);
    EXPECT_TRUE(consumer.at_end());

    Consumer by_time(client, {.max_wait = 50ms});
    CO_ASSERT_TRUE((co_await by_time.assign(one("t", 0, StartAt::timestamp(1'000'007)))).ok());
    auto late = co_await read_all(by_time, 3);
    CO_ASSERT_EQ(late.size(), 3u);
    EXPECT_EQ(late[0].offset, 7);
    EXPECT_EQ(late[0].key, "k7");

    Consumer future(client, {.max_wait = 50ms});
    CO_ASSERT_TRUE((co_await future.assign(one("t", 0, StartAt::timestamp(9'000'000)))).ok());
    EXPECT_EQ(future.position({"t", 0}), 10);  // nothing that late: the end
  });
}

TEST_F(ConsumerTest, resets_an_out_of_range_position) {
  run_on(io, [&]() -> awaitable<void> {
    co_await produce(3, 0, 0);
    Consumer consumer(client, {.max_wait = 50ms, .auto_offset_reset = OffsetReset::kEarliest});
    CO_ASSERT_TRUE((co_await consumer.assign(one("t", 0, StartAt::offset(100)))).ok());
    auto got = co_await read_all(consumer, 3);
    EXPECT_EQ(got.size(), 3u);

    Consumer strict(client, {.max_wait = 50ms, .auto_offset_reset = OffsetReset::kNone});
    CO_ASSERT_TRUE((co_await strict.assign(one("t", 0, StartAt::offset(100)))).ok());
    auto r = co_await strict.poll();
    CO_ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().is(ErrorCode::kOffsetOutOfRange));
  });
}

TEST_F(ConsumerTest, a_dead_broker_fails_poll_within_the_retry_budget) {
  run_on(io, [&]() -> awaitable<void> {
    co_await produce(1, 0, 0);
    Consumer consumer(client, {.max_wait = 50ms});
    CO_ASSERT_TRUE((co_await consumer.assign(one("t", 0, StartAt::earliest()))).ok());
    cluster.broker.stop();
    const auto start = std::chrono::steady_clock::now();
    std::optional<Error> failure;
    for (int i = 0; i < 200 && !failure; ++i) {
      auto r = co_await consumer.poll();
      if (!r) failure = r.error();
    }
    CO_ASSERT_TRUE(failure.has_value());
    EXPECT_TRUE(failure->retriable()) << failure->to_string();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  }, 20s);
}

TEST_F(ConsumerTest, assign_rejects_unknown_partitions) {
  run_on(io, [&]() -> awaitable<void> {
    Consumer consumer(client, {});
    auto r = co_await consumer.assign(one("t", 7, StartAt::earliest()));
    CO_ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().is(ErrorCode::kUnknownTopicOrPartition));
    EXPECT_TRUE(consumer.assignment().empty());
  });
}

}  // namespace
}  // namespace kappa::client

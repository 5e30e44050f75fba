// Produce and Fetch codecs against reference encodings of every version
// (vectors/produce_fetch.inc).  Each builder sets every field the version
// has, with the values gen_kafka_python_vectors.py encodes.

#include <gtest/gtest.h>

#include <algorithm>

#include "kappa/protocol/msg/fetch.h"
#include "kappa/protocol/msg/produce.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/produce_fetch.inc"

namespace kappa::protocol::testing {
namespace {

ProduceRequest produce_request(int16_t v) {
  using P = ProduceRequest;
  P m;
  if (odd(v)) m.transactional_id = "txn-ü";
  m.acks = -1;
  m.timeout_ms = 1500;
  m.topic_data = {
      P::TopicProduceData{.name = "orders",
                          .partition_data = {{.index = 0, .records = records("batch-0")},
                                             {.index = 7, .records = Records()}}},
      P::TopicProduceData{.name = "clicks"},
  };
  return m;
}

ProduceResponse produce_response(int16_t v) {
  using P = ProduceResponse;
  P::PartitionProduceResponse ok{
      .index = 0, .error_code = 0, .base_offset = 1000, .log_append_time_ms = 1700000000000};
  P::PartitionProduceResponse failed{
      .index = 7, .error_code = 6, .base_offset = -1, .log_append_time_ms = -1};
  if (v >= 5) ok.log_start_offset = 10;
  if (v >= 8) {
    ok.record_errors = {{.batch_index = 3, .batch_index_error_message = "bad ü"},
                        {.batch_index = 4, .batch_index_error_message = std::nullopt}};
    ok.error_message = "batch dropped";
  }
  if (v >= 10) ok.current_leader = {.leader_id = 2, .leader_epoch = 9};
  P m;
  m.responses = {{.name = "orders", .partition_responses = {ok, failed}}, {.name = "clicks"}};
  m.throttle_time_ms = 250;
  if (v >= 10) {
    m.node_endpoints = {{.node_id = 2, .host = "broker-2.kappa.local", .port = 9092, .rack = "rack-a"},
                        {.node_id = 3, .host = "broker-3", .port = 19092, .rack = std::nullopt}};
  }
  return m;
}

FetchRequest fetch_request(int16_t v) {
  using F = FetchRequest;
  F m;
  if (v >= 12) m.cluster_id = "kappa-cluster";
  if (v <= 14) m.replica_id = 3;
  if (v >= 15) m.replica_state = {.replica_id = 3, .replica_epoch = 42};
  m.max_wait_ms = 500;
  m.min_bytes = 1;
  m.max_bytes = 52428800;
  m.isolation_level = 1;
  if (v >= 7) {
    m.session_id = 77;
    m.session_epoch = 5;
  }
  F::FetchPartition p0{.partition = 0, .fetch_offset = 1000, .partition_max_bytes = 1048576};
  F::FetchPartition p1{.partition = 1, .fetch_offset = 0, .partition_max_bytes = 65536};
  if (v >= 5) {
    p0.log_start_offset = 10;
    p1.log_start_offset = 0;
  }
  if (v >= 9) {
    p0.current_leader_epoch = 9;
    p1.current_leader_epoch = 9;
  }
  if (v >= 12) {
    p0.last_fetched_epoch = 8;
    p1.last_fetched_epoch = 7;
  }
  if (v >= 17) p0.replica_directory_id = kUuidD;
  // Names up to v12, topic ids from v13.
  auto topic = [v](std::string name, Uuid id, auto t) {
    if (v <= 12) {
      t.topic = std::move(name);
    } else {
      t.topic_id = id;
    }
    return t;
  };
  m.topics = {topic("orders", kUuidA, F::FetchTopic{.partitions = {p0, p1}}),
              topic("clicks", kUuidB, F::FetchTopic{})};
  if (v >= 7) {
    m.forgotten_topics_data = {topic("old-topic", kUuidC, F::ForgottenTopic{.partitions = {4, 5}}),
                               topic("gone", kUuidB, F::ForgottenTopic{})};
  }
  if (v >= 11) m.rack_id = "rack-é";
  return m;
}

FetchResponse fetch_response(int16_t v) {
  using F = FetchResponse;
  F m;
  m.throttle_time_ms = 25;
  if (v >= 7) {
    m.error_code = 70;
    m.session_id = 77;
  }
  F::PartitionData p0{
      .partition_index = 0, .error_code = 0, .high_watermark = 1200, .last_stable_offset = 1100};
  F::PartitionData p1{.partition_index = 1, .error_code = 1, .high_watermark = -1, .last_stable_offset = -1};
  if (v >= 5) p0.log_start_offset = 10;
  if (v >= 11) p0.preferred_read_replica = 3;
  if (v >= 12) {
    p0.diverging_epoch = {.epoch = 7, .end_offset = 990};
    p0.current_leader = {.leader_id = 2, .leader_epoch = 9};
    p0.snapshot_id = {.end_offset = 500, .epoch = 6};
  }
  p0.aborted_transactions = std::vector<F::AbortedTransaction>{{.producer_id = 4242, .first_offset = 1050},
                                                               {.producer_id = 4343, .first_offset = 1075}};
  p0.records = records("batch-0");
  F::FetchableTopicResponse orders{.partitions = {p0, p1}}, clicks;
  if (v <= 12) {
    orders.topic = "orders";
    clicks.topic = "clicks";
  } else {
    orders.topic_id = kUuidA;
    clicks.topic_id = kUuidB;
  }
  m.responses = {orders, clicks};
  if (v >= 16) {
    m.node_endpoints = {{.node_id = 2, .host = "broker-2.kappa.local", .port = 9092, .rack = "rack-a"},
                        {.node_id = 3, .host = "broker-3", .port = 19092, .rack = std::nullopt}};
  }
  return m;
}

// Records above Writer::kInlineRecordsLimit are not copied into the buffer
// but remembered as an insert; the bytes sent must still be the reference
// encoding with the larger records in place of the small ones.
TEST(FetchResponseCodec, large_records_are_encoded_by_reference_to_the_same_bytes) {
  const std::vector<uint8_t> big(Writer::kInlineRecordsLimit + 904, 0xab);  // 5000 bytes
  const std::vector<uint8_t> small = bytes("batch-0");
  for (const auto& vec : kFetchResponseVectors) {
    SCOPED_TRACE(describe(vec));
    const int16_t v = vec.version;
    const bool flex = v >= FetchResponse::kFirstFlexibleVersion;
    FetchResponse m = fetch_response(v);
    m.responses[0].partitions[0].records = Records::copy_of(big);
    Writer w;
    m.encode(w, v);
    EXPECT_EQ(w.inserts().size(), 1u);
    const auto sent = w.flatten();
    EXPECT_EQ(w.size(), sent.size());

    // The reference vector with the length prefix and bytes of "batch-0" replaced.
    const auto ref = from_hex(vec.hex);
    const auto at = std::search(ref.begin(), ref.end(), small.begin(), small.end());
    ASSERT_NE(at, ref.end());
    const size_t before = static_cast<size_t>(at - ref.begin()) - (flex ? 1 : 4);
    const size_t after = static_cast<size_t>(at - ref.begin()) + small.size();
    Writer expected;
    expected.append(ref.data(), before);
    if (flex) {
      expected.uvarint(static_cast<uint32_t>(big.size() + 1));
    } else {
      expected.i32(static_cast<int32_t>(big.size()));
    }
    expected.append(big.data(), big.size());
    expected.append(ref.data() + after, ref.size() - after);
    EXPECT_TRUE(same_bytes(sent, expected.buffer()));
    EXPECT_TRUE(decodes_to(sent, v, m));
  }
}

KAPPA_CODEC_VECTOR_TESTS(ProduceRequest, produce_request)
KAPPA_CODEC_VECTOR_TESTS(ProduceResponse, produce_response)
KAPPA_CODEC_VECTOR_TESTS(FetchRequest, fetch_request)
KAPPA_CODEC_VECTOR_TESTS(FetchResponse, fetch_response)

}  // namespace
}  // namespace kappa::protocol::testing

// The two worked examples of /work/shared/kafka-protocol/RECORD-FORMAT.md,
// byte for byte: the builder must produce them and the reader parse them.

#include <gtest/gtest.h>

#include "kappa/protocol/control_record.h"
#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"
#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

using testing::from_hex;
using testing::to_hex;

constexpr int64_t kTimestamp = 1700000000000;  // 0x0000018bcfe56800

// Example 1: one record, key "k", value "hello", header h=v; 78 bytes.
const std::vector<uint8_t> kExample1 = from_hex(
    "0000000000000000"  // baseOffset 0
    "00000042"          // batchLength 66
    "ffffffff"          // partitionLeaderEpoch -1
    "02"                // magic
    "c622acfa"          // crc
    "0000"              // attributes
    "00000000"          // lastOffsetDelta
    "0000018bcfe56800"  // baseTimestamp
    "0000018bcfe56800"  // maxTimestamp
    "ffffffffffffffff"  // producerId -1
    "ffff"              // producerEpoch -1
    "ffffffff"          // baseSequence -1
    "00000001"          // recordsCount
    "20 00 00 00 02 6b 0a 68656c6c6f 02 02 68 02 76");

// Example 2: COMMIT marker at offset 42, leader epoch 0, producer 1000/0,
// coordinator epoch 5.
const std::vector<uint8_t> kExample2 = from_hex(
    "000000000000002a 00000042 00000000 02 fc84b034 0030 00000000"
    "0000018bcfe56800 0000018bcfe56800 00000000000003e8 0000 ffffffff 00000001"
    "20 00 00 00 08 00000001 0c 000000000005 00");

TEST(RecordFormatExamples, builder_produces_example_1) {
  RecordBatchBuilder builder;
  builder.append(kTimestamp, "k", "hello", {{"h", "v"}});
  auto batch = builder.finish();
  EXPECT_EQ(to_hex(batch), to_hex(kExample1));
  EXPECT_EQ(batch.size(), 78u);
}

TEST(RecordFormatExamples, builder_produces_example_2_commit_marker) {
  auto batch = build_txn_marker_batch({.type = ControlRecordType::kCommit,
                                       .producer_id = 1000,
                                       .producer_epoch = 0,
                                       .coordinator_epoch = 5,
                                       .timestamp = kTimestamp},
                                      42, 0);
  EXPECT_EQ(to_hex(batch), to_hex(kExample2));
}

TEST(RecordFormatExamples, examples_pass_validation) {
  EXPECT_EQ(validate_batch(kExample1).error, ErrorCode::kNone) << validate_batch(kExample1).message;
  EXPECT_EQ(validate_batch(kExample2).error, ErrorCode::kNone) << validate_batch(kExample2).message;
}

TEST(RecordFormatExamples, reader_parses_example_1) {
  RecordReader reader;
  ASSERT_FALSE(reader.open(kExample1));
  EXPECT_EQ(reader.header().records_count, 1);
  EXPECT_FALSE(reader.header().is_control());
  Record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.offset, 0);
  EXPECT_EQ(r.timestamp, kTimestamp);
  EXPECT_EQ(r.key.str(), "k");
  EXPECT_EQ(r.value.str(), "hello");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(*r.headers.begin(), (RecordHeader{"h", "v"}));
  EXPECT_FALSE(reader.next(r));
  EXPECT_FALSE(reader.error());
}

TEST(RecordFormatExamples, reader_parses_example_2_as_a_commit_marker) {
  RecordReader reader;
  ASSERT_FALSE(reader.open(kExample2));
  const auto& h = reader.header();
  EXPECT_TRUE(h.is_control());
  EXPECT_TRUE(h.is_transactional());
  EXPECT_EQ(h.producer_id, 1000);
  EXPECT_EQ(h.producer_epoch, 0);
  EXPECT_EQ(h.base_sequence, -1);
  EXPECT_EQ(h.partition_leader_epoch, 0);
  Record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.offset, 42);
  EXPECT_EQ(parse_control_key(r.key), ControlRecordType::kCommit);
  auto marker = parse_end_txn_marker(r.value);
  ASSERT_TRUE(marker);
  EXPECT_EQ(marker->version, 0);
  EXPECT_EQ(marker->coordinator_epoch, 5);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_FALSE(reader.next(r));
  EXPECT_FALSE(reader.error());
}

TEST(RecordFormatExamples, abort_marker_differs_only_in_type_and_crc) {
  auto commit = build_txn_marker_batch({ControlRecordType::kCommit, 1000, 0, 5, kTimestamp}, 42, 0);
  auto abort = build_txn_marker_batch({ControlRecordType::kAbort, 1000, 0, 5, kTimestamp}, 42, 0);
  ASSERT_EQ(commit.size(), abort.size());
  std::vector<size_t> diff;
  for (size_t i = 0; i < commit.size(); ++i) {
    if (commit[i] != abort[i]) diff.push_back(i);
  }
  // CRC bytes (17..20, each may or may not change) and the key's type byte.
  ASSERT_FALSE(diff.empty());
  EXPECT_EQ(diff.back(), 61u + 8);  // length, attributes, ts, offset, key length, version, type
  for (size_t i = 0; i + 1 < diff.size(); ++i) EXPECT_TRUE(diff[i] >= 17 && diff[i] <= 20) << diff[i];
  RecordReader reader;
  ASSERT_FALSE(reader.open(abort));
  Record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(parse_control_key(r.key), ControlRecordType::kAbort);
}

}  // namespace
}  // namespace kappa::protocol

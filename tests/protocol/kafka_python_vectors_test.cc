// Batches written by a real client library, kafka-python 2.0.2 (Debian
// python3-kafka), produced once with /usr/bin/python3 and this script:
//
//   from kafka.record.default_records import DefaultRecordBatchBuilder
//   def build(codec, txn=False):
//       b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=txn,
//                                     producer_id=4242, producer_epoch=3, base_sequence=17,
//                                     batch_size=1 << 20)
//       b.append(0, timestamp=1700000000000, key=b"user-1", value=b"clicked " * 8,
//                headers=[("trace", b"abc"), ("empty", None)])
//       b.append(1, timestamp=1700000000250, key=None, value=b"no key", headers=[])
//       b.append(2, timestamp=1699999999990, key=b"user-2", value=None, headers=[])
//       return bytes(b.build()).hex()
//   build(0), build(1), build(0, txn=True)
//
// (kafka-python writes partitionLeaderEpoch 0 and only compresses when it
// saves space, hence the repetitive value.)

#include <gtest/gtest.h>

#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"
#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

using testing::from_hex;
using testing::to_hex;

const std::vector<uint8_t> kNone = from_hex(
    "0000000000000000000000ac00000000023c7811bd0000000000020000018bcfe568000000018bcfe568fa000000000000109200"
    "0300"
    "00001100000003bc010000000c757365722d318001636c69636b656420636c69636b656420636c69636b656420636c69636b6564"
    "20"
    "636c69636b656420636c69636b656420636c69636b656420636c69636b656420040a7472616365066162630a656d707479011a00"
    "f4"
    "0302010c6e6f206b657900180013040c757365722d320100");

const std::vector<uint8_t> kGzip = from_hex(
    "000000000000000000000086000000000270f68aed0001000000020000018bcfe568000000018bcfe568fa000000000000109200"
    "0300"
    "000011000000031f8b080052b7056b02ffdbc3c8c0c0c0535a9c5aa46bd8c0989c93999c9d9aa2402ecdc2555294989cca969894"
    "cc95"
    "9a5b5052c928c5f085998991272f5f213bb592418241980562991123030090ae74067b000000");

const std::vector<uint8_t> kTransactional = from_hex(
    "0000000000000000000000ac0000000002ea2ab69f0010000000020000018bcfe568000000018bcfe568fa000000000000109200"
    "0300"
    "00001100000003bc010000000c757365722d318001636c69636b656420636c69636b656420636c69636b656420636c69636b6564"
    "20"
    "636c69636b656420636c69636b656420636c69636b656420636c69636b656420040a7472616365066162630a656d707479011a00"
    "f4"
    "0302010c6e6f206b657900180013040c757365722d320100");

std::string clicked() {
  std::string s;
  for (int i = 0; i < 8; ++i) s += "clicked ";
  return s;
}

void expect_records(std::span<const uint8_t> batch) {
  RecordReader reader;
  ASSERT_FALSE(reader.open(batch));
  EXPECT_EQ(reader.header().producer_id, 4242);
  EXPECT_EQ(reader.header().producer_epoch, 3);
  EXPECT_EQ(reader.header().base_sequence, 17);
  EXPECT_EQ(reader.header().last_sequence(), 19);
  EXPECT_EQ(reader.header().max_timestamp, 1700000000250);
  Record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.offset, 0);
  EXPECT_EQ(r.timestamp, 1700000000000);
  EXPECT_EQ(r.key.str(), "user-1");
  EXPECT_EQ(r.value.str(), clicked());
  std::vector<RecordHeader> headers(r.headers.begin(), r.headers.end());
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0], (RecordHeader{"trace", "abc"}));
  EXPECT_EQ(headers[1], (RecordHeader{"empty", std::nullopt}));
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.offset, 1);
  EXPECT_EQ(r.timestamp, 1700000000250);
  EXPECT_TRUE(r.key.is_null());
  EXPECT_EQ(r.value.str(), "no key");
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.offset, 2);
  EXPECT_EQ(r.timestamp, 1699999999990);  // negative timestamp delta
  EXPECT_EQ(r.key.str(), "user-2");
  EXPECT_TRUE(r.value.is_null());
  EXPECT_FALSE(reader.next(r));
  EXPECT_FALSE(reader.error()) << reader.error().message();
}

TEST(KafkaPythonVectors, uncompressed_batch_validates_and_reads) {
  EXPECT_EQ(validate_batch(kNone).error, ErrorCode::kNone);
  expect_records(kNone);
}

TEST(KafkaPythonVectors, gzip_batch_validates_and_reads) {
  auto v = validate_batch(kGzip);
  EXPECT_EQ(v.error, ErrorCode::kNone) << v.message;
  EXPECT_EQ(v.header.compression(), Compression::kGzip);
  expect_records(kGzip);
}

TEST(KafkaPythonVectors, transactional_batch_validates_and_reads) {
  auto v = validate_batch(kTransactional);
  EXPECT_EQ(v.error, ErrorCode::kNone) << v.message;
  EXPECT_TRUE(v.header.is_transactional());
  expect_records(kTransactional);
}

void build_same_records(RecordBatchBuilder& b) {
  b.append(1700000000000, "user-1", clicked(), {{"trace", "abc"}, {"empty", std::nullopt}});
  b.append(1700000000250, std::nullopt, "no key");
  b.append(1699999999990, "user-2", std::nullopt);
}

TEST(KafkaPythonVectors, builder_writes_the_same_bytes_as_kafka_python) {
  RecordBatchBuilder plain(
      {.partition_leader_epoch = 0, .producer_id = 4242, .producer_epoch = 3, .base_sequence = 17});
  build_same_records(plain);
  EXPECT_EQ(to_hex(plain.finish()), to_hex(kNone));

  RecordBatchBuilder txn({.partition_leader_epoch = 0,
                          .producer_id = 4242,
                          .producer_epoch = 3,
                          .base_sequence = 17,
                          .transactional = true});
  build_same_records(txn);
  EXPECT_EQ(to_hex(txn.finish()), to_hex(kTransactional));
}

TEST(KafkaPythonVectors, builder_gzip_batch_has_the_same_header_and_records) {
  RecordBatchBuilder b({.partition_leader_epoch = 0,
                        .compression = Compression::kGzip,
                        .producer_id = 4242,
                        .producer_epoch = 3,
                        .base_sequence = 17});
  build_same_records(b);
  auto ours = b.finish();
  // The gzip stream differs (mtime, level); everything before it must not
  // (apart from the length and CRC), and the records must be identical.
  ASSERT_EQ(validate_batch(ours).error, ErrorCode::kNone);
  RecordReader a, k;
  ASSERT_FALSE(a.open(ours));
  ASSERT_FALSE(k.open(kGzip));
  EXPECT_EQ(to_hex({a.records_bytes().begin(), a.records_bytes().end()}),
            to_hex({k.records_bytes().begin(), k.records_bytes().end()}));
  for (size_t i = batch_layout::kAttributes; i < batch_layout::kHeaderSize; ++i)
    EXPECT_EQ(ours[i], kGzip[i]) << i;
}

}  // namespace
}  // namespace kappa::protocol

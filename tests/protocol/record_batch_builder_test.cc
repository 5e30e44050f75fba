#include "kappa/protocol/record_batch_builder.h"

#include <gtest/gtest.h>

#include "kappa/protocol/record_reader.h"
#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

TEST(RecordBatchBuilder, computes_header_fields) {
  RecordBatchBuilder b({.base_offset = 500,
                        .partition_leader_epoch = 7,
                        .producer_id = 99,
                        .producer_epoch = 2,
                        .base_sequence = INT32_MAX - 1});
  b.append(1000, "a", "1");
  b.append(3000, "b", "2");  // max
  b.append(500, "c", "3");   // before the base timestamp
  EXPECT_EQ(b.record_count(), 3);
  auto batch = b.finish();
  auto v = validate_batch(batch);
  ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
  const auto& h = v.header;
  EXPECT_EQ(h.base_offset, 500);
  EXPECT_EQ(h.partition_leader_epoch, 7);
  EXPECT_EQ(h.last_offset_delta, 2);
  EXPECT_EQ(h.next_offset(), 503);
  EXPECT_EQ(h.records_count, 3);
  EXPECT_EQ(h.base_timestamp, 1000);
  EXPECT_EQ(h.max_timestamp, 3000);
  EXPECT_EQ(h.producer_id, 99);
  EXPECT_EQ(h.producer_epoch, 2);
  EXPECT_EQ(h.base_sequence, INT32_MAX - 1);
  EXPECT_EQ(h.last_sequence(), 0);  // wraps
  EXPECT_EQ(h.attributes, 0);
  EXPECT_EQ(h.total_size(), batch.size());
}

TEST(RecordBatchBuilder, sets_attribute_bits) {
  for (auto codec : kCodecs) {
    RecordBatchBuilder b({.compression = codec, .transactional = true, .log_append_time = 42});
    b.append(1, "k", "v");
    auto v = validate_batch(b.finish());
    ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
    EXPECT_EQ(v.header.compression(), codec);
    EXPECT_TRUE(v.header.is_transactional());
    EXPECT_TRUE(v.header.log_append_time());
    EXPECT_FALSE(v.header.is_control());
    EXPECT_EQ(v.header.max_timestamp, 42);
  }
}

TEST(RecordBatchBuilder, builds_nothing_without_records) {
  RecordBatchBuilder b({.compression = Compression::kZstd});
  EXPECT_TRUE(b.empty());
  EXPECT_TRUE(b.finish().empty());
  std::vector<uint8_t> set = {1, 2};
  b.finish_into(set);
  EXPECT_EQ(set.size(), 2u);
  // ...and an empty record set walks as zero batches.
  EXPECT_EQ(for_each_batch(std::span<const uint8_t>(), [](auto) { FAIL(); }), 0u);
}

TEST(RecordBatchBuilder, resets_after_finish_and_appends_batches_into_a_record_set) {
  RecordBatchBuilder b({.compression = Compression::kSnappy});
  std::vector<uint8_t> set;
  for (int i = 0; i < 3; ++i) {
    b.options().base_offset = i * 10;
    for (int j = 0; j <= i; ++j) b.append(j, "k", std::to_string(i));
    b.finish_into(set);
    EXPECT_TRUE(b.empty());
  }
  std::vector<int64_t> offsets;
  const size_t consumed = for_each_batch(set, [&](std::span<const uint8_t> batch) {
    ASSERT_EQ(validate_batch(batch).error, ErrorCode::kNone);
    ASSERT_FALSE(
        for_each_record(batch, [&](const BatchHeader&, const Record& r) { offsets.push_back(r.offset); }));
  });
  EXPECT_EQ(consumed, set.size());
  EXPECT_EQ(offsets, (std::vector<int64_t>{0, 10, 11, 20, 21, 22}));
}

TEST(RecordBatchBuilder, tracks_the_uncompressed_size) {
  RecordBatchBuilder b;
  EXPECT_EQ(b.uncompressed_size(), batch_layout::kHeaderSize);
  b.append(0, "k", "hello", {{"h", "v"}});
  EXPECT_EQ(b.uncompressed_size(), 78u);  // RECORD-FORMAT.md example 1
  EXPECT_EQ(b.finish().size(), 78u);
}

TEST(RecordBatchBuilder, encodes_large_varints_and_negative_deltas) {
  RecordBatchBuilder b;
  std::string big(300000, 'x');  // multi-byte length varints
  b.append(INT64_MAX - 5, big, std::nullopt);
  b.append(-1, std::nullopt, big);  // a huge negative timestamp delta
  auto batch = b.finish();
  ASSERT_EQ(validate_batch(batch).error, ErrorCode::kNone);
  RecordReader reader;
  ASSERT_FALSE(reader.open(batch));
  Record r;
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.timestamp, INT64_MAX - 5);
  EXPECT_EQ(r.key.size(), big.size());
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.timestamp, -1);
  EXPECT_EQ(r.value.size(), big.size());
}

TEST(RecordBatchBuilder, builds_kraft_style_control_batches) {
  RecordBatchBuilder b({.control = true});
  const auto key = encode_control_key(ControlRecordType::kLeaderChange);
  b.append(7, std::span<const uint8_t>(key), "leader-change-payload");
  auto batch = b.finish();
  auto v = validate_batch(batch);
  ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
  EXPECT_TRUE(v.header.is_control());
  EXPECT_FALSE(v.header.is_transactional());
  ASSERT_FALSE(for_each_record(batch, [](const BatchHeader&, const Record& r) {
    EXPECT_EQ(parse_control_key(r.key), ControlRecordType::kLeaderChange);
  }));
}

TEST(BytesView, converts_from_strings_spans_and_nullopt) {
  std::string s = "abc";
  std::vector<uint8_t> v = {1, 2};
  EXPECT_TRUE(BytesView().is_null());
  EXPECT_TRUE(BytesView(std::nullopt).is_null());
  EXPECT_FALSE(BytesView("").is_null());
  EXPECT_EQ(BytesView("").wire_length(), 0);
  EXPECT_EQ(BytesView().wire_length(), -1);
  EXPECT_EQ(BytesView(s).str(), "abc");
  EXPECT_EQ(BytesView(v).size(), 2u);
  EXPECT_EQ(BytesView("abc"), BytesView(s));
  EXPECT_NE(BytesView(""), BytesView());
  EXPECT_EQ(BytesView(), BytesView(std::nullopt));
}

TEST(ControlRecord, parses_and_encodes_keys_and_markers) {
  EXPECT_EQ(
      parse_control_key(BytesView(std::span<const uint8_t>(encode_control_key(ControlRecordType::kAbort)))),
      ControlRecordType::kAbort);
  EXPECT_FALSE(parse_control_key(BytesView()));
  EXPECT_FALSE(parse_control_key("abc"));
  const auto unknown = testing::from_hex("0000 0063");
  EXPECT_EQ(static_cast<int>(*parse_control_key(unknown)), 99);
  const auto marker = encode_end_txn_marker(-3);
  auto parsed = parse_end_txn_marker(std::span<const uint8_t>(marker));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->coordinator_epoch, -3);
  EXPECT_FALSE(parse_end_txn_marker("12345"));
}

}  // namespace
}  // namespace kappa::protocol

// Batches as the log cleaner leaves them: records removed (offset gaps, a
// lastOffsetDelta spanning the original range), a delete horizon, empty
// batches kept for their producer state; and validate_batch's two origins.

#include <gtest/gtest.h>

#include <stdexcept>

#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"
#include "protocol/big_endian.h"

namespace kappa::protocol {
namespace {

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

struct ReadBack {
  std::vector<int64_t> offsets;
  std::vector<int64_t> timestamps;
  std::vector<std::string> values;
};

ReadBack read_back(std::span<const uint8_t> batch) {
  ReadBack out;
  auto ec = for_each_record(batch, [&](const BatchHeader&, const Record& r) {
    out.offsets.push_back(r.offset);
    out.timestamps.push_back(r.timestamp);
    out.values.emplace_back(r.value.str());
  });
  EXPECT_FALSE(ec) << ec.message();
  return out;
}

// Rewrites lastOffsetDelta and fixes the CRC, to craft inconsistent batches.
void patch_last_offset_delta(std::vector<uint8_t>& batch, int32_t delta) {
  be::store(batch.data() + batch_layout::kLastOffsetDelta, delta);
  be::store(batch.data() + batch_layout::kCrc, crc32c(std::span(batch).subspan(batch_layout::kAttributes)));
}

TEST(CompactedBatch, keeps_original_offset_deltas_and_the_whole_offset_range) {
  for (auto codec : kCodecs) {
    SCOPED_TRACE(compression_name(codec));
    RecordBatchBuilder b({.base_offset = 100,
                          .partition_leader_epoch = 4,
                          .compression = codec,
                          .producer_id = 77,
                          .producer_epoch = 3,
                          .base_sequence = 10,
                          .last_offset_delta = 9});
    b.append_with_offset_delta(2, 1002, "a", "x");
    b.append_with_offset_delta(5, 1005, "b", "y");
    b.append_with_offset_delta(7, 1001, "c", "z");
    auto batch = b.finish();

    EXPECT_EQ(validate_batch(batch).error, ErrorCode::kInvalidRecord);  // producers may not send gaps
    auto v = validate_batch(batch, BatchOrigin::kStored);
    ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
    EXPECT_EQ(v.header.base_offset, 100);
    EXPECT_EQ(v.header.last_offset_delta, 9);
    EXPECT_EQ(v.header.next_offset(), 110);
    EXPECT_EQ(v.header.records_count, 3);
    EXPECT_EQ(v.header.partition_leader_epoch, 4);
    EXPECT_EQ(v.header.producer_id, 77);
    EXPECT_EQ(v.header.producer_epoch, 3);
    EXPECT_EQ(v.header.base_sequence, 10);
    EXPECT_EQ(v.header.last_sequence(), 19);  // the sequence range survives too
    EXPECT_EQ(v.header.base_timestamp, 1002);
    EXPECT_EQ(v.header.max_timestamp, 1005);
    EXPECT_EQ(v.header.compression(), codec);

    auto got = read_back(batch);
    EXPECT_EQ(got.offsets, (std::vector<int64_t>{102, 105, 107}));
    EXPECT_EQ(got.timestamps, (std::vector<int64_t>{1002, 1005, 1001}));
    EXPECT_EQ(got.values, (std::vector<std::string>{"x", "y", "z"}));
  }
}

TEST(CompactedBatch, append_continues_after_an_explicit_delta) {
  RecordBatchBuilder b;
  b.append_with_offset_delta(3, 1, "a", "1");
  b.append(2, "b", "2");
  auto batch = b.finish();
  EXPECT_EQ(read_back(batch).offsets, (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(peek_batch_header(batch)->last_offset_delta, 4);
  // The builder resets its deltas on finish.
  b.append(3, "c", "3");
  EXPECT_EQ(read_back(b.finish()).offsets, (std::vector<int64_t>{0}));
}

TEST(CompactedBatch, rejects_deltas_that_do_not_increase_or_exceed_the_span) {
  RecordBatchBuilder b;
  b.append_with_offset_delta(3, 1, "a", "1");
  EXPECT_THROW(b.append_with_offset_delta(3, 1, "b", "2"), std::invalid_argument);
  EXPECT_THROW(b.append_with_offset_delta(1, 1, "b", "2"), std::invalid_argument);
  EXPECT_EQ(b.record_count(), 1);
  b.options().last_offset_delta = 2;
  std::vector<uint8_t> out = {9};
  EXPECT_THROW(b.finish_into(out), std::invalid_argument);
  EXPECT_EQ(out, std::vector<uint8_t>{9});
}

TEST(CompactedBatch, delete_horizon_sets_bit_6_and_keeps_record_timestamps) {
  RecordBatchBuilder b({.delete_horizon_ms = 90'000});
  b.append(1000, "k", std::nullopt);
  b.append(2000, "j", "v");
  auto batch = b.finish();
  auto v = validate_batch(batch, BatchOrigin::kStored);
  ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
  EXPECT_TRUE(v.header.attributes & kDeleteHorizonBit);
  EXPECT_EQ(v.header.base_timestamp, 90'000);
  EXPECT_EQ(v.header.max_timestamp, 2000);
  EXPECT_EQ(read_back(batch).timestamps, (std::vector<int64_t>{1000, 2000}));
}

TEST(CompactedBatch, empty_batch_keeps_offsets_and_producer_state) {
  auto batch = build_empty_batch({.base_offset = 50,
                                  .partition_leader_epoch = 2,
                                  .producer_id = 9,
                                  .producer_epoch = 1,
                                  .base_sequence = 40,
                                  .transactional = true,
                                  .last_offset_delta = 4},
                                 1234);
  ASSERT_EQ(batch.size(), batch_layout::kHeaderSize);
  EXPECT_EQ(validate_batch(batch).error, ErrorCode::kInvalidRecord);
  auto v = validate_batch(batch, BatchOrigin::kStored);
  ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
  EXPECT_EQ(v.header.base_offset, 50);
  EXPECT_EQ(v.header.next_offset(), 55);
  EXPECT_EQ(v.header.records_count, 0);
  EXPECT_EQ(v.header.last_sequence(), 44);
  EXPECT_EQ(v.header.producer_id, 9);
  EXPECT_EQ(v.header.producer_epoch, 1);
  EXPECT_EQ(v.header.partition_leader_epoch, 2);
  EXPECT_TRUE(v.header.is_transactional());
  EXPECT_EQ(v.header.compression(), Compression::kNone);
  EXPECT_EQ(v.header.base_timestamp, -1);
  EXPECT_EQ(v.header.max_timestamp, 1234);
  EXPECT_TRUE(read_back(batch).offsets.empty());
  EXPECT_THROW(build_empty_batch({}, 0), std::invalid_argument);
}

TEST(CompactedBatch, stored_validation_still_rejects_impossible_offsets) {
  {  // more records than offsets
    RecordBatchBuilder b;
    for (int i = 0; i < 3; ++i) b.append(i, "k", "v");
    auto batch = b.finish();
    patch_last_offset_delta(batch, 1);
    EXPECT_EQ(validate_batch(batch, BatchOrigin::kStored).error, ErrorCode::kInvalidRecord);
  }
  {  // a record beyond lastOffsetDelta
    RecordBatchBuilder b({.last_offset_delta = 5});
    b.append_with_offset_delta(0, 0, "k", "v");
    b.append_with_offset_delta(5, 0, "k", "v");
    auto batch = b.finish();
    ASSERT_EQ(validate_batch(batch, BatchOrigin::kStored).error, ErrorCode::kNone);
    patch_last_offset_delta(batch, 4);
    EXPECT_EQ(validate_batch(batch, BatchOrigin::kStored).error, ErrorCode::kCorruptMessage);
  }
  {  // a produced-style batch is valid in both modes
    RecordBatchBuilder b;
    for (int i = 0; i < 3; ++i) b.append(i, "k", "v");
    auto batch = b.finish();
    EXPECT_EQ(validate_batch(batch).error, ErrorCode::kNone);
    EXPECT_EQ(validate_batch(batch, BatchOrigin::kStored).error, ErrorCode::kNone);
  }
}

}  // namespace
}  // namespace kappa::protocol

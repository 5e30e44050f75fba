// BatchCleaner: the fate of one batch given the offset map.

#include "storage/batch_cleaner.h"

#include <gtest/gtest.h>

namespace kappa::storage {
namespace {

using protocol::BatchHeader;
using protocol::BatchOptions;
using protocol::Compression;
using protocol::RecordBatchBuilder;

constexpr int64_t kNow = 1'000'000;
constexpr int64_t kRetention = 5'000;

class BatchCleanerTest : public ::testing::Test {
 protected:
  BatchCleanerTest() : map(100), cleaner(map, kNow, kRetention, stats) {}

  Result<CleanedBatch> clean(const std::vector<uint8_t>& batch, BatchContext context = {.dirty = true}) {
    return cleaner.clean(batch, *protocol::peek_batch_header(batch), context);
  }
  static BatchHeader header_of(std::span<const uint8_t> b) { return *protocol::peek_batch_header(b); }

  KeyOffsetMap map;
  CleanerStats stats;
  BatchCleaner cleaner;
};

TEST_F(BatchCleanerTest, copies_a_batch_whose_records_all_survive_byte_for_byte) {
  RecordBatchBuilder b({.base_offset = 10, .compression = Compression::kZstd});
  b.append(1, "a", "1");
  b.append(2, "b", "2");
  auto batch = b.finish();
  map.put("a", 10);
  auto out = clean(batch);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->fate, BatchFate::kCopied);
  EXPECT_EQ(out->bytes.data(), batch.data());
}

TEST_F(BatchCleanerTest, keeps_record_headers_and_log_append_time) {
  RecordBatchBuilder b({.base_offset = 0, .log_append_time = 777});
  b.append(1, "a", "old");
  b.append(2, "b", "kept", {{"trace", "x"}, {"null", std::nullopt}});
  auto batch = b.finish();
  map.put("a", 5);
  auto out = clean(batch);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->fate, BatchFate::kRewritten);
  auto h = header_of(out->bytes);
  EXPECT_TRUE(h.log_append_time());
  EXPECT_EQ(h.max_timestamp, 777);
  EXPECT_EQ(h.last_offset_delta, 1);
  int seen = 0;
  ASSERT_FALSE(protocol::for_each_record(out->bytes, [&](const BatchHeader&, const protocol::Record& r) {
    ++seen;
    EXPECT_EQ(r.offset, 1);
    EXPECT_EQ(r.timestamp, 777);
    std::vector<protocol::RecordHeader> headers(r.headers.begin(), r.headers.end());
    ASSERT_EQ(headers.size(), 2u);
    EXPECT_EQ(headers[0].key, "trace");
    EXPECT_EQ(headers[0].value, protocol::BytesView("x"));
    EXPECT_TRUE(headers[1].value.is_null());
  }));
  EXPECT_EQ(seen, 1);
}

TEST_F(BatchCleanerTest, stamps_a_delete_horizon_on_dirty_tombstones_only) {
  RecordBatchBuilder b;
  b.append(1, "gone", std::nullopt);
  auto batch = b.finish();
  auto dirty = clean(batch, {.dirty = true});
  ASSERT_TRUE(dirty);
  EXPECT_EQ(dirty->fate, BatchFate::kRewritten);
  EXPECT_EQ(dirty->delete_horizon, kNow + kRetention);
  auto h = header_of(dirty->bytes);
  EXPECT_TRUE(h.attributes & protocol::kDeleteHorizonBit);
  EXPECT_EQ(h.base_timestamp, kNow + kRetention);
  // A tombstone in the clean part was not in this round's map: untouched.
  auto clean_part = clean(batch, {.dirty = false});
  ASSERT_TRUE(clean_part);
  EXPECT_EQ(clean_part->fate, BatchFate::kCopied);
  EXPECT_FALSE(clean_part->delete_horizon);
}

TEST_F(BatchCleanerTest, drops_tombstones_once_their_stored_horizon_has_passed) {
  for (int64_t horizon : {kNow + 1, kNow}) {
    RecordBatchBuilder b({.delete_horizon_ms = horizon});
    b.append(1, "gone", std::nullopt);
    b.append(2, "kept", "v");
    auto batch = b.finish();
    auto out = clean(batch);
    ASSERT_TRUE(out);
    if (horizon > kNow) {
      EXPECT_EQ(out->fate, BatchFate::kCopied);  // already stamped: not re-stamped
      EXPECT_EQ(out->delete_horizon, horizon);
    } else {
      ASSERT_EQ(out->fate, BatchFate::kRewritten);
      EXPECT_FALSE(out->delete_horizon);
      auto h = header_of(out->bytes);
      EXPECT_FALSE(h.attributes & protocol::kDeleteHorizonBit);  // no tombstone left to time
      EXPECT_EQ(h.records_count, 1);
      EXPECT_EQ(h.base_timestamp, 2);
    }
  }
  EXPECT_EQ(stats.tombstones_removed, 1u);
}

TEST_F(BatchCleanerTest, keeps_control_batches_as_they_are) {
  auto marker = protocol::build_txn_marker_batch({protocol::ControlRecordType::kCommit, 3, 0, 1, 5}, 40);
  auto out = clean(marker, {.dirty = true, .aborted = true});
  ASSERT_TRUE(out);
  EXPECT_EQ(out->fate, BatchFate::kCopied);
  EXPECT_EQ(out->bytes.size(), marker.size());
}

TEST_F(BatchCleanerTest, reports_unreadable_records_instead_of_failing) {
  RecordBatchBuilder b({.compression = Compression::kLz4});
  b.append(1, "a", "1");
  auto batch = b.finish();
  batch[batch.size() - 3] ^= 0xff;  // inside the lz4 frame
  auto out = clean(batch);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), StorageErrc::kCorruptSegment);
}

}  // namespace
}  // namespace kappa::storage

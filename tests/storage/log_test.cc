// Log: offset assignment, rolling, reads and offset lookups.

#include <gtest/gtest.h>

#include "kappa/protocol/record_batch_builder.h"
#include "kappa/storage/file_names.h"
#include "kappa/storage/index_format.h"
#include "log_fixture.h"

namespace kappa::storage {
namespace {

using test::BatchSpec;
using test::LogTest;
using test::make_batch;

TEST_F(LogTest, assigns_offsets_and_stamps_the_leader_epoch) {
  open();
  auto first = append(5, 16, -1, 3);
  auto second = append(2, 16, -1, 3);
  EXPECT_EQ(first.base_offset, 0);
  EXPECT_EQ(first.last_offset, 4);
  EXPECT_EQ(second.base_offset, 5);
  EXPECT_EQ(second.last_offset, 6);
  EXPECT_EQ(first.log_append_time_ms, -1);
  EXPECT_EQ(log->log_end_offset(), 7);
  auto headers = read_headers(0);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[1].base_offset, 5);
  EXPECT_EQ(headers[1].partition_leader_epoch, 3);
  EXPECT_EQ(log->leader_epochs().latest(), (EpochEntry{LeaderEpoch(3), 0}));
}

TEST_F(LogTest, stored_bytes_are_the_client_batch_with_only_offset_and_epoch_patched) {
  open();
  auto batch = make_batch({.records = 3, .value_size = 40});
  auto original = batch;
  ASSERT_TRUE(log->append(batch, LeaderEpoch(7)));
  auto stored = log->read(0, 1 << 20, INT64_MAX)->to_vector();
  ASSERT_EQ(stored.size(), original.size());
  EXPECT_TRUE(std::equal(stored.begin() + 16, stored.end(), original.begin() + 16));
  EXPECT_EQ(protocol::validate_batch(stored).error, protocol::ErrorCode::kNone);
}

TEST_F(LogTest, log_append_time_topics_stamp_the_append_time) {
  config.message_timestamp_type = TimestampType::kLogAppendTime;
  open();
  auto result = append(2, 16, 1000);
  EXPECT_EQ(result.log_append_time_ms, clock.wall_ms());
  auto stored = log->read(0, 1 << 20, INT64_MAX)->to_vector();
  auto header = protocol::peek_batch_header(stored);
  EXPECT_TRUE(header->log_append_time());
  EXPECT_EQ(header->max_timestamp, clock.wall_ms());
  EXPECT_EQ(protocol::validate_batch(stored).error, protocol::ErrorCode::kNone);
}

TEST_F(LogTest, rejects_bytes_that_are_not_exactly_one_batch) {
  open();
  auto batch = make_batch({});
  batch.push_back(0);
  EXPECT_EQ(log->append(batch, LeaderEpoch(0)).error(), StorageErrc::kInvalidBatch);
  std::vector<uint8_t> tiny(10);
  EXPECT_EQ(log->append(tiny, LeaderEpoch(0)).error(), StorageErrc::kInvalidBatch);
  EXPECT_EQ(log->log_end_offset(), 0);
}

TEST_F(LogTest, rolls_before_an_append_that_would_exceed_segment_bytes) {
  config.segment_bytes = 4000;
  open();
  for (int i = 0; i < 10; ++i) append(10, 90);  // ~1 KiB batches: 3 per segment
  auto bases = log->segment_base_offsets();
  EXPECT_EQ(bases, (std::vector<int64_t>{0, 30, 60, 90}));
  for (int64_t base : bases) {
    auto size = std::filesystem::file_size(dir / "topic-0" / segment_file_name(base, kLogSuffix));
    EXPECT_LE(size, 4000u);
  }
}

TEST_F(LogTest, rejects_a_batch_larger_than_segment_bytes) {
  config.segment_bytes = 500;
  open();
  auto batch = make_batch({.records = 10, .value_size = 90});
  EXPECT_EQ(log->append(batch, LeaderEpoch(0)).error(), StorageErrc::kBatchTooLarge);
}

TEST_F(LogTest, rolls_by_segment_ms_at_the_next_append) {
  config.segment_ms = 60'000;
  open();
  append();
  clock.advance(59'000);
  append();
  EXPECT_EQ(log->segment_count(), 1u);
  clock.advance(2'000);  // the first batch is now 61 s older than the next
  EXPECT_EQ(log->segment_count(), 1u);
  append();
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 2}));
}

TEST_F(LogTest, rolls_when_the_offset_index_is_full) {
  config.index_interval_bytes = 0;  // an entry per batch
  config.segment_index_bytes = 4 * TimeIndexEntry::kSize;  // 6 offset entries, 3 time entries
  open();
  for (int i = 0; i < 10; ++i) append(1, 16, clock.wall_ms() + i);
  EXPECT_GT(log->segment_count(), 2u);
  EXPECT_EQ(read_headers(0, 1 << 30).size(), log->segment_base_offsets()[1]);
}

TEST_F(LogTest, read_starts_at_the_batch_containing_the_offset) {
  open();
  for (int i = 0; i < 5; ++i) append(10);
  auto headers = read_headers(25);
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0].base_offset, 20);
  EXPECT_EQ(log->read(0, SIZE_MAX, INT64_MAX)->size(), log->size_bytes());  // no overflow
}

TEST_F(LogTest, read_respects_max_bytes_but_returns_a_larger_first_batch_whole) {
  open();
  for (int i = 0; i < 5; ++i) append(10, 90);
  const size_t batch = make_batch({.records = 10, .value_size = 90}).size();
  EXPECT_EQ(read_headers(0, 2 * batch + 10).size(), 2u);
  EXPECT_EQ(read_headers(0, 2 * batch).size(), 2u);
  EXPECT_EQ(read_headers(0, 2 * batch - 1).size(), 1u);
  auto one = log->read(10, 1, INT64_MAX);  // KIP-74
  ASSERT_TRUE(one);
  EXPECT_EQ(one->size(), batch);
  auto none = log->read(10, 1, INT64_MAX, /*min_one_batch=*/false);
  EXPECT_EQ(none->size(), 0u);
}

TEST_F(LogTest, read_never_returns_batches_at_or_past_max_offset) {
  open();
  for (int i = 0; i < 5; ++i) append(10);
  EXPECT_EQ(read_headers(0, 1 << 20, 30).size(), 3u);
  EXPECT_EQ(read_headers(0, 1 << 20, 35).size(), 3u);  // batch 30..39 is not wholly below 35
  EXPECT_EQ(log->read(30, 1 << 20, 30)->size(), 0u);
  EXPECT_EQ(log->read(35, 1 << 20, 30)->size(), 0u);
}

TEST_F(LogTest, read_stays_within_one_segment) {
  config.segment_bytes = 4000;
  open();
  for (int i = 0; i < 10; ++i) append(10, 90);
  EXPECT_EQ(read_headers(0).size(), 3u);
  EXPECT_EQ(read_headers(45).size(), 2u);
  EXPECT_EQ(read_headers(45)[0].base_offset, 40);
}

TEST_F(LogTest, read_at_the_end_is_empty_and_outside_the_log_is_out_of_range) {
  open();
  append(10);
  auto at_end = log->read(10, 1000, INT64_MAX);
  ASSERT_TRUE(at_end);
  EXPECT_FALSE(at_end->is_null());
  EXPECT_EQ(at_end->size(), 0u);
  EXPECT_EQ(log->read(11, 1000, INT64_MAX).error(), StorageErrc::kOffsetOutOfRange);
  EXPECT_EQ(log->read(-1, 1000, INT64_MAX).error(), StorageErrc::kOffsetOutOfRange);
  EXPECT_EQ(to_kafka_error(log->read(11, 1000, INT64_MAX).error()), protocol::ErrorCode::kOffsetOutOfRange);
}

TEST_F(LogTest, a_read_slice_outlives_the_deletion_of_its_segment) {
  config.segment_bytes = 4000;
  open();
  for (int i = 0; i < 10; ++i) append(10, 90);
  auto records = log->read(0, 1 << 20, INT64_MAX);
  ASSERT_TRUE(records && records->in_file());
  auto before = records->to_vector();
  log->update_high_watermark(log->log_end_offset());
  ASSERT_TRUE(log->delete_records_before(60));
  EXPECT_FALSE(std::filesystem::exists(dir / "topic-0" / segment_file_name(0, kLogSuffix)));
  EXPECT_EQ(records->to_vector(), before);
}

TEST_F(LogTest, follower_append_keeps_offsets_and_epochs) {
  open();
  auto a = make_batch({.base_offset = 0, .records = 3, .leader_epoch = 1});
  auto b = make_batch({.base_offset = 3, .records = 2, .leader_epoch = 2});
  std::vector<uint8_t> both(a);
  both.insert(both.end(), b.begin(), b.end());
  auto result = log->append_as_follower(both);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->base_offset, 0);
  EXPECT_EQ(result->last_offset, 4);
  EXPECT_EQ(log->log_end_offset(), 5);
  EXPECT_EQ(log->read(0, 1 << 20, INT64_MAX)->to_vector(), both);
  EXPECT_EQ(log->leader_epochs().entries(),
            (std::vector<EpochEntry>{{LeaderEpoch(1), 0}, {LeaderEpoch(2), 3}}));
}

TEST_F(LogTest, follower_append_refuses_overlaps_and_corruption_without_writing) {
  open();
  append(3);
  auto overlap = make_batch({.base_offset = 2});
  EXPECT_EQ(log->append_as_follower(overlap).error(), StorageErrc::kNonContiguousOffsets);
  auto later = make_batch({.base_offset = 5, .records = 3});
  auto overlapping_later = make_batch({.base_offset = 7});
  std::vector<uint8_t> pair(later);
  pair.insert(pair.end(), overlapping_later.begin(), overlapping_later.end());
  EXPECT_EQ(log->append_as_follower(pair).error(), StorageErrc::kNonContiguousOffsets);
  auto good = make_batch({.base_offset = 3});
  auto corrupt = make_batch({.base_offset = 4});
  corrupt.back() ^= 0xff;
  std::vector<uint8_t> both(good);
  both.insert(both.end(), corrupt.begin(), corrupt.end());
  EXPECT_EQ(log->append_as_follower(both).error(), StorageErrc::kCorruptBatch);
  auto partial = good;
  partial.insert(partial.end(), good.begin(), good.begin() + 30);  // a torn second batch
  EXPECT_EQ(log->append_as_follower(partial).error(), StorageErrc::kInvalidBatch);
  EXPECT_EQ(log->log_end_offset(), 3);
}

// What a compacted leader sends: batches with offsets missing between them
// and inside them (records removed, lastOffsetDelta kept).
TEST_F(LogTest, follower_append_accepts_gaps_left_by_a_compacted_leader) {
  open();
  append(3);
  protocol::RecordBatchBuilder compacted({.base_offset = 10, .partition_leader_epoch = 1, .last_offset_delta = 4});
  compacted.append_with_offset_delta(1, 1000, "a", "1");
  compacted.append_with_offset_delta(3, 1000, "b", "2");
  std::vector<uint8_t> batches = make_batch({.base_offset = 5, .records = 2, .leader_epoch = 1});
  compacted.finish_into(batches);
  auto result = log->append_as_follower(batches);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->base_offset, 5);
  EXPECT_EQ(result->last_offset, 14);
  EXPECT_EQ(log->log_end_offset(), 15);
  auto from_gap = read_headers(3);  // offsets 3 and 4 are gone: the next batch
  ASSERT_EQ(from_gap.size(), 2u);
  EXPECT_EQ(from_gap[0].base_offset, 5);
  EXPECT_EQ(read_headers(8)[0].base_offset, 10);
  EXPECT_EQ(read_headers(14)[0].base_offset, 10);  // inside the compacted batch
  EXPECT_EQ(append().base_offset, 15);
  reopen_clean();
  EXPECT_EQ(log->log_end_offset(), 16);
  log.reset();
  open();  // unclean: every batch is validated, the compacted one included
  EXPECT_EQ(log->log_end_offset(), 16);
  EXPECT_EQ(log->load_stats().bytes_truncated, 0u);
}

TEST_F(LogTest, follower_append_across_a_huge_gap_starts_a_segment_at_the_batch) {
  open();
  auto first = make_batch({.base_offset = 0, .records = 2});
  ASSERT_TRUE(log->append_as_follower(first));
  const int64_t far = int64_t{3} << 31;
  auto distant = make_batch({.base_offset = far, .records = 2});
  ASSERT_TRUE(log->append_as_follower(distant));
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, far}));
  EXPECT_EQ(log->log_end_offset(), far + 2);
  log->update_high_watermark(far + 2);
  ASSERT_TRUE(log->delete_records_before(far));  // the old segment goes, an empty log start stays
  const int64_t farther = far + (int64_t{5} << 31);
  auto again = make_batch({.base_offset = farther});
  ASSERT_TRUE(log->append_as_follower(again));
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{far, farther}));
  EXPECT_EQ(read_headers(far + 2)[0].base_offset, farther);
}

TEST_F(LogTest, offset_for_timestamp_finds_the_first_batch_reaching_it) {
  config.segment_bytes = 4000;
  open();
  const int64_t t0 = 1'000'000;
  for (int i = 0; i < 10; ++i) append(10, 90, t0 + 100 * i);  // batch i: t0+100i .. t0+100i+9
  auto at = [&](int64_t ts) { return *log->offset_for_timestamp(ts); };
  EXPECT_EQ(at(0)->offset, 0);
  EXPECT_EQ(at(t0)->offset, 0);
  EXPECT_EQ(at(t0 + 9)->offset, 0);
  EXPECT_EQ(at(t0 + 10)->offset, 10);
  EXPECT_EQ(at(t0 + 350)->offset, 40);  // in the second segment
  EXPECT_EQ(at(t0 + 350)->timestamp, t0 + 409);
  EXPECT_EQ(at(t0 + 909)->offset, 90);
  EXPECT_FALSE(at(t0 + 910));
  EXPECT_EQ(at(kEarliestTimestamp)->offset, 0);
  EXPECT_EQ(at(kLatestTimestamp)->offset, 100);
  EXPECT_EQ(at(kMaxTimestamp)->offset, 90);
  EXPECT_EQ(at(kMaxTimestamp)->timestamp, t0 + 909);
  log->update_high_watermark(log->log_end_offset());
  ASSERT_TRUE(log->delete_records_before(15));
  EXPECT_EQ(at(t0)->offset, 15);
  EXPECT_EQ(at(kEarliestTimestamp)->offset, 15);
}

TEST_F(LogTest, offset_for_timestamp_handles_out_of_order_create_times) {
  open();
  for (int64_t ts : {5000, 1000, 7000, 2000, 9000}) append(1, 16, ts);
  EXPECT_EQ((*log->offset_for_timestamp(1500))->offset, 0);  // the first batch with max >= 1500
  EXPECT_EQ((*log->offset_for_timestamp(6000))->offset, 2);
  EXPECT_EQ((*log->offset_for_timestamp(8000))->offset, 4);
}

TEST_F(LogTest, indexes_survive_a_clean_reopen) {
  config.segment_bytes = 16000;
  open();
  for (int i = 0; i < 40; ++i) append(10, 90, 5000 + i);
  reopen_clean();
  EXPECT_EQ(log->load_stats().indexes_rebuilt, 0u);
  EXPECT_EQ(log->load_stats().segments_recovered, 0u);
  EXPECT_EQ(log->log_end_offset(), 400);
  EXPECT_EQ(read_headers(255)[0].base_offset, 250);
  EXPECT_EQ((*log->offset_for_timestamp(5020))->offset, 110);  // batch 11 holds 5011..5020
  EXPECT_EQ(append().base_offset, 400);
}

}  // namespace
}  // namespace kappa::storage

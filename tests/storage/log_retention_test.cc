// Retention by time and size, DeleteRecords, and the active segment rule.

#include <gtest/gtest.h>

#include "log_fixture.h"

namespace kappa::storage {
namespace {

using test::LogTest;

class RetentionTest : public LogTest {
 protected:
  RetentionTest() {
    config.segment_bytes = 4000;  // three ~1 KiB batches per segment
    config.retention_ms = -1;
    config.retention_bytes = -1;
  }
  // Appends `count` ~1 KiB batches of 10 records stamped `timestamp`.
  void fill(int count, int64_t timestamp) {
    for (int i = 0; i < count; ++i) append(10, 90, timestamp);
    log->update_high_watermark(log->log_end_offset());
  }
};

TEST_F(RetentionTest, deletes_segments_whose_newest_batch_is_older_than_retention_ms) {
  config.retention_ms = 1000;
  open();
  const int64_t now = clock.wall_ms();
  fill(6, now - 5000);  // segments [0, 30) and [30, 60): old
  fill(3, now);         // segment [60, 90): fresh, and the active one
  auto deleted = log->apply_retention(now);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 2u);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{60}));
  EXPECT_EQ(log->log_start_offset(), 60);
  EXPECT_EQ(log->read(0, 100, INT64_MAX).error(), StorageErrc::kOffsetOutOfRange);
}

TEST_F(RetentionTest, rolls_an_expired_active_segment_so_it_can_go) {
  config.retention_ms = 1000;
  open();
  fill(2, clock.wall_ms());
  clock.advance(10'000);
  auto deleted = log->apply_retention(clock.wall_ms());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{20}));
  EXPECT_EQ(log->log_start_offset(), 20);
  EXPECT_EQ(log->log_end_offset(), 20);
  EXPECT_EQ(append().base_offset, 20);
  EXPECT_EQ(*log->apply_retention(clock.wall_ms()), 0u);  // an empty active segment stays
}

TEST_F(RetentionTest, deletes_oldest_segments_while_over_retention_bytes) {
  open();
  fill(10, clock.wall_ms());  // segments at 0, 30, 60 (full) and 90 (one batch)
  const uint64_t total = log->size_bytes();
  const uint64_t batch = total / 10;
  config.retention_bytes = static_cast<int64_t>(total - 4 * batch);  // must drop 4 batches: only whole segments
  ASSERT_FALSE(log->update_config(config));
  EXPECT_EQ(*log->apply_retention(clock.wall_ms()), 1u);  // dropping two segments would overshoot
  EXPECT_EQ(log->log_start_offset(), 30);
  config.retention_bytes = 0;
  ASSERT_FALSE(log->update_config(config));
  EXPECT_EQ(*log->apply_retention(clock.wall_ms()), 3u);  // the active one is rolled and goes too
  EXPECT_EQ(log->size_bytes(), 0u);
  EXPECT_EQ(log->log_start_offset(), 100);
}

TEST_F(RetentionTest, never_deletes_past_the_high_watermark) {
  config.retention_ms = 1000;
  open();
  fill(9, clock.wall_ms() - 5000);
  log->update_high_watermark(45);  // inside the second segment
  EXPECT_EQ(*log->apply_retention(clock.wall_ms()), 1u);
  EXPECT_EQ(log->log_start_offset(), 30);
}

TEST_F(RetentionTest, compacted_topics_ignore_time_and_size_retention) {
  config.retention_ms = 1;
  config.retention_bytes = 0;
  config.cleanup_policy = CleanupPolicy::kCompact;
  open();
  fill(9, clock.wall_ms() - 5000);
  EXPECT_EQ(*log->apply_retention(clock.wall_ms()), 0u);
}

TEST_F(RetentionTest, delete_records_moves_the_log_start_and_drops_whole_segments_below_it) {
  open();
  fill(9, clock.wall_ms());
  log->update_high_watermark(80);
  EXPECT_EQ(log->delete_records_before(81).error(), StorageErrc::kOffsetOutOfRange);  // beyond the high watermark
  auto start = log->delete_records_before(35);
  ASSERT_TRUE(start);
  EXPECT_EQ(*start, 35);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{30, 60}));
  EXPECT_EQ(log->read(34, 100, INT64_MAX).error(), StorageErrc::kOffsetOutOfRange);
  EXPECT_EQ(read_headers(35)[0].base_offset, 30);  // the batch containing 35
  EXPECT_EQ(*log->delete_records_before(10), 35);  // never moves back
}

TEST_F(RetentionTest, delete_records_to_the_end_leaves_an_empty_active_segment) {
  open();
  fill(4, clock.wall_ms());
  ASSERT_TRUE(log->delete_records_before(40));
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{40}));
  EXPECT_EQ(log->log_start_offset(), 40);
  EXPECT_EQ(log->size_bytes(), 0u);
}

TEST_F(RetentionTest, log_start_survives_a_restart_through_the_checkpoint_value) {
  open();
  fill(9, clock.wall_ms());
  ASSERT_TRUE(log->delete_records_before(35));
  ASSERT_FALSE(log->close());
  auto p = params(true);
  p.log_start_offset = 35;
  open_with(p);
  EXPECT_EQ(log->log_start_offset(), 35);
  p = params(true);  // without the checkpoint value the first segment decides
  open_with(p);
  EXPECT_EQ(log->log_start_offset(), 30);
}

TEST_F(RetentionTest, leader_epochs_below_the_log_start_are_dropped) {
  open();
  for (int epoch = 1; epoch <= 3; ++epoch) {
    for (int i = 0; i < 3; ++i) append(10, 90, -1, epoch);
  }
  log->update_high_watermark(log->log_end_offset());
  ASSERT_TRUE(log->delete_records_before(45));
  EXPECT_EQ(log->leader_epochs().entries(),
            (std::vector<EpochEntry>{{LeaderEpoch(2), 45}, {LeaderEpoch(3), 60}}));
}

}  // namespace
}  // namespace kappa::storage

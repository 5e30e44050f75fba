// Truncation for replication.

#include <gtest/gtest.h>

#include "kappa/storage/file_names.h"
#include "log_fixture.h"

namespace kappa::storage {
namespace {

using test::LogTest;

class TruncationTest : public LogTest {
 protected:
  TruncationTest() { config.segment_bytes = 4000; }
};

TEST_F(TruncationTest, truncate_to_drops_later_batches_and_segments) {
  open();
  for (int epoch = 1; epoch <= 3; ++epoch) {
    for (int i = 0; i < 3; ++i) append(10, 90, -1, epoch);
  }
  ASSERT_FALSE(log->flush());
  log->update_high_watermark(90);
  ASSERT_FALSE(log->truncate_to(40));
  EXPECT_EQ(log->log_end_offset(), 40);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 30}));
  EXPECT_EQ(log->recovery_point(), 40);
  EXPECT_EQ(log->high_watermark(), 40);
  EXPECT_FALSE(std::filesystem::exists(dir / "topic-0" / segment_file_name(60, kLogSuffix)));
  EXPECT_EQ(log->leader_epochs().entries(),
            (std::vector<EpochEntry>{{LeaderEpoch(1), 0}, {LeaderEpoch(2), 30}}));
  EXPECT_EQ(read_headers(0, 1 << 20).size(), 3u);
  EXPECT_EQ(append(1, 16, -1, 4).base_offset, 40);
}

TEST_F(TruncationTest, truncate_inside_a_batch_drops_the_whole_batch) {
  open();
  for (int i = 0; i < 3; ++i) append(10);
  ASSERT_FALSE(log->truncate_to(15));
  EXPECT_EQ(log->log_end_offset(), 10);
}

TEST_F(TruncationTest, truncate_to_a_segment_base_empties_that_segment) {
  open();
  for (int i = 0; i < 6; ++i) append(10, 90);
  ASSERT_FALSE(log->truncate_to(30));
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 30}));
  EXPECT_EQ(log->log_end_offset(), 30);
  EXPECT_EQ(log->read(30, 1000, INT64_MAX)->size(), 0u);
}

TEST_F(TruncationTest, truncate_at_or_past_the_end_does_nothing) {
  open();
  append(10);
  ASSERT_FALSE(log->truncate_to(10));
  ASSERT_FALSE(log->truncate_to(50));
  EXPECT_EQ(log->log_end_offset(), 10);
}

TEST_F(TruncationTest, truncate_fully_and_start_at_replaces_everything) {
  open();
  for (int i = 0; i < 6; ++i) append(10, 90, -1, 2);
  ASSERT_FALSE(log->truncate_fully_and_start_at(1000));
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{1000}));
  EXPECT_EQ(log->log_start_offset(), 1000);
  EXPECT_EQ(log->log_end_offset(), 1000);
  EXPECT_TRUE(log->leader_epochs().entries().empty());
  EXPECT_EQ(append().base_offset, 1000);
  reopen_clean();
  EXPECT_EQ(log->log_start_offset(), 1000);
  EXPECT_EQ(log->log_end_offset(), 1001);
}

TEST_F(TruncationTest, truncate_below_the_log_start_starts_over_there) {
  open();
  for (int i = 0; i < 6; ++i) append(10, 90);
  log->update_high_watermark(60);
  ASSERT_TRUE(log->delete_records_before(45));
  ASSERT_FALSE(log->truncate_to(20));
  EXPECT_EQ(log->log_start_offset(), 20);
  EXPECT_EQ(log->log_end_offset(), 20);
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{20}));
}

TEST_F(TruncationTest, a_flush_prepared_before_a_truncation_does_not_move_the_recovery_point) {
  open();
  for (int i = 0; i < 3; ++i) append(10);
  auto task = log->prepare_flush();
  ASSERT_TRUE(task);
  ASSERT_FALSE(log->truncate_to(10));
  for (int i = 0; i < 3; ++i) append(10);  // offsets 10..39 rewritten after the task was prepared
  log->complete_flush(*task, task->run());
  EXPECT_LE(log->recovery_point(), 10);
}

}  // namespace
}  // namespace kappa::storage

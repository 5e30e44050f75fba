// The flush policy hooks and flushing on a worker thread.

#include <thread>

#include <gtest/gtest.h>

#include "log_fixture.h"

namespace kappa::storage {
namespace {

using test::LogTest;

TEST_F(LogTest, flush_is_due_after_flush_messages) {
  config.flush_messages = 5;
  open();
  append(4);
  EXPECT_EQ(log->unflushed_messages(), 4);
  EXPECT_FALSE(log->flush_due(clock.wall_ms()));
  append(1);
  EXPECT_TRUE(log->flush_due(clock.wall_ms()));
  ASSERT_FALSE(log->flush());
  EXPECT_EQ(log->unflushed_messages(), 0);
  EXPECT_EQ(log->recovery_point(), 5);
  EXPECT_FALSE(log->flush_due(clock.wall_ms()));
}

TEST_F(LogTest, flush_is_due_after_flush_ms_with_unflushed_data) {
  config.flush_ms = 1000;
  open();
  clock.advance(5000);
  EXPECT_FALSE(log->flush_due(clock.wall_ms()));  // nothing to flush
  append();
  EXPECT_TRUE(log->flush_due(clock.wall_ms()));
  ASSERT_FALSE(log->flush());
  EXPECT_EQ(log->last_flush_ms(), clock.wall_ms());
  append();
  EXPECT_FALSE(log->flush_due(clock.wall_ms() + 999));
  EXPECT_TRUE(log->flush_due(clock.wall_ms() + 1000));
}

TEST_F(LogTest, a_rolled_segment_makes_a_flush_due) {
  config.segment_bytes = 2000;
  open();
  append(10, 90);
  EXPECT_FALSE(log->flush_due(clock.wall_ms()));
  append(10, 90);  // rolls
  EXPECT_TRUE(log->flush_due(clock.wall_ms()));
}

TEST_F(LogTest, fsync_runs_on_a_worker_while_the_owner_keeps_appending) {
  config.segment_bytes = 8000;
  open();
  for (int i = 0; i < 20; ++i) append(10, 90);
  auto task = log->prepare_flush();
  ASSERT_TRUE(task);
  EXPECT_EQ(task->offset(), 200);
  std::error_code result;
  std::thread worker([&] { result = task->run(); });
  for (int i = 0; i < 20; ++i) append(10, 90);  // concurrently: rolls and appends
  worker.join();
  log->complete_flush(*task, result);
  EXPECT_FALSE(result);
  EXPECT_EQ(log->recovery_point(), 200);
  EXPECT_EQ(log->unflushed_messages(), 200);
  ASSERT_FALSE(log->flush());
  EXPECT_EQ(log->recovery_point(), 400);
}

TEST_F(LogTest, a_flush_task_keeps_deleted_segments_alive) {
  config.segment_bytes = 2000;
  open();
  for (int i = 0; i < 4; ++i) append(10, 90);
  auto task = log->prepare_flush();
  log->update_high_watermark(log->log_end_offset());
  ASSERT_TRUE(log->delete_records_before(30));
  EXPECT_FALSE(task->run());
  log->complete_flush(*task, {});
  EXPECT_EQ(log->recovery_point(), 40);
}

TEST_F(LogTest, closed_logs_refuse_every_call) {
  open();
  append();
  ASSERT_FALSE(log->close());
  EXPECT_TRUE(log->closed());
  auto batch = test::make_batch({});
  EXPECT_EQ(log->append(batch, LeaderEpoch(0)).error(), StorageErrc::kLogClosed);
  EXPECT_EQ(log->read(0, 100, INT64_MAX).error(), StorageErrc::kLogClosed);
  EXPECT_EQ(log->truncate_to(0), StorageErrc::kLogClosed);
  EXPECT_EQ(log->prepare_flush().error(), StorageErrc::kLogClosed);
}

}  // namespace
}  // namespace kappa::storage

// Disk-full and I/O-error injection: a failed write never leaves a partial
// batch that reads or recovery would see.

#include <cerrno>

#include <gtest/gtest.h>

#include "faulty_file_system.h"
#include "kappa/storage/file_names.h"
#include "kappa/storage/index_format.h"
#include "log_fixture.h"

namespace kappa::storage {
namespace {

using test::FaultOp;
using test::FaultyFileSystem;
using test::LogTest;
using test::make_batch;

class FaultTest : public LogTest {
 protected:
  FaultTest() {
    fs = &faulty;
    config.segment_bytes = 4000;
  }
  std::filesystem::path file(int64_t base, std::string_view suffix) {
    return dir / "topic-0" / segment_file_name(base, suffix);
  }
  Result<AppendResult> try_append() {
    auto batch = make_batch({.records = 10, .value_size = 90, .timestamp = clock.wall_ms()});
    return log->append(batch, LeaderEpoch(0));
  }

  FaultyFileSystem faulty;
};

TEST_F(FaultTest, disk_full_on_append_cuts_the_partial_batch_and_reports_a_storage_error) {
  open();
  append(10, 90);
  const auto size = std::filesystem::file_size(file(0, kLogSuffix));
  faulty.inject({FaultOp::kWrite, 1, ENOSPC, 300, ".log"});
  auto failed = try_append();
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), std::errc::no_space_on_device);
  EXPECT_EQ(to_kafka_error(failed.error()), protocol::ErrorCode::kKafkaStorageError);
  EXPECT_EQ(std::filesystem::file_size(file(0, kLogSuffix)), size);
  EXPECT_EQ(log->log_end_offset(), 10);
  EXPECT_FALSE(log->failed());
  EXPECT_EQ(read_headers(0).size(), 1u);
  auto next = try_append();  // space is back
  ASSERT_TRUE(next);
  EXPECT_EQ(next->base_offset, 10);
  log.reset();
  open();
  EXPECT_EQ(log->log_end_offset(), 20);
  EXPECT_EQ(log->load_stats().bytes_truncated, 0u);
}

TEST_F(FaultTest, an_undo_that_fails_marks_the_log_failed_but_reads_stay_consistent) {
  open();
  append(10, 90);
  faulty.inject({FaultOp::kWrite, 1, EIO, 300, ".log"});
  faulty.inject({FaultOp::kTruncate, 1, EIO, 0, ".log"});
  auto failed = try_append();
  EXPECT_EQ(failed.error(), StorageErrc::kLogFailed);
  EXPECT_TRUE(log->failed());
  EXPECT_EQ(try_append().error(), StorageErrc::kLogFailed);
  EXPECT_EQ(to_kafka_error(StorageErrc::kLogFailed), protocol::ErrorCode::kKafkaStorageError);
  EXPECT_EQ(read_headers(0).size(), 1u);  // the 300 stray bytes are never served
  EXPECT_GT(std::filesystem::file_size(file(0, kLogSuffix)), log->size_bytes());
  EXPECT_FALSE(log->flush_due(clock.wall_ms() + LogConfig::kNever / 2));
  log.reset();  // restart: recovery removes the stray bytes
  open();
  EXPECT_EQ(log->log_end_offset(), 10);
  EXPECT_EQ(log->load_stats().bytes_truncated, 300u);
  EXPECT_TRUE(try_append());
}

TEST_F(FaultTest, disk_full_while_rolling_leaves_the_log_usable) {
  open();
  for (int i = 0; i < 3; ++i) append(10, 90);  // the next append rolls
  faulty.inject({FaultOp::kOpen, 1, ENOSPC, 0, ".timeindex"});
  EXPECT_EQ(try_append().error(), std::errc::no_space_on_device);
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_FALSE(std::filesystem::exists(file(30, kLogSuffix)));
  auto next = try_append();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->base_offset, 30);
  EXPECT_EQ(log->segment_count(), 2u);
}

TEST_F(FaultTest, disk_full_on_follower_append_keeps_the_whole_batches_before_it) {
  open();
  std::vector<uint8_t> batches;
  for (int i = 0; i < 3; ++i) {
    auto b = make_batch({.base_offset = i * 10, .records = 10, .value_size = 20});
    batches.insert(batches.end(), b.begin(), b.end());
  }
  faulty.inject({FaultOp::kWrite, 2, ENOSPC, 50, ".log"});
  EXPECT_EQ(log->append_as_follower(batches).error(), std::errc::no_space_on_device);
  EXPECT_EQ(log->log_end_offset(), 10);
  EXPECT_EQ(read_headers(0).size(), 1u);
}

TEST_F(FaultTest, a_failed_fsync_marks_the_log_failed) {
  open();
  append();
  faulty.inject({FaultOp::kSync, 1, EIO, 0, ".log"});
  EXPECT_EQ(log->flush(), std::errc::io_error);
  EXPECT_TRUE(log->failed());
  EXPECT_EQ(log->recovery_point(), 0);
  EXPECT_EQ(try_append().error(), StorageErrc::kLogFailed);
}

TEST_F(FaultTest, a_failed_index_write_fails_the_flush_and_is_retried) {
  config.index_interval_bytes = 0;
  open();
  for (int i = 0; i < 3; ++i) append(10, 90);
  faulty.inject({FaultOp::kWrite, 1, ENOSPC, 5, ".index"});
  EXPECT_EQ(log->flush(), std::errc::no_space_on_device);
  EXPECT_FALSE(log->failed());
  ASSERT_FALSE(log->flush());
  EXPECT_EQ(std::filesystem::file_size(file(0, kIndexSuffix)), 3 * OffsetIndexEntry::kSize);
  EXPECT_EQ(log->recovery_point(), 30);
}

TEST_F(FaultTest, disk_full_on_the_epoch_checkpoint_does_not_fail_the_append) {
  open();
  faulty.inject({FaultOp::kWriteDurable, 1, ENOSPC, 0, "leader-epoch"});
  auto batch = make_batch({});
  ASSERT_TRUE(log->append(batch, LeaderEpoch(5)));
  EXPECT_TRUE(log->leader_epochs().dirty());
  EXPECT_TRUE(log->flush_due(clock.wall_ms()));
  ASSERT_FALSE(log->flush());
  EXPECT_FALSE(log->leader_epochs().dirty());
}

}  // namespace
}  // namespace kappa::storage

// LogManager: creating, reloading (with and without the clean-shutdown
// marker), deleting partitions, checkpoints and the periodic hooks.

#include <gtest/gtest.h>

#include "batch_builder.h"
#include "kappa/common/clock.h"
#include "kappa/storage/checkpoint_format.h"
#include "kappa/storage/file_names.h"
#include "kappa/storage/log_manager.h"
#include "test_dir.h"

namespace kappa::storage {
namespace {

using test::make_batch;
using test::TestDir;

class LogManagerTest : public ::testing::Test {
 protected:
  LogManagerTest() {
    config.log_dirs = {dir / "a", dir / "b"};
    config.default_config.segment_bytes = 4000;
  }

  void open() {
    manager.reset();
    auto opened = LogManager::open(config, FileSystem::posix(), clock);
    ASSERT_TRUE(opened) << opened.error().message();
    manager = std::move(*opened);
  }

  static TopicPartition tp(int i) { return {"topic." + std::to_string(i % 7), PartitionId(i)}; }

  void append(Log& log, int records = 10) {
    auto batch = make_batch({.records = records, .value_size = 90, .timestamp = clock.wall_ms()});
    ASSERT_TRUE(log.append(batch, LeaderEpoch(1)));
  }

  // Creates `count` partitions, partition i holding i + 1 batches.
  void populate(int count) {
    for (int i = 0; i < count; ++i) {
      auto log = manager->get_or_create(tp(i));
      ASSERT_TRUE(log);
      for (int b = 0; b <= i % 9; ++b) append(**log);
    }
  }

  void expect_populated(int count) {
    ASSERT_EQ(manager->size(), static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
      auto log = manager->get(tp(i));
      ASSERT_TRUE(log) << i;
      EXPECT_EQ(log->log_end_offset(), 10 * (i % 9 + 1)) << i;
      auto records = log->read(0, 1 << 20, INT64_MAX);
      ASSERT_TRUE(records);
      EXPECT_GT(records->size(), 0u);
    }
  }

  TestDir dir;
  ManualClock clock;
  LogManagerConfig config;
  std::unique_ptr<LogManager> manager;
};

TEST_F(LogManagerTest, spreads_new_logs_over_the_log_dirs) {
  open();
  populate(4);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "a" / "topic.0-0"));
  EXPECT_TRUE(std::filesystem::is_directory(dir / "b" / "topic.1-1"));
  EXPECT_EQ(manager->get_or_create(tp(0))->get(), manager->get(tp(0)).get());
  EXPECT_EQ(manager->get_or_create({"bad/name", PartitionId(0)}).error(), StorageErrc::kInvalidTopicPartition);
}

TEST_F(LogManagerTest, reloads_many_partitions_after_a_clean_shutdown_without_validation) {
  open();
  populate(40);
  ASSERT_FALSE(manager->shutdown());
  EXPECT_TRUE(std::filesystem::exists(dir / "a" / kCleanShutdownFile));
  EXPECT_TRUE(std::filesystem::exists(dir / "b" / kCleanShutdownFile));
  open();
  EXPECT_FALSE(std::filesystem::exists(dir / "a" / kCleanShutdownFile));  // removed on open
  expect_populated(40);
  for (const auto& t : manager->partitions()) EXPECT_EQ(manager->get(t)->load_stats().segments_recovered, 0u);
}

TEST_F(LogManagerTest, reloads_many_partitions_after_a_crash_by_validating_from_recovery_points) {
  open();
  populate(40);
  ASSERT_FALSE(manager->write_checkpoints());  // recovery points still 0: nothing was flushed
  for (auto& pending : manager->flush_policy(clock.wall_ms() + LogConfig::kNever / 2)) {
    pending.log->complete_flush(pending.task, pending.task.run());
  }
  open();  // no shutdown(): no marker
  expect_populated(40);
  size_t recovered = 0;
  for (const auto& t : manager->partitions()) recovered += manager->get(t)->load_stats().segments_recovered;
  EXPECT_GT(recovered, 0u);
}

TEST_F(LogManagerTest, recovery_point_checkpoint_limits_validation_to_the_last_segments) {
  open();
  auto log = *manager->get_or_create(tp(0));
  for (int i = 0; i < 12; ++i) append(*log);  // four segments
  ASSERT_FALSE(log->flush());
  ASSERT_FALSE(manager->write_checkpoints());
  open();
  EXPECT_EQ(manager->get(tp(0))->load_stats().segments_recovered, 1u);
}

TEST_F(LogManagerTest, a_corrupt_checkpoint_is_ignored_and_everything_is_validated) {
  open();
  auto log = *manager->get_or_create(tp(0));
  for (int i = 0; i < 12; ++i) append(*log);
  ASSERT_FALSE(log->flush());
  ASSERT_FALSE(manager->write_checkpoints());
  const auto checkpoint = dir / "a" / kRecoveryPointCheckpointFile;
  auto bytes = test::read_file(checkpoint);
  bytes[8] ^= 0xff;
  test::write_file(checkpoint, bytes);
  open();
  EXPECT_EQ(manager->get(tp(0))->load_stats().segments_recovered, 4u);
  EXPECT_EQ(manager->get(tp(0))->log_end_offset(), 120);
}

TEST_F(LogManagerTest, checkpoints_hold_recovery_points_and_log_starts_per_dir) {
  open();
  auto log = *manager->get_or_create(tp(0));
  for (int i = 0; i < 6; ++i) append(*log);
  log->update_high_watermark(60);
  ASSERT_TRUE(log->delete_records_before(35));
  ASSERT_FALSE(log->flush());
  ASSERT_FALSE(manager->write_checkpoints());
  auto read = [&](std::string_view name) {
    auto r = read_durable_file(dir / "a" / name);
    return *parse_offset_checkpoint(std::string(r.payload.begin(), r.payload.end()));
  };
  EXPECT_EQ(read(kRecoveryPointCheckpointFile), (OffsetMap{{tp(0), 60}}));
  EXPECT_EQ(read(kLogStartOffsetCheckpointFile), (OffsetMap{{tp(0), 35}}));
  ASSERT_FALSE(manager->shutdown());
  open();
  EXPECT_EQ(manager->get(tp(0))->log_start_offset(), 35);
}

TEST_F(LogManagerTest, remove_renames_the_directory_and_cleanup_deletes_it) {
  open();
  populate(2);
  auto held = manager->get(tp(0));
  ASSERT_FALSE(manager->remove(tp(0)));
  EXPECT_FALSE(manager->get(tp(0)));
  EXPECT_TRUE(held->closed());
  EXPECT_FALSE(std::filesystem::exists(dir / "a" / "topic.0-0"));
  size_t pending = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "a")) {
    pending += is_delete_dir_name(entry.path().filename().string());
  }
  EXPECT_EQ(pending, 1u);
  manager->delete_removed_dirs();
  for (const auto& entry : std::filesystem::directory_iterator(dir / "a")) {
    EXPECT_FALSE(is_delete_dir_name(entry.path().filename().string())) << entry.path();
  }
  auto again = manager->get_or_create(tp(0));  // a new, empty log
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->log_end_offset(), 0);
}

TEST_F(LogManagerTest, removal_task_runs_elsewhere_and_failures_are_retried) {
  open();
  populate(2);
  ASSERT_FALSE(manager->remove(tp(0)));
  ASSERT_FALSE(manager->remove(tp(1)));
  auto task = manager->take_removed_dirs();
  ASSERT_EQ(task.dirs.size(), 2u);
  EXPECT_TRUE(manager->take_removed_dirs().dirs.empty());  // handed over: not taken twice
  for (const auto& d : task.dirs) EXPECT_TRUE(std::filesystem::exists(d));
  // What could not be deleted comes back for the next task.
  manager->restore_removed_dirs({task.dirs[1]});
  EXPECT_TRUE(task.run().empty());
  for (const auto& d : task.dirs) EXPECT_FALSE(std::filesystem::exists(d));
  auto retry = manager->take_removed_dirs();
  ASSERT_EQ(retry.dirs.size(), 1u);
  EXPECT_TRUE(retry.run().empty());  // already gone: remove_all succeeds
}

TEST_F(LogManagerTest, leftover_delete_directories_are_removed_after_a_restart) {
  open();
  populate(1);
  ASSERT_FALSE(manager->shutdown());
  std::filesystem::create_directories(dir / "a" / delete_dir_name("old-3", "0123abcd"));
  open();
  EXPECT_EQ(manager->size(), 1u);
  manager->delete_removed_dirs();
  EXPECT_FALSE(std::filesystem::exists(dir / "a" / delete_dir_name("old-3", "0123abcd")));
}

TEST_F(LogManagerTest, retention_and_flush_hooks_reach_every_log) {
  config.default_config.retention_ms = 1000;
  config.default_config.flush_messages = 15;
  open();
  populate(3);  // 10, 20 and 30 messages
  auto due = manager->flush_policy(clock.wall_ms());
  ASSERT_EQ(due.size(), 2u);
  for (auto& pending : due) pending.log->complete_flush(pending.task, pending.task.run());
  EXPECT_EQ(manager->get(tp(2))->recovery_point(), 30);
  for (const auto& t : manager->partitions()) manager->get(t)->update_high_watermark(INT64_MAX);
  clock.advance(10'000);
  EXPECT_EQ(manager->run_retention(clock.wall_ms()), 3u);  // each log: its one (active) segment
  EXPECT_EQ(manager->get(tp(2))->log_start_offset(), 30);
}

TEST_F(LogManagerTest, refuses_a_partition_present_in_two_log_dirs) {
  open();
  populate(1);
  ASSERT_FALSE(manager->shutdown());
  std::filesystem::create_directories(dir / "b" / "topic.0-0");
  manager.reset();
  auto opened = LogManager::open(config, FileSystem::posix(), clock);
  EXPECT_FALSE(opened);
}

}  // namespace
}  // namespace kappa::storage

namespace kappa::storage {
namespace {

TEST(HighWatermarkCheckpoint, a_reopened_log_starts_at_its_checkpointed_high_watermark_not_its_end) {
  test::TestDir dir;
  ManualClock clock;
  LogManagerConfig config;
  config.log_dirs = {dir.path()};
  TopicPartition tp{"hw", PartitionId(0)};
  {
    auto manager = LogManager::open(config, FileSystem::posix(), clock);
    ASSERT_TRUE(manager);
    auto log = (*manager)->get_or_create(tp);
    ASSERT_TRUE(log);
    for (int i = 0; i < 10; ++i) {
      auto batch = test::make_batch(test::BatchSpec{});
      ASSERT_TRUE((*log)->append(batch, LeaderEpoch(0)));
    }
    (*log)->update_high_watermark(4);  // only 4 records replicated
    ASSERT_FALSE((*manager)->write_checkpoints());
    ASSERT_FALSE((*manager)->shutdown());
  }
  auto manager = LogManager::open(config, FileSystem::posix(), clock);
  ASSERT_TRUE(manager);
  auto log = (*manager)->get(tp);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), 10);
  EXPECT_EQ(log->high_watermark(), 4);
}

}  // namespace
}  // namespace kappa::storage

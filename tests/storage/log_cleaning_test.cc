// The owner thread's side of compaction: a round running on another thread
// while the log changes, rounds made obsolete by truncation, retention or
// removal, cancellation, readers of replaced segments, and the cleaner
// checkpoint kept by the LogManager.

#include <thread>

#include <gtest/gtest.h>

#include "compaction_fixture.h"
#include "kappa/storage/checkpoint_format.h"
#include "kappa/storage/file_names.h"
#include "kappa/storage/log_manager.h"

namespace kappa::storage {
namespace {

using test::CompactionTest;
using test::KV;

class CleaningTest : public CompactionTest {
 protected:
  void fill(int segments, const std::string& prefix = "k") {
    for (int s = 0; s < segments; ++s) {
      roll_with({{prefix + std::to_string(s % 3), std::string(50, 'a' + s % 26)}, {"same", std::to_string(s)}});
    }
    roll_with({{"tail", "t"}});
    mark_all_committed();
  }
  bool has_stray_files() {
    for (const auto& entry : std::filesystem::directory_iterator(dir / "topic-0")) {
      auto name = entry.path().filename().string();
      if (name.ends_with(kCleanedSuffix) || name.ends_with(kSwapSuffix)) return true;
    }
    return false;
  }
};

TEST_F(CleaningTest, appends_continue_while_a_round_runs_on_another_thread) {
  open();
  fill(30);
  const auto before = read_all();
  const int64_t end = cleanable_end();
  auto task = log->prepare_cleaning(clock.wall_ms(), {});
  ASSERT_TRUE(task && *task);
  EXPECT_TRUE(log->cleaning_in_progress());
  EXPECT_FALSE(log->cleaning_candidate(clock.wall_ms()));  // one round at a time
  std::error_code ran;
  std::thread worker([&] { ran = (*task)->run(); });
  for (int i = 0; i < 40; ++i) {  // appends, rolls and flushes on the owner thread meanwhile
    if (i % 10 == 0) clock.advance(config.segment_ms + 1);
    append_keyed({{"during", std::to_string(i)}});
    if (i % 7 == 0) {
      ASSERT_FALSE(log->flush());
    }
  }
  worker.join();
  ASSERT_FALSE(ran) << ran.message();
  auto done = log->complete_cleaning(**task, ran);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_FALSE(log->cleaning_in_progress());
  auto after = read_all();
  ASSERT_EQ(after.size(), 3u + 1 + 1 + 40);  // k0..k2, "same", "tail", the 40 appended meanwhile
  EXPECT_EQ(after.back().value, "39");
  std::vector<test::StoredRecord> cleaned_part(after.begin(), after.end() - 40);
  expect_compacted(before, cleaned_part, end);
}

TEST_F(CleaningTest, a_truncation_during_a_round_discards_its_result) {
  open();
  fill(10);
  auto task = log->prepare_cleaning(clock.wall_ms(), {});
  ASSERT_TRUE(task && *task);
  ASSERT_FALSE((*task)->run());
  ASSERT_FALSE(log->truncate_to(15));
  EXPECT_EQ(log->complete_cleaning(**task, {}).error(), StorageErrc::kCleaningAborted);
  EXPECT_FALSE(has_stray_files());
  EXPECT_EQ(log->log_end_offset(), 14);  // batches of two records: cut at the batch holding 15
  EXPECT_EQ(read_all().size(), 14u);
  EXPECT_EQ(log->cleaned_offset(), 0);
}

TEST_F(CleaningTest, truncating_below_the_cleaner_checkpoint_moves_it_back) {
  open();
  fill(10);
  ASSERT_TRUE(clean());
  ASSERT_GT(log->cleaned_offset(), 10);
  ASSERT_FALSE(log->truncate_to(10));
  EXPECT_EQ(log->cleaned_offset(), log->log_end_offset());
  EXPECT_LE(log->cleaned_offset(), 10);
}

TEST_F(CleaningTest, retention_deleting_a_snapshot_segment_discards_the_result) {
  config.cleanup_policy = CleanupPolicy::kCompactAndDelete;
  open();
  fill(10);
  auto task = log->prepare_cleaning(clock.wall_ms(), {});
  ASSERT_TRUE(task && *task);
  ASSERT_FALSE((*task)->run());
  ASSERT_TRUE(log->delete_records_before(4));  // the first two segments go
  EXPECT_EQ(log->complete_cleaning(**task, {}).error(), StorageErrc::kCleaningAborted);
  EXPECT_FALSE(has_stray_files());
  ASSERT_TRUE(clean());  // the next round works on what is left
  EXPECT_EQ(log->log_start_offset(), 4);
  EXPECT_EQ(read_all().size(), 5u);  // k0, k1, k2, "same", "tail"
}

TEST_F(CleaningTest, a_cancelled_round_changes_nothing) {
  open();
  fill(10);
  const auto before = read_all();
  auto task = log->prepare_cleaning(clock.wall_ms(), {});
  ASSERT_TRUE(task && *task);
  (*task)->cancel();
  auto ran = (*task)->run();
  EXPECT_EQ(ran, std::errc::operation_canceled);
  EXPECT_EQ(log->complete_cleaning(**task, ran).error(), std::errc::operation_canceled);
  EXPECT_FALSE(has_stray_files());
  EXPECT_EQ(read_all(), before);
  EXPECT_TRUE(clean());  // a later round is due again
}

TEST_F(CleaningTest, readers_of_replaced_segments_keep_reading_them) {
  open();
  fill(10);
  std::vector<protocol::Records> slices;
  std::vector<std::vector<uint8_t>> bytes;
  for (int64_t base : log->segment_base_offsets()) {
    auto records = log->read(base, 1 << 20, INT64_MAX);
    ASSERT_TRUE(records && records->in_file());
    slices.push_back(*records);
    bytes.push_back(records->to_vector());
  }
  ASSERT_TRUE(clean());
  EXPECT_FALSE(std::filesystem::exists(dir / "topic-0" / segment_file_name(2, kLogSuffix)));  // merged away
  for (size_t i = 0; i < slices.size(); ++i) EXPECT_EQ(slices[i].to_vector(), bytes[i]) << i;
}

TEST_F(CleaningTest, a_closed_log_discards_the_round) {
  open();
  fill(5);
  auto task = log->prepare_cleaning(clock.wall_ms(), {});
  ASSERT_TRUE(task && *task);
  ASSERT_FALSE((*task)->run());
  ASSERT_FALSE(log->close());
  EXPECT_EQ(log->complete_cleaning(**task, {}).error(), StorageErrc::kCleaningAborted);
  EXPECT_FALSE(has_stray_files());
}

class CleanerManagerTest : public ::testing::Test {
 protected:
  CleanerManagerTest() {
    config.log_dirs = {dir / "a"};
    config.default_config.segment_bytes = 4000;
    config.default_config.segment_ms = 1000;
    compacted = config.default_config;
    compacted.cleanup_policy = CleanupPolicy::kCompact;
    config.config_for = [this](const TopicPartition& tp) {
      return tp.topic == "plain" ? config.default_config : compacted;
    };
  }
  void open() {
    manager.reset();
    auto opened = LogManager::open(config, FileSystem::posix(), clock);
    ASSERT_TRUE(opened) << opened.error().message();
    manager = std::move(*opened);
  }
  // `batches` one-record batches cycling over `keys` keys, a second apart.
  void write(Log& log, int batches, int keys) {
    for (int i = 0; i < batches; ++i) {
      clock.advance(1001);
      protocol::RecordBatchBuilder b;
      b.append(clock.wall_ms(), "key-" + std::to_string(i % keys), std::string(100, 'v'));
      auto batch = b.finish();
      ASSERT_TRUE(log.append(batch, LeaderEpoch(1)));
    }
    log.update_high_watermark(log.log_end_offset());
  }

  test::TestDir dir;
  ManualClock clock;
  LogManagerConfig config;
  LogConfig compacted;
  std::unique_ptr<LogManager> manager;
};

TEST_F(CleanerManagerTest, cleans_the_dirtiest_compacted_log_first) {
  compacted.min_cleanable_dirty_ratio = 0.01;
  open();
  auto little = *manager->get_or_create({"little", PartitionId(0)}, compacted);
  auto much = *manager->get_or_create({"much", PartitionId(0)}, compacted);
  auto plain = *manager->get_or_create({"plain", PartitionId(0)}, config.default_config);
  write(*little, 10, 10);
  write(*much, 10, 2);
  write(*plain, 10, 1);
  EXPECT_EQ(manager->run_cleaner(clock.wall_ms(), 5), 2u);  // both compacted logs; "plain" never
  EXPECT_EQ(much->cleaned_offset(), 9);
  EXPECT_FALSE(plain->cleaning_candidate(clock.wall_ms()));
  write(*little, 2, 10);  // a little dirt next to ten clean keys
  write(*much, 10, 2);    // much dirt next to two clean keys
  auto little_ratio = little->cleaning_candidate(clock.wall_ms())->dirty_ratio;
  auto much_ratio = much->cleaning_candidate(clock.wall_ms())->dirty_ratio;
  ASSERT_LT(little_ratio, much_ratio);
  auto pending = manager->prepare_cleaning(clock.wall_ms());
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->log, much);
  auto second = manager->prepare_cleaning(clock.wall_ms());  // one round per log at a time
  ASSERT_TRUE(second);
  EXPECT_EQ(second->log, little);
  const auto canceled = std::make_error_code(std::errc::operation_canceled);
  EXPECT_EQ(second->log->complete_cleaning(second->task, canceled).error(), canceled);  // never ran
  ASSERT_TRUE(pending->log->complete_cleaning(pending->task, pending->task.run()));
  EXPECT_TRUE(little->cleaning_candidate(clock.wall_ms()));
}

TEST_F(CleanerManagerTest, the_cleaner_checkpoint_survives_a_restart) {
  open();
  auto log = *manager->get_or_create({"compacted", PartitionId(3)}, compacted);
  auto plain = *manager->get_or_create({"plain", PartitionId(0)}, config.default_config);
  write(*log, 12, 3);
  write(*plain, 3, 1);
  ASSERT_EQ(manager->run_cleaner(clock.wall_ms()), 1u);
  const int64_t cleaned = log->cleaned_offset();
  ASSERT_EQ(cleaned, 11);
  ASSERT_FALSE(manager->write_checkpoints());
  auto read = read_durable_file(dir / "a" / std::string(kCleanerCheckpointFile));
  ASSERT_EQ(read.status, DurableReadStatus::kOk);
  auto offsets = parse_offset_checkpoint(std::string(read.payload.begin(), read.payload.end()));
  ASSERT_TRUE(offsets);
  EXPECT_EQ(*offsets, (OffsetMap{{TopicPartition{"compacted", PartitionId(3)}, 11}}));
  ASSERT_FALSE(manager->shutdown());
  open();
  EXPECT_EQ(manager->get({"compacted", PartitionId(3)})->cleaned_offset(), 11);
  EXPECT_EQ(manager->run_cleaner(clock.wall_ms()), 0u);  // nothing new is dirty
}

TEST_F(CleanerManagerTest, refuses_an_impossible_dedupe_load_factor) {
  for (double factor : {0.0, 1.5}) {
    config.cleaner.dedupe_load_factor = factor;
    EXPECT_EQ(LogManager::open(config, FileSystem::posix(), clock).error(), StorageErrc::kInvalidConfig);
  }
}

TEST_F(CleanerManagerTest, a_disabled_cleaner_prepares_nothing) {
  config.cleaner.enable = false;
  open();
  auto log = *manager->get_or_create({"compacted", PartitionId(0)}, compacted);
  write(*log, 5, 1);
  EXPECT_TRUE(log->cleaning_candidate(clock.wall_ms()));
  EXPECT_FALSE(manager->prepare_cleaning(clock.wall_ms()));
}

}  // namespace
}  // namespace kappa::storage

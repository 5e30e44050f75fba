// Crash safety of swapping cleaned segments in (segment_swap.h): a crash at
// any step, of the cleaning round or of the swap, reopens to the old
// segments, the new ones, or a prefix of groups swapped — never losing a
// record that defines a key's final state — and leaves no stray files.

#include <gtest/gtest.h>

#include "compaction_fixture.h"
#include "faulty_file_system.h"
#include "kappa/storage/file_names.h"

namespace kappa::storage {
namespace {

using test::CompactionTest;
using test::FaultyFileSystem;
using test::KV;
using test::StoredRecord;

class SwapCrashTest : public CompactionTest {
 protected:
  SwapCrashTest() { fs = &faulty; }

  // Fourteen small segments (one batch each, rolled by time) of mostly
  // distinct keys, so the round writes several groups of several segments.
  void fill() {
    for (int s = 0; s < 14; ++s) {
      std::vector<KV> batch;
      for (int i = 0; i < 8; ++i) batch.push_back({"k" + std::to_string(s * 8 + i), std::string(60, 'x')});
      batch.push_back({"dup", "v" + std::to_string(s)});
      batch.push_back({"k" + std::to_string(s % 5), "again"});
      roll_with(batch);
    }
    roll_with({{"tail", "t"}});
    mark_all_committed();
  }

  // Writes the log once, keeps a copy, and restores it for each iteration.
  void restore_filled_log() {
    const auto copy = dir / "filled";
    if (!std::filesystem::exists(copy)) {
      open();
      fill();
      ASSERT_FALSE(log->close());
      std::filesystem::copy(dir / "topic-0", copy);
    }
    log.reset();
    std::filesystem::remove_all(dir / "topic-0");
    std::filesystem::copy(copy, dir / "topic-0");
    open(true);
    mark_all_committed();
  }

  // Reopens after a crash as the LogManager would, with the recovery point
  // of the checkpoint (everything was flushed before the round).
  void reopen_after_crash(int64_t recovery_point) {
    log.reset();
    faulty.clear();
    auto p = params();
    p.recovery_point = recovery_point;
    open_with(p);
  }

  std::vector<std::string> stray_files() {
    std::vector<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "topic-0")) {
      auto name = entry.path().filename().string();
      if (name.ends_with(kCleanedSuffix) || name.ends_with(kSwapSuffix)) out.push_back(name);
    }
    return out;
  }

  // After a crash and an unclean reopen: no record invented or altered,
  // nothing at or after the cleanable end lost, every key's final state
  // intact, no leftovers — and the next round finishes the job.
  void expect_recovered(const std::vector<StoredRecord>& before, int64_t end, int64_t log_end) {
    EXPECT_TRUE(stray_files().empty());
    EXPECT_EQ(log->log_end_offset(), log_end);
    const auto now = read_all();
    std::map<int64_t, StoredRecord> original;
    for (const auto& r : before) original[r.offset] = r;
    for (const auto& r : now) {
      auto it = original.find(r.offset);
      ASSERT_NE(it, original.end()) << r.offset;
      EXPECT_EQ(it->second, r);
    }
    EXPECT_EQ(test::final_state(now), test::final_state(before));
    size_t tail_before = 0, tail_now = 0;
    for (const auto& r : before) tail_before += r.offset >= end;
    for (const auto& r : now) tail_now += r.offset >= end;
    EXPECT_EQ(tail_now, tail_before);
    mark_all_committed();
    (void)clean();
    expect_compacted(before, read_all(), end);
  }

  FaultyFileSystem faulty;
};

TEST_F(SwapCrashTest, a_crash_at_any_step_of_the_swap_recovers_old_new_or_a_prefix_of_groups) {
  for (int ops = 0; ops < 1000; ++ops) {
    SCOPED_TRACE(testing::Message() << "crash after " << ops << " operations of the swap");
    faulty.clear();
    restore_filled_log();
    const auto before = read_all();
    const int64_t end = cleanable_end();
    const int64_t log_end = log->log_end_offset();
    auto task = log->prepare_cleaning(clock.wall_ms(), {});
    ASSERT_TRUE(task && *task);
    ASSERT_FALSE((*task)->run());
    ASSERT_GE((*task)->stats().segments_written, 3u);
    const int failures = faulty.failures();
    faulty.crash_after(ops);
    const bool completed = log->complete_cleaning(**task, {}).ok();
    const bool crashed = faulty.failures() > failures;
    EXPECT_EQ(completed, !crashed);
    reopen_after_crash(log_end);  // the process died at the crash point
    expect_recovered(before, end, log_end);
    if (HasFailure() || !crashed) break;
  }
}

TEST_F(SwapCrashTest, a_crash_while_cleaning_leaves_the_old_segments) {
  for (int ops = 0; ops < 3000; ops += 3) {
    SCOPED_TRACE(testing::Message() << "crash after " << ops << " operations of the round");
    faulty.clear();
    restore_filled_log();
    const auto before = read_all();
    const auto bases = log->segment_base_offsets();
    const int64_t end = cleanable_end();
    auto task = log->prepare_cleaning(clock.wall_ms(), {});
    ASSERT_TRUE(task && *task);
    const int failures = faulty.failures();
    faulty.crash_after(ops);
    auto ran = (*task)->run();
    const bool crashed = faulty.failures() > failures;
    if (crashed) {
      EXPECT_TRUE(ran);
      EXPECT_EQ(log->complete_cleaning(**task, ran).error(), ran);
    }
    reopen_after_crash(before.back().offset + 1);
    if (crashed) {
      EXPECT_EQ(read_all(), before);
      EXPECT_EQ(log->segment_base_offsets(), bases);
    }
    expect_recovered(before, end, before.back().offset + 1);
    if (HasFailure() || !crashed) break;
  }
}

TEST_F(SwapCrashTest, a_committed_swap_keeps_whole_the_replaced_segments_past_its_last_offset) {
  open();
  append_keyed({{"a", "1"}});
  roll_with({{"b", "1"}});
  roll_with({{std::nullopt, "keyless"}});  // contributes nothing to the cleaned segment
  roll_with({{"tail", "t"}});
  mark_all_committed();
  const auto before = read_all();
  auto task = log->prepare_cleaning(clock.wall_ms(), {});
  ASSERT_TRUE(task && *task);
  ASSERT_FALSE((*task)->run());
  ASSERT_EQ((*task)->stats().segments_written, 1u);  // [0, 1, 2] -> 0, ending at offset 2
  faulty.crash_after(4);  // the three renames to .swap and the directory fsync: committed
  EXPECT_FALSE(log->complete_cleaning(**task, {}));
  EXPECT_TRUE(log->failed());
  log.reset();
  faulty.clear();
  EXPECT_TRUE(std::filesystem::exists(dir / "topic-0" / (segment_file_name(0, kLogSuffix) + ".swap")));
  open();
  EXPECT_EQ(log->load_stats().swaps_completed, 1u);
  EXPECT_TRUE(stray_files().empty());
  // Segment 1 lay inside the cleaned segment's range and went; segment 2
  // (after its last offset) is still there, whole.
  EXPECT_EQ(log->segment_base_offsets(), (std::vector<int64_t>{0, 2, 3}));
  EXPECT_EQ(read_all(), before);  // the keyless record survives in the old segment 2
  mark_all_committed();  // a reopened log's high watermark starts at its checkpoint (none here)
  (void)clean();
  EXPECT_EQ(read_all().size(), 3u);  // and goes in the next round
}

TEST_F(SwapCrashTest, leftovers_of_an_uncommitted_swap_are_removed_on_open) {
  open();
  append_keyed({{"a", "1"}});
  roll_with({{"a", "2"}});
  mark_all_committed();
  const auto before = read_all();
  ASSERT_FALSE(log->close());
  const auto part = dir / "topic-0";
  test::write_file(part / (segment_file_name(0, kLogSuffix) + ".cleaned"), {1, 2, 3});
  test::write_file(part / (segment_file_name(0, kIndexSuffix) + ".swap"), {});
  test::write_file(part / (segment_file_name(0, kTimeIndexSuffix) + ".swap"), {});
  open(true);
  EXPECT_TRUE(stray_files().empty());
  EXPECT_EQ(log->load_stats().swaps_completed, 0u);
  EXPECT_EQ(read_all(), before);
}

}  // namespace
}  // namespace kappa::storage

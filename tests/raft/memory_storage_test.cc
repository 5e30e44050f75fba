#include "kappa/raft/memory_storage.h"

#include <gtest/gtest.h>

#include <random>

namespace kappa::raft {
namespace {

Entry entry(int64_t index, int64_t term) {
  return Entry{.index = index, .term = Term{term}, .type = EntryType::kData, .payload = {}};
}

TEST(MemoryStorage, crash_loses_unsynced_writes_but_never_synced_ones) {
  MemoryRaftStorage disk;
  disk.save_hard_state(HardState{.term = Term{1}, .voted_for = NodeId{1}});
  std::vector<Entry> first{entry(1, 1), entry(2, 1)};
  disk.append(first);
  disk.sync();
  std::vector<Entry> more{entry(3, 1), entry(4, 1), entry(5, 1)};
  disk.append(more);
  EXPECT_EQ(disk.current().entries.size(), 5u);
  EXPECT_EQ(disk.durable().entries.size(), 2u);
  EXPECT_EQ(disk.unsynced_writes(), 3u);

  // Over many crashes every prefix of the unsynced writes shows up, and
  // nothing else does.
  std::vector<bool> seen(4);
  for (uint64_t seed = 0; seed < 200; ++seed) {
    MemoryRaftStorage copy = disk;
    std::mt19937_64 rng(seed);
    copy.crash(rng);
    size_t kept = copy.durable().entries.size() - 2;
    ASSERT_LE(kept, 3u);
    seen[kept] = true;
    EXPECT_EQ(copy.current().entries.size(), copy.durable().entries.size());
    EXPECT_EQ(copy.durable().hard_state.voted_for, NodeId{1});
  }
  EXPECT_EQ(seen, std::vector<bool>(4, true));
}

TEST(MemoryStorage, snapshots_drop_covered_entries_or_the_whole_log) {
  MemoryRaftStorage disk;
  std::vector<Entry> entries{entry(1, 1), entry(2, 1), entry(3, 2), entry(4, 2)};
  disk.append(entries);
  disk.save_snapshot(Snapshot{.last_index = 2, .last_term = Term{1}, .data = {7}});
  disk.sync();
  EXPECT_EQ(disk.durable().snapshot.last_index, 2);
  EXPECT_EQ(disk.durable().entries, (std::vector<Entry>{entry(3, 2), entry(4, 2)}));
  // Conflict truncation: appending at 4 replaces the old 4.
  std::vector<Entry> conflict{entry(4, 3)};
  disk.append(conflict);
  EXPECT_EQ(disk.current().entries.back().term, Term{3});
  disk.reset_to_snapshot(Snapshot{.last_index = 9, .last_term = Term{3}, .data = {}});
  disk.sync();
  EXPECT_TRUE(disk.durable().entries.empty());
  EXPECT_EQ(disk.durable().snapshot.last_index, 9);
}

}  // namespace
}  // namespace kappa::raft

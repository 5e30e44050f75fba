// LeaderEpochCache: assignment rules, OffsetsForLeaderEpoch answers,
// truncation from both ends and persistence.

#include <gtest/gtest.h>

#include "kappa/storage/file_system.h"
#include "kappa/storage/leader_epoch_cache.h"
#include "test_dir.h"

namespace kappa::storage {
namespace {

using test::TestDir;

class EpochCacheTest : public ::testing::Test {
 protected:
  LeaderEpochCache make() { return LeaderEpochCache(FileSystem::posix(), dir / "leader-epoch-checkpoint"); }
  static std::vector<EpochEntry> entries(std::initializer_list<std::pair<int32_t, int64_t>> list) {
    std::vector<EpochEntry> out;
    for (auto [e, o] : list) out.push_back({LeaderEpoch(e), o});
    return out;
  }
  TestDir dir;
};

TEST_F(EpochCacheTest, assign_appends_new_epochs_and_ignores_later_offsets_of_the_latest) {
  auto cache = make();
  ASSERT_FALSE(cache.assign(LeaderEpoch(1), 0));
  ASSERT_FALSE(cache.assign(LeaderEpoch(1), 10));  // same epoch, later offset: no change
  ASSERT_FALSE(cache.assign(LeaderEpoch(3), 20));
  ASSERT_FALSE(cache.assign(LeaderEpoch(-1), 30));  // no epoch
  EXPECT_EQ(cache.entries(), entries({{1, 0}, {3, 20}}));
  EXPECT_EQ(cache.latest_epoch(), LeaderEpoch(3));
  EXPECT_EQ(cache.start_offset_of(LeaderEpoch(3)), 20);
  EXPECT_EQ(cache.epoch_for_offset(19), LeaderEpoch(1));
  EXPECT_FALSE(cache.dirty());
}

TEST_F(EpochCacheTest, assign_replaces_conflicting_entries) {
  auto cache = make();
  ASSERT_FALSE(cache.assign(LeaderEpoch(1), 0));
  ASSERT_FALSE(cache.assign(LeaderEpoch(3), 20));
  ASSERT_FALSE(cache.assign(LeaderEpoch(5), 15));  // starts before epoch 3 did
  EXPECT_EQ(cache.entries(), entries({{1, 0}, {5, 15}}));
  ASSERT_FALSE(cache.assign(LeaderEpoch(2), 30));  // an older epoch replaces newer ones
  EXPECT_EQ(cache.entries(), entries({{1, 0}, {2, 30}}));
}

TEST_F(EpochCacheTest, end_offset_for_follows_offsets_for_leader_epoch_semantics) {
  auto cache = make();
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(0), 100), (EpochEndOffset{}));  // empty cache
  ASSERT_FALSE(cache.assign(LeaderEpoch(2), 10));
  ASSERT_FALSE(cache.assign(LeaderEpoch(4), 30));
  ASSERT_FALSE(cache.assign(LeaderEpoch(6), 50));
  const int64_t leo = 70;
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(6), leo), (EpochEndOffset{LeaderEpoch(6), 70}));  // latest
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(4), leo), (EpochEndOffset{LeaderEpoch(4), 50}));
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(5), leo), (EpochEndOffset{LeaderEpoch(4), 50}));  // unknown: floor
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(1), leo), (EpochEndOffset{LeaderEpoch(1), 10}));  // older than all
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(7), leo), (EpochEndOffset{}));  // newer than all
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(-1), leo), (EpochEndOffset{}));
}

TEST_F(EpochCacheTest, truncate_from_end_drops_epochs_starting_at_or_after_the_offset) {
  auto cache = make();
  for (auto [e, o] : {std::pair{1, 0}, {2, 10}, {3, 20}}) ASSERT_FALSE(cache.assign(LeaderEpoch(e), o));
  ASSERT_FALSE(cache.truncate_from_end(25));
  EXPECT_EQ(cache.entries().size(), 3u);
  ASSERT_FALSE(cache.truncate_from_end(10));
  EXPECT_EQ(cache.entries(), entries({{1, 0}}));
}

TEST_F(EpochCacheTest, truncate_from_start_moves_the_first_epoch_up_to_the_new_start) {
  auto cache = make();
  for (auto [e, o] : {std::pair{1, 0}, {2, 10}, {3, 20}}) ASSERT_FALSE(cache.assign(LeaderEpoch(e), o));
  ASSERT_FALSE(cache.truncate_from_start(15));
  EXPECT_EQ(cache.entries(), entries({{2, 15}, {3, 20}}));
  ASSERT_FALSE(cache.truncate_from_start(20));
  EXPECT_EQ(cache.entries(), entries({{3, 20}}));
  ASSERT_FALSE(cache.truncate_from_start(5));  // below the first entry: nothing
  EXPECT_EQ(cache.entries(), entries({{3, 20}}));
}

TEST_F(EpochCacheTest, persists_and_reloads_in_kafkas_text_format) {
  {
    auto cache = make();
    ASSERT_FALSE(cache.assign(LeaderEpoch(1), 0));
    ASSERT_FALSE(cache.assign(LeaderEpoch(3), 20));
  }
  auto read = read_durable_file(dir / "leader-epoch-checkpoint");
  ASSERT_EQ(read.status, DurableReadStatus::kOk);
  EXPECT_EQ(std::string(read.payload.begin(), read.payload.end()), "0\n2\n1 0\n3 20\n");
  auto cache = make();
  EXPECT_TRUE(cache.load());
  EXPECT_EQ(cache.entries(), entries({{1, 0}, {3, 20}}));
}

TEST_F(EpochCacheTest, load_refuses_missing_damaged_or_unordered_checkpoints) {
  auto cache = make();
  EXPECT_FALSE(cache.load());
  write_durable_file(dir / "leader-epoch-checkpoint", std::vector<uint8_t>{'x'});
  EXPECT_FALSE(cache.load());
  std::string unordered = "0\n2\n3 20\n1 0\n";
  write_durable_file(dir / "leader-epoch-checkpoint", std::span(reinterpret_cast<const uint8_t*>(unordered.data()), unordered.size()));
  EXPECT_FALSE(cache.load());
  EXPECT_TRUE(cache.entries().empty());
}

}  // namespace
}  // namespace kappa::storage

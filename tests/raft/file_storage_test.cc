#include "kappa/raft/file_storage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "kappa/common/durable_file.h"
#include "kappa/raft/raft_node.h"
#include "raft/log_format.h"

namespace kappa::raft {
namespace {

namespace fs = std::filesystem;

Entry entry(int64_t index, int64_t term, std::string_view payload = "payload") {
  return Entry{.index = index,
               .term = Term{term},
               .type = EntryType::kData,
               .payload = std::vector<uint8_t>(payload.begin(), payload.end())};
}

std::vector<Entry> entries(int64_t from, int64_t to, int64_t term) {
  std::vector<Entry> out;
  for (int64_t i = from; i <= to; ++i) out.push_back(entry(i, term, "entry-" + std::to_string(i)));
  return out;
}

std::vector<fs::path> segments(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() == ".log") out.push_back(f.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void flip_byte(const fs::path& path, uint64_t offset_from_end) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(-static_cast<std::streamoff>(offset_from_end), std::ios::end);
  char c = 0;
  f.read(&c, 1);
  f.seekp(-static_cast<std::streamoff>(offset_from_end), std::ios::end);
  c = static_cast<char>(c ^ 0x5a);
  f.write(&c, 1);
}

class FileStorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("kappa-raft-storage-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  FileRaftStorage::Opened open(uint64_t segment_bytes = 1 << 20) {
    return FileRaftStorage::open(dir_, FileStorageOptions{.segment_bytes = segment_bytes});
  }

  fs::path dir_;
};

TEST_F(FileStorageTest, starts_empty) {
  auto opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.hard_state, HardState{});
  EXPECT_EQ(opened.state.snapshot.last_index, 0);
  EXPECT_TRUE(opened.state.entries.empty());
}

TEST_F(FileStorageTest, reopens_after_clean_close) {
  {
    auto opened = open();
    ASSERT_TRUE(opened.storage) << opened.error;
    opened.storage->save_hard_state(HardState{.term = Term{3}, .voted_for = NodeId{2}});
    opened.storage->append(entries(1, 10, 2));
    opened.storage->sync();
  }
  auto opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.hard_state, (HardState{.term = Term{3}, .voted_for = NodeId{2}}));
  EXPECT_EQ(opened.state.entries, entries(1, 10, 2));
  // ...and keeps appending where it left off.
  opened.storage->append(entries(11, 12, 3));
  opened.storage->sync();
  opened.storage.reset();
  EXPECT_EQ(open().state.entries.size(), 12u);
}

TEST_F(FileStorageTest, truncates_conflicting_suffix_across_segments) {
  {
    auto opened = open(200);  // a few entries per segment
    opened.storage->save_hard_state(HardState{.term = Term{2}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 30, 1));
    ASSERT_GT(opened.storage->segment_count(), 3u);
    opened.storage->append(entries(8, 9, 2));
    opened.storage->sync();
  }
  auto opened = open(200);
  ASSERT_TRUE(opened.storage) << opened.error;
  std::vector<Entry> want = entries(1, 7, 1);
  for (Entry& e : entries(8, 9, 2)) want.push_back(e);
  EXPECT_EQ(opened.state.entries, want);
  for (const auto& path : segments(dir_)) {
    EXPECT_LE(std::stoll(path.stem().string()), 9) << path;  // later segments are gone
  }
}

TEST_F(FileStorageTest, truncates_torn_tail_on_recovery) {
  {
    auto opened = open();
    opened.storage->save_hard_state(HardState{.term = Term{1}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 5, 1));
    opened.storage->sync();
  }
  fs::path seg = segments(dir_).back();
  auto good_size = fs::file_size(seg);
  {
    // Half of a sixth frame: a crash in the middle of a write.
    std::vector<uint8_t> frame_bytes{0, 0, 0, 40, 1, 2, 3, 4, 0, 0, 0};
    std::ofstream out(seg, std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(frame_bytes.data()),
              static_cast<std::streamsize>(frame_bytes.size()));
  }
  auto opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.entries, entries(1, 5, 1));
  EXPECT_EQ(fs::file_size(seg), good_size);
  opened.storage->append(entries(6, 6, 1));
  opened.storage->sync();
  opened.storage.reset();
  EXPECT_EQ(open().state.entries, entries(1, 6, 1));
}

TEST_F(FileStorageTest, drops_everything_after_a_corrupt_entry) {
  {
    auto opened = open(200);
    opened.storage->save_hard_state(HardState{.term = Term{1}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 20, 1));
    opened.storage->sync();
  }
  auto segs = segments(dir_);
  ASSERT_GT(segs.size(), 2u);
  flip_byte(segs[1], 3);  // inside the payload of the last frame of the second segment
  auto opened = open(200);
  ASSERT_TRUE(opened.storage) << opened.error;
  ASSERT_FALSE(opened.state.entries.empty());
  int64_t last = opened.state.entries.back().index;
  EXPECT_LT(last, 20);
  EXPECT_EQ(opened.state.entries, entries(1, last, 1));
  EXPECT_EQ(segments(dir_).size(), 2u);
}

TEST_F(FileStorageTest, detects_corrupt_snapshot) {
  {
    auto opened = open();
    opened.storage->save_hard_state(HardState{.term = Term{1}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 5, 1));
    opened.storage->sync();
    opened.storage->save_snapshot(Snapshot{.last_index = 3, .last_term = Term{1}, .data = {1, 2, 3, 4}});
  }
  flip_byte(dir_ / "snapshot", 10);
  auto opened = open();
  EXPECT_FALSE(opened.storage);
  EXPECT_NE(opened.error.find("snapshot"), std::string::npos) << opened.error;
}

TEST_F(FileStorageTest, detects_corrupt_hard_state) {
  open().storage->save_hard_state(HardState{.term = Term{4}, .voted_for = NodeId{1}});
  flip_byte(dir_ / "hard_state", 12);
  auto opened = open();
  EXPECT_FALSE(opened.storage);
  EXPECT_NE(opened.error.find("hard_state"), std::string::npos) << opened.error;
}

TEST_F(FileStorageTest, refuses_a_log_beyond_the_hard_state_term) {
  {
    auto opened = open();
    opened.storage->save_hard_state(HardState{.term = Term{1}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 2, 5));
    opened.storage->sync();
  }
  EXPECT_FALSE(open().storage);
}

TEST_F(FileStorageTest, compaction_drops_the_covered_prefix) {
  {
    auto opened = open(200);
    opened.storage->save_hard_state(HardState{.term = Term{2}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 40, 2));
    opened.storage->sync();
    size_t before = opened.storage->segment_count();
    opened.storage->save_snapshot(Snapshot{.last_index = 25, .last_term = Term{2}, .data = {9, 9}});
    opened.storage->sync();
    EXPECT_LT(opened.storage->segment_count(), before);
  }
  auto opened = open(200);
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.snapshot, (Snapshot{.last_index = 25, .last_term = Term{2}, .data = {9, 9}}));
  EXPECT_EQ(opened.state.entries, entries(26, 40, 2));
  // Compacting everything leaves no segment; appends start a new one.
  opened.storage->save_snapshot(Snapshot{.last_index = 40, .last_term = Term{2}, .data = {}});
  EXPECT_EQ(opened.storage->segment_count(), 0u);
  opened.storage->append(entries(41, 42, 2));
  opened.storage->sync();
  opened.storage.reset();
  EXPECT_EQ(open(200).state.entries, entries(41, 42, 2));
}

TEST_F(FileStorageTest, reset_to_snapshot_replaces_the_log) {
  {
    auto opened = open();
    opened.storage->save_hard_state(HardState{.term = Term{7}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 10, 1));
    opened.storage->reset_to_snapshot(Snapshot{.last_index = 50, .last_term = Term{6}, .data = {5}});
    opened.storage->append(entries(51, 52, 7));
    opened.storage->sync();
  }
  auto opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.snapshot.last_index, 50);
  EXPECT_EQ(opened.state.entries, entries(51, 52, 7));
}

// A crash between writing a snapshot and removing the segments it replaces
// leaves the old log next to the new snapshot.
TEST_F(FileStorageTest, keeps_a_leftover_log_only_if_it_continues_the_snapshot) {
  auto leave_behind = [&](Term snapshot_term) {
    fs::remove_all(dir_);
    auto opened = open();
    opened.storage->save_hard_state(HardState{.term = Term{7}, .voted_for = std::nullopt});
    opened.storage->append(entries(1, 10, 1));
    opened.storage->sync();
    write_durable_file(dir_ / "snapshot", log_format::encode_snapshot(Snapshot{
                                              .last_index = 5, .last_term = snapshot_term, .data = {}}));
  };
  leave_behind(Term{3});
  auto opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_TRUE(opened.state.entries.empty());
  EXPECT_TRUE(segments(dir_).empty());
  opened.storage.reset();

  leave_behind(Term{1});
  opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.entries, entries(6, 10, 1));
}

TEST_F(FileStorageTest, a_node_restarts_from_its_files) {
  RaftConfig config;
  config.id = NodeId{1};
  config.voters = {NodeId{1}};
  int64_t now = 0;
  {
    auto opened = open();
    RaftNode node(config, opened.state, std::mt19937_64(1), now);
    while (node.role() != Role::kLeader) node.tick(now += 100);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(node.propose({uint8_t(i)}).ok());
    while (node.has_ready()) {
      persist_ready(*opened.storage, node.ready());
      node.advance();
    }
    EXPECT_EQ(node.commit_index(), 4);
  }
  auto opened = open();
  ASSERT_TRUE(opened.storage) << opened.error;
  EXPECT_EQ(opened.state.hard_state, (HardState{.term = Term{1}, .voted_for = NodeId{1}}));
  ASSERT_EQ(opened.state.entries.size(), 4u);
  EXPECT_EQ(opened.state.entries[0].type, EntryType::kNoop);
  EXPECT_EQ(opened.state.entries[3].payload, std::vector<uint8_t>{2});
}

}  // namespace
}  // namespace kappa::raft

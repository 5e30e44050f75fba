// OffsetIndex and TimeIndex: lookups (exact, floor, before the first
// entry), truncation, and the persisted file format.

#include <gtest/gtest.h>

#include "kappa/storage/file_system.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"
#include "test_dir.h"

namespace kappa::storage {
namespace {

using test::TestDir;

std::shared_ptr<File> new_file(const std::filesystem::path& path) {
  auto file = FileSystem::posix().open(path, OpenMode::kCreateOrOpen);
  EXPECT_TRUE(file);
  return *file;
}

TEST(OffsetIndex, lookup_returns_floor_entry_or_segment_start) {
  TestDir dir;
  OffsetIndex index(new_file(dir / "0.index"), 100, 1000);
  index.append(110, 4096);
  index.append(120, 8192);
  index.append(130, 12288);
  EXPECT_EQ(index.lookup(100).offset, 100);
  EXPECT_EQ(index.lookup(109).position, 0u);
  EXPECT_EQ(index.lookup(110).position, 4096u);  // exact entry
  EXPECT_EQ(index.lookup(119).position, 4096u);  // between entries
  EXPECT_EQ(index.lookup(120).position, 8192u);
  EXPECT_EQ(index.lookup(1'000'000).position, 12288u);
  EXPECT_EQ(index.lookup_position(4095).position, 0u);
  EXPECT_EQ(index.lookup_position(4096).offset, 110);
  EXPECT_EQ(index.lookup_position(12287).offset, 120);
}

TEST(OffsetIndex, persists_big_endian_relative_entries) {
  TestDir dir;
  OffsetIndex index(new_file(dir / "0.index"), 100, 1000);
  index.append(101, 0x01020304);
  ASSERT_FALSE(index.persist());
  std::vector<uint8_t> expected = {0, 0, 0, 1, 1, 2, 3, 4};
  EXPECT_EQ(test::read_file(dir / "0.index"), expected);
}

TEST(OffsetIndex, truncate_to_drops_entries_at_and_after_offset_in_file_too) {
  TestDir dir;
  OffsetIndex index(new_file(dir / "0.index"), 0, 1000);
  for (int i = 1; i <= 5; ++i) index.append(i * 10, static_cast<uint32_t>(i * 100));
  ASSERT_FALSE(index.persist());
  index.truncate_to(30);
  EXPECT_EQ(index.size(), 2u);
  ASSERT_FALSE(index.persist());
  EXPECT_EQ(test::read_file(dir / "0.index").size(), 2 * OffsetIndexEntry::kSize);
  index.append(25, 250);  // appending continues after the cut
  ASSERT_FALSE(index.persist());
  EXPECT_EQ(test::read_file(dir / "0.index").size(), 3 * OffsetIndexEntry::kSize);
}

TEST(OffsetIndex, load_rejects_partial_entries_disorder_and_positions_past_the_log) {
  TestDir dir;
  {
    OffsetIndex index(new_file(dir / "0.index"), 0, 1000);
    index.append(10, 100);
    index.append(20, 200);
    ASSERT_FALSE(index.persist());
  }
  OffsetIndex good(new_file(dir / "0.index"), 0, 1000);
  EXPECT_FALSE(good.load(1000));
  EXPECT_EQ(good.size(), 2u);
  EXPECT_EQ(good.load(200), StorageErrc::kCorruptIndex);  // position 200 is not inside 200 bytes
  EXPECT_EQ(good.size(), 0u);

  auto bytes = test::read_file(dir / "0.index");
  std::swap_ranges(bytes.begin(), bytes.begin() + 8, bytes.begin() + 8);
  test::write_file(dir / "1.index", bytes);
  OffsetIndex disordered(new_file(dir / "1.index"), 0, 1000);
  EXPECT_EQ(disordered.load(1000), StorageErrc::kCorruptIndex);

  bytes.push_back(0);
  test::write_file(dir / "2.index", bytes);
  OffsetIndex partial(new_file(dir / "2.index"), 0, 1000);
  EXPECT_EQ(partial.load(1000), StorageErrc::kCorruptIndex);
}

TEST(OffsetIndex, is_full_at_max_entries) {
  TestDir dir;
  OffsetIndex index(new_file(dir / "0.index"), 0, 2);
  index.append(1, 10);
  EXPECT_FALSE(index.full());
  index.append(2, 20);
  EXPECT_TRUE(index.full());
}

TEST(TimeIndex, appends_only_growing_timestamps_and_finds_floor_entry) {
  TestDir dir;
  TimeIndex index(new_file(dir / "0.timeindex"), 100, 1000);
  index.maybe_append(1000, 100);
  index.maybe_append(1000, 105);  // not larger: ignored
  index.maybe_append(900, 106);   // smaller: ignored
  index.maybe_append(2000, 110);
  EXPECT_EQ(index.size(), 2u);
  EXPECT_FALSE(index.lookup(999));
  EXPECT_EQ(index.lookup(1000)->offset, 100);  // exact
  EXPECT_EQ(index.lookup(1999)->offset, 100);
  EXPECT_EQ(index.lookup(2000)->offset, 110);
  EXPECT_EQ(index.lookup(5000)->timestamp, 2000);
}

TEST(TimeIndex, persists_twelve_byte_entries_and_truncates_by_offset) {
  TestDir dir;
  TimeIndex index(new_file(dir / "0.timeindex"), 100, 1000);
  index.maybe_append(0x0102030405060708, 101);
  index.maybe_append(0x0102030405060709, 120);
  ASSERT_FALSE(index.persist());
  auto bytes = test::read_file(dir / "0.timeindex");
  ASSERT_EQ(bytes.size(), 2 * TimeIndexEntry::kSize);
  std::vector<uint8_t> first(bytes.begin(), bytes.begin() + 12);
  EXPECT_EQ(first, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1}));
  index.truncate_to(120);
  ASSERT_FALSE(index.persist());
  EXPECT_EQ(test::read_file(dir / "0.timeindex").size(), TimeIndexEntry::kSize);
}

TEST(TimeIndex, load_rejects_decreasing_timestamps) {
  TestDir dir;
  std::vector<uint8_t> bytes(24);
  TimeIndexEntry{2000, 1}.encode(bytes.data());
  TimeIndexEntry{1000, 2}.encode(bytes.data() + 12);
  test::write_file(dir / "0.timeindex", bytes);
  TimeIndex index(new_file(dir / "0.timeindex"), 0, 1000);
  EXPECT_EQ(index.load(), StorageErrc::kCorruptIndex);
}

}  // namespace
}  // namespace kappa::storage

// Segment: appends, index density, lookups by offset and time, slices,
// truncation, reopening and index rebuilds.

#include <gtest/gtest.h>

#include "batch_builder.h"
#include "kappa/storage/file_names.h"
#include "storage/segment.h"
#include "test_dir.h"

namespace kappa::storage {
namespace {

using test::BatchSpec;
using test::make_batch;
using test::TestDir;

constexpr int64_t kNow = 1'700'000'000'000;

class SegmentTest : public ::testing::Test {
 protected:
  SegmentTest() { options.index_interval_bytes = 4096; options.max_offset_entries = options.max_time_entries = 1000; }

  std::unique_ptr<Segment> create(int64_t base = 100) {
    auto segment = Segment::create(FileSystem::posix(), dir.path(), base, options, kNow);
    EXPECT_TRUE(segment);
    return std::move(*segment);
  }

  // Appends `count` batches of 10 records (about 1 KiB each) with
  // timestamps kNow + 10 * i.
  std::vector<uint32_t> fill(Segment& segment, int count, int64_t first_offset = 100) {
    std::vector<uint32_t> positions;
    int64_t offset = first_offset;
    for (int i = 0; i < count; ++i) {
      auto batch = make_batch({.base_offset = offset, .records = 10, .value_size = 90, .timestamp = kNow + 10 * i});
      positions.push_back(static_cast<uint32_t>(segment.size()));
      EXPECT_FALSE(segment.append(batch, *protocol::peek_batch_header(batch)));
      offset += 10;
    }
    return positions;
  }

  std::filesystem::path file(int64_t base, std::string_view suffix) {
    return dir.path() / segment_file_name(base, suffix);
  }

  TestDir dir;
  SegmentOptions options;
};

TEST_F(SegmentTest, tracks_offsets_size_and_max_timestamp) {
  auto segment = create();
  EXPECT_TRUE(segment->empty());
  EXPECT_EQ(segment->next_offset(), 100);
  fill(*segment, 3);
  EXPECT_EQ(segment->next_offset(), 130);
  EXPECT_EQ(segment->max_timestamp(), kNow + 20 + 9);
  EXPECT_EQ(segment->offset_of_max_timestamp(), 120);
  EXPECT_EQ(segment->size(), std::filesystem::file_size(file(100, kLogSuffix)));
}

TEST_F(SegmentTest, find_returns_the_batch_containing_an_offset) {
  auto segment = create();
  auto positions = fill(*segment, 20);
  for (int64_t offset : {100, 105, 109, 110, 155, 299}) {
    auto found = segment->find(offset);
    ASSERT_TRUE(found && *found) << offset;
    EXPECT_EQ((*found)->position, positions[(offset - 100) / 10]) << offset;
    EXPECT_EQ((*found)->header.base_offset, offset - offset % 10) << offset;
  }
  auto past_end = segment->find(300);
  ASSERT_TRUE(past_end);
  EXPECT_FALSE(*past_end);
}

TEST_F(SegmentTest, writes_one_index_entry_per_interval_bytes) {
  auto segment = create();
  auto positions = fill(*segment, 20);  // ~1 KiB batches, 4 KiB interval
  ASSERT_FALSE(segment->persist_indexes());
  size_t batch_size = positions[1];
  size_t expected = 0;
  for (size_t since = 0, i = 0; i < positions.size(); ++i) {
    if (since >= 4096) {
      ++expected;
      since = 0;
    }
    since += batch_size;
  }
  EXPECT_EQ(std::filesystem::file_size(file(100, kIndexSuffix)), expected * OffsetIndexEntry::kSize);
  EXPECT_GT(expected, 2u);
}

TEST_F(SegmentTest, slice_is_whole_batches_within_max_bytes_or_one_whole_batch) {
  auto segment = create();
  auto positions = fill(*segment, 10);
  const uint32_t batch = positions[1];
  auto slice = segment->slice(120, 3 * batch + batch / 2, INT64_MAX, true);
  ASSERT_TRUE(slice && *slice);
  EXPECT_EQ((*slice)->offset, positions[2]);
  EXPECT_EQ((*slice)->size, 3 * batch);
  auto tiny = segment->slice(125, 10, INT64_MAX, true);  // KIP-74: first batch whole
  ASSERT_TRUE(tiny && *tiny);
  EXPECT_EQ((*tiny)->offset, positions[2]);
  EXPECT_EQ((*tiny)->size, batch);
  auto none = segment->slice(125, 10, INT64_MAX, false);
  ASSERT_TRUE(none && *none);
  EXPECT_EQ((*none)->size, 0u);
}

TEST_F(SegmentTest, slice_stops_before_the_batch_reaching_max_offset) {
  auto segment = create();
  auto positions = fill(*segment, 10);
  auto slice = segment->slice(100, 1 << 20, 150, true);
  ASSERT_TRUE(slice && *slice);
  EXPECT_EQ((*slice)->size, positions[5]);
  auto straddling = segment->slice(100, 1 << 20, 155, true);  // batch 150..159 reaches 155
  EXPECT_EQ((*straddling)->size, positions[5]);
  auto at_limit = segment->slice(150, 1 << 20, 155, true);
  EXPECT_EQ((*at_limit)->size, 0u);
}

TEST_F(SegmentTest, find_timestamp_returns_first_batch_reaching_it) {
  auto segment = create();
  fill(*segment, 30);  // batch i holds timestamps kNow+10i .. kNow+10i+9
  for (int i : {0, 1, 7, 29}) {
    auto exact = segment->find_timestamp(kNow + 10 * i, 0);
    ASSERT_TRUE(exact && *exact);
    EXPECT_EQ((*exact)->header.base_offset, 100 + 10 * i) << i;
    auto inside = segment->find_timestamp(kNow + 10 * i + 9, 0);  // the batch's max timestamp
    EXPECT_EQ((*inside)->header.base_offset, 100 + 10 * i) << i;
    auto after = segment->find_timestamp(kNow + 10 * i + 10, 0);
    if (i < 29) {
      EXPECT_EQ((*after)->header.base_offset, 110 + 10 * i) << i;
    }
  }
  EXPECT_FALSE(*segment->find_timestamp(kNow + 1000, 0));
  auto bounded = segment->find_timestamp(kNow, 205);
  EXPECT_EQ((*bounded)->header.base_offset, 200);
}

TEST_F(SegmentTest, truncate_to_drops_batches_from_the_one_containing_the_offset) {
  auto segment = create();
  auto positions = fill(*segment, 20);
  ASSERT_FALSE(segment->persist_indexes());
  ASSERT_FALSE(segment->truncate_to(155));
  EXPECT_EQ(segment->next_offset(), 150);
  EXPECT_EQ(segment->size(), positions[5]);
  EXPECT_EQ(std::filesystem::file_size(file(100, kLogSuffix)), positions[5]);
  EXPECT_EQ(segment->max_timestamp(), kNow + 49);
  auto found = segment->find(149);
  EXPECT_EQ((*found)->position, positions[4]);
  EXPECT_FALSE(*segment->find(150));
  fill(*segment, 1, 150);  // appends continue at the cut
  EXPECT_EQ(segment->next_offset(), 160);
}

TEST_F(SegmentTest, reopen_loads_indexes_and_finds_the_end) {
  auto positions = [&] {
    auto segment = create();
    auto p = fill(*segment, 20);
    segment->seal();
    EXPECT_FALSE(segment->persist_indexes());
    return p;
  }();
  auto segment = Segment::open(FileSystem::posix(), dir.path(), 100, options, kNow);
  ASSERT_TRUE(segment) << segment.error().message();
  EXPECT_FALSE((*segment)->indexes_rebuilt());
  EXPECT_EQ((*segment)->next_offset(), 300);
  EXPECT_EQ((*segment)->max_timestamp(), kNow + 199);
  EXPECT_EQ((*(*segment)->find(255))->position, positions[15]);
}

TEST_F(SegmentTest, reopen_rebuilds_missing_or_damaged_indexes) {
  {
    auto segment = create();
    fill(*segment, 20);
    segment->seal();
    ASSERT_FALSE(segment->persist_indexes());
  }
  const auto index = test::read_file(file(100, kIndexSuffix));
  const auto time_index = test::read_file(file(100, kTimeIndexSuffix));
  auto check = [&](const char* what) {
    auto segment = Segment::open(FileSystem::posix(), dir.path(), 100, options, kNow);
    ASSERT_TRUE(segment) << what;
    EXPECT_TRUE((*segment)->indexes_rebuilt()) << what;
    EXPECT_EQ((*segment)->next_offset(), 300) << what;
    (*segment)->seal();  // as the log does for every segment but the active one
    ASSERT_FALSE((*segment)->persist_indexes());
    EXPECT_EQ(test::read_file(file(100, kIndexSuffix)), index) << what;
    EXPECT_EQ(test::read_file(file(100, kTimeIndexSuffix)), time_index) << what;
  };
  std::filesystem::remove(file(100, kIndexSuffix));
  check("missing offset index");
  std::filesystem::remove(file(100, kTimeIndexSuffix));
  check("missing time index");
  auto partial = index;
  partial.pop_back();
  test::write_file(file(100, kIndexSuffix), partial);
  check("offset index of partial size");
  auto wrong = index;
  wrong[wrong.size() - 5] ^= 0x01;  // the last entry's offset no longer matches its batch
  test::write_file(file(100, kIndexSuffix), wrong);
  check("offset index pointing at the wrong batch");
}

TEST_F(SegmentTest, open_refuses_a_torn_tail_and_recover_truncates_it) {
  {
    auto segment = create();
    fill(*segment, 5);
  }
  auto bytes = test::read_file(file(100, kLogSuffix));
  const size_t good = bytes.size();
  bytes.resize(good + 30, 0xAB);  // half a header of garbage
  test::write_file(file(100, kLogSuffix), bytes);
  auto opened = Segment::open(FileSystem::posix(), dir.path(), 100, options, kNow);
  EXPECT_EQ(opened.error(), StorageErrc::kCorruptSegment);
  RecoveryOutcome outcome;
  auto recovered = Segment::recover(FileSystem::posix(), dir.path(), 100, options, kNow, outcome);
  ASSERT_TRUE(recovered);
  EXPECT_TRUE(outcome.truncated);
  EXPECT_EQ(outcome.bytes_dropped, 30u);
  EXPECT_EQ(outcome.offset, 150);
  EXPECT_EQ((*recovered)->size(), good);
  EXPECT_EQ(std::filesystem::file_size(file(100, kLogSuffix)), good);
}

}  // namespace
}  // namespace kappa::storage

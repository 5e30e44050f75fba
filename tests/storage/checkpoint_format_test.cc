// Checkpoint payloads, file names and partition directory names.

#include <gtest/gtest.h>

#include "kappa/storage/checkpoint_format.h"
#include "kappa/storage/file_names.h"
#include "kappa/storage/topic_partition.h"

namespace kappa::storage {
namespace {

TEST(CheckpointFormat, offset_checkpoint_round_trips_in_kafkas_text_format) {
  OffsetMap offsets{{{"orders", PartitionId(0)}, 42}, {{"my.topic-x", PartitionId(12)}, 7}};
  std::string text = format_offset_checkpoint(offsets);
  EXPECT_EQ(text, "0\n2\nmy.topic-x 12 7\norders 0 42\n");
  EXPECT_EQ(parse_offset_checkpoint(text), offsets);
  EXPECT_EQ(parse_offset_checkpoint("0\n0\n"), OffsetMap{});
}

TEST(CheckpointFormat, parsing_rejects_any_deviation) {
  for (const char* bad : {"", "1\n0\n", "0\n1\n", "0\n2\nt 0 1\n", "0\n1\nt 0\n", "0\n1\nt 0 1 2\n",
                          "0\n1\nt x 1\n", "0\n1\nt 0 1", "0\n1\nbad/topic 0 1\n", "0\n1\nt -1 5\n",
                          "0\n1\nt  0 1\n"}) {
    EXPECT_FALSE(parse_offset_checkpoint(bad)) << bad;
  }
  EXPECT_FALSE(parse_epoch_checkpoint("0\n1\n-1 5\n"));
  EXPECT_EQ(parse_epoch_checkpoint("0\n1\n3 5\n"), (EpochList{{3, 5}}));
}

TEST(FileNames, segment_names_are_twenty_digit_base_offsets) {
  EXPECT_EQ(segment_file_name(0, kLogSuffix), "00000000000000000000.log");
  EXPECT_EQ(segment_file_name(1234, kTimeIndexSuffix), "00000000000000001234.timeindex");
  EXPECT_EQ(parse_segment_file_name("00000000000000001234.index", kIndexSuffix), 1234);
  EXPECT_FALSE(parse_segment_file_name("00000000000000001234.index", kLogSuffix));
  EXPECT_FALSE(parse_segment_file_name("0000000000000001234.log", kLogSuffix));
  EXPECT_FALSE(parse_segment_file_name("0000000000000000123x.log", kLogSuffix));
}

TEST(TopicPartition, directory_names_split_at_the_last_dash) {
  TopicPartition tp{"my-topic.v2", PartitionId(17)};
  EXPECT_EQ(tp.dir_name(), "my-topic.v2-17");
  EXPECT_EQ(TopicPartition::parse_dir_name("my-topic.v2-17"), tp);
  EXPECT_FALSE(TopicPartition::parse_dir_name("topic"));
  EXPECT_FALSE(TopicPartition::parse_dir_name("topic-"));
  EXPECT_FALSE(TopicPartition::parse_dir_name("-3"));
  EXPECT_FALSE(TopicPartition::parse_dir_name("topic-x"));
  EXPECT_FALSE(TopicPartition::parse_dir_name("topic-01"));
  EXPECT_FALSE(TopicPartition::parse_dir_name("topic-3.abcdef-delete"));
  EXPECT_TRUE(is_delete_dir_name(delete_dir_name("topic-3", "abcdef")));
  EXPECT_FALSE(is_delete_dir_name("to-delete"));
}

TEST(TopicPartition, topic_names_follow_kafkas_rules) {
  EXPECT_TRUE(is_valid_topic_name("a.b_c-D9"));
  EXPECT_FALSE(is_valid_topic_name(""));
  EXPECT_FALSE(is_valid_topic_name("."));
  EXPECT_FALSE(is_valid_topic_name(".."));
  EXPECT_FALSE(is_valid_topic_name("a b"));
  EXPECT_FALSE(is_valid_topic_name("a/b"));
  EXPECT_TRUE(is_valid_topic_name(std::string(249, 'x')));
  EXPECT_FALSE(is_valid_topic_name(std::string(250, 'x')));
}

}  // namespace
}  // namespace kappa::storage

// Group -> __consumer_offsets partition must match Kafka bit for bit.  The
// expected hashes were computed with java.lang.String#hashCode (JDK 17).
#include <gtest/gtest.h>

#include "kappa/group/group_partitioner.h"

namespace kappa::group {
namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(GroupPartitioner, hashcode_matches_java_for_ascii_and_unicode) {
  EXPECT_EQ(java_string_hashcode(""), 0);
  EXPECT_EQ(java_string_hashcode("hello"), 99162322);
  EXPECT_EQ(java_string_hashcode("my-group"), -1906497762);
  EXPECT_EQ(java_string_hashcode("test-consumer-group"), -1793216381);
  EXPECT_EQ(java_string_hashcode("grüße"), 98768023);
  EXPECT_EQ(java_string_hashcode("群组"), 1045408);
  EXPECT_EQ(java_string_hashcode("😀group"), -1231696132);  // a surrogate pair in UTF-16
}

TEST(GroupPartitioner, malformed_utf8_is_replaced_as_java_does) {
  EXPECT_EQ(java_string_hashcode(from_hex("e080")), 2097056);  // two U+FFFD
  EXPECT_EQ(java_string_hashcode(from_hex("c3")), 65533);      // truncated: one
  EXPECT_EQ(java_string_hashcode(from_hex("f09f98")), 65533);  // truncated 4-byte: one
  EXPECT_EQ(java_string_hashcode(from_hex("61ff62")), 2124838);
  EXPECT_EQ(java_string_hashcode(from_hex("eda080")), 65533);  // encoded surrogate: one
  EXPECT_EQ(java_string_hashcode(from_hex("e28241")), 2031588);
  EXPECT_EQ(java_string_hashcode(from_hex("f4908080")), 2017367872);  // above U+10FFFF: four
  EXPECT_EQ(java_string_hashcode(from_hex("c0af")), 2097056);         // overlong
}

TEST(GroupPartitioner, abs_maps_int_min_to_zero) {
  EXPECT_EQ(java_string_hashcode("polygenelubricants"), INT32_MIN);
  EXPECT_EQ(partition_for_group("polygenelubricants", 50), 0);
  EXPECT_EQ(kafka_abs(-5), 5);
}

TEST(GroupPartitioner, partition_for_group_with_fifty_partitions) {
  EXPECT_EQ(partition_for_group("hello", 50), 22);
  EXPECT_EQ(partition_for_group("my-group", 50), 12);
  EXPECT_EQ(partition_for_group("test-consumer-group", 50), 31);
  EXPECT_EQ(partition_for_group("kappa", 50), 25);
  EXPECT_EQ(partition_for_group("😀group", 50), 32);
  EXPECT_EQ(partition_for_group("anything", 1), 0);
}

}  // namespace
}  // namespace kappa::group

// __consumer_offsets records against hand-checked bytes (layouts from
// Kafka's OffsetCommitKey/Value and GroupMetadataKey/Value schemas).
#include <gtest/gtest.h>

// GCC 12 reports a false -Wstringop-overflow on small byte-vector literals.
#pragma GCC diagnostic ignored "-Wstringop-overflow"

#include "kappa/group/coordinator_record.h"
#include "kappa/group/offset_store.h"

namespace kappa::group {
namespace {

std::string hex(const protocol::Bytes& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t c : b) {
    s.push_back(d[c >> 4]);
    s.push_back(d[c & 15]);
  }
  return s;
}

constexpr int64_t kTs = 1700000000000;  // 0x0000018bcfe56800

TEST(CoordinatorRecord, offset_commit_key_and_value_v3) {
  OffsetAndMetadata o{5, -1, "", kTs, std::nullopt};
  auto value = o.to_value();
  auto r = offset_commit_record("g", "t", 0, &value);
  EXPECT_EQ(hex(r.key),
            "0001"
            "000167"
            "000174"
            "00000000");
  EXPECT_EQ(hex(*r.value),
            "0003"
            "0000000000000005"
            "ffffffff"
            "0000"
            "0000018bcfe56800");
  auto parsed = std::get<OffsetCommitRecord>(parse_record(r.key, *r.value));
  EXPECT_EQ(parsed.key.group, "g");
  EXPECT_EQ(parsed.key.topic, "t");
  EXPECT_EQ(parsed.value_version, 3);
  EXPECT_EQ(OffsetAndMetadata::from_value(*parsed.value, parsed.value_version), o);
}

TEST(CoordinatorRecord, offset_commit_with_expiry_is_value_v1) {
  OffsetAndMetadata o{7, -1, "m", kTs, kTs + 1000};
  auto value = o.to_value();
  auto r = offset_commit_record("g", "t", 3, &value);
  // v1: offset, metadata, commit timestamp, expire timestamp (no leader epoch).
  EXPECT_EQ(hex(*r.value),
            "0001"
            "0000000000000007"
            "00016d"
            "0000018bcfe56800"
            "0000018bcfe56be8");
  auto parsed = std::get<OffsetCommitRecord>(parse_record(r.key, *r.value));
  EXPECT_EQ(OffsetAndMetadata::from_value(*parsed.value, parsed.value_version), o);
}

TEST(CoordinatorRecord, tombstones_have_null_values) {
  auto r = offset_commit_record("g", "t", 0, nullptr);
  EXPECT_TRUE(r.is_tombstone());
  auto parsed = std::get<OffsetCommitRecord>(parse_record(r.key, std::nullopt));
  EXPECT_FALSE(parsed.value.has_value());
  auto g = group_metadata_record("g", nullptr);
  EXPECT_EQ(hex(g.key),
            "0002"
            "000167");
  EXPECT_FALSE(std::get<GroupMetadataRecord>(parse_record(g.key, std::nullopt)).value.has_value());
}

TEST(CoordinatorRecord, empty_group_metadata_v3) {
  protocol::GroupMetadataValue v;
  v.protocol_type = "consumer";
  v.generation = 2;
  v.current_state_timestamp = kTs;
  auto r = group_metadata_record("g", &v);
  EXPECT_EQ(hex(*r.value),
            "0003"
            "0008"
            "636f6e73756d6572"
            "00000002"
            "ffff"
            "ffff"
            "0000018bcfe56800"
            "00000000");
}

TEST(CoordinatorRecord, group_metadata_with_a_static_member_v3) {
  protocol::GroupMetadataValue v;
  v.protocol_type = "consumer";
  v.generation = 1;
  v.protocol = "range";
  v.leader = "m";
  v.current_state_timestamp = kTs;
  v.members.push_back({"m", "i", "c", "h", 300, 10, {1}, {2, 3}});
  auto r = group_metadata_record("g", &v);
  EXPECT_EQ(hex(*r.value),
            "0003"
            "0008636f6e73756d6572"
            "00000001"
            "000572616e6765"
            "00016d"
            "0000018bcfe56800"
            "00000001"
            "00016d"
            "000169"
            "000163"
            "000168"
            "0000012c"
            "0000000a"
            "0000000101"
            "000000020203");
  auto parsed = std::get<GroupMetadataRecord>(parse_record(r.key, *r.value));
  EXPECT_EQ(*parsed.value, v);
}

TEST(CoordinatorRecord, reads_older_group_metadata_versions) {
  // v0: no currentStateTimestamp, no rebalance timeout, no instance id.
  protocol::Writer w;
  w.i16(0);
  protocol::GroupMetadataValue v;
  v.protocol_type = "consumer";
  v.generation = 4;
  v.protocol = "range";
  v.leader = "m";
  v.members.push_back({"m", std::nullopt, "c", "h", -1, 10, {}, {}});
  v.encode(w, 0);
  auto key = group_metadata_record("g", nullptr).key;
  auto parsed = std::get<GroupMetadataRecord>(parse_record(key, w.flatten()));
  EXPECT_EQ(parsed.value_version, 0);
  EXPECT_EQ(parsed.value->generation, 4);
  EXPECT_EQ(parsed.value->current_state_timestamp, -1);
  EXPECT_EQ(parsed.value->members[0].rebalance_timeout, -1);
}

TEST(CoordinatorRecord, consumer_group_records_round_trip) {
  protocol::ConsumerGroupCurrentMemberAssignmentValue v;
  v.member_epoch = 5;
  v.previous_member_epoch = 4;
  v.state = 1;
  v.assigned_partitions.push_back({protocol::Uuid::from_halves(1, 2), {0, 1}});
  auto r = consumer_group_current_member_record("g", "m", &v);
  EXPECT_EQ(hex(r.key),
            "0008"
            "000167"
            "00016d");
  // Flexible: compact arrays, tagged-field sections.
  EXPECT_EQ(hex(*r.value),
            "0000"
            "00000005"
            "00000004"
            "01"
            "02"
            "00000000000000010000000000000002"
            "03"
            "0000000000000001"
            "00"
            "01"
            "00");
  auto parsed = std::get<ConsumerGroupCurrentMemberAssignmentRecord>(parse_record(r.key, *r.value));
  EXPECT_EQ(*parsed.value, v);
  EXPECT_EQ(parsed.key.member_id, "m");
}

TEST(CoordinatorRecord, share_group_records_are_skipped_and_garbage_rejected) {
  protocol::Bytes share_key{0x00, 0x0b, 0x00, 0x01, 'g'};
  EXPECT_TRUE(std::holds_alternative<std::monostate>(parse_record(share_key, std::nullopt)));
  protocol::Bytes bad_key{0x7f, 0x00};
  EXPECT_THROW(parse_record(bad_key, std::nullopt), protocol::DecodeError);
  auto key = offset_commit_record("g", "t", 0, nullptr).key;
  protocol::Bytes short_value{0x00, 0x03, 0x00};
  EXPECT_THROW(parse_record(key, short_value), protocol::DecodeError);
  EXPECT_THROW(parse_record(std::nullopt, short_value), protocol::DecodeError);
}

}  // namespace
}  // namespace kappa::group

// InitProducerId against reference encodings of every version
// (vectors/misc.inc), and how the codecs treat null where a version cannot
// carry it.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/delete_topics.h"
#include "kappa/protocol/msg/describe_groups.h"
#include "kappa/protocol/msg/heartbeat.h"
#include "kappa/protocol/msg/init_producer_id.h"
#include "kappa/protocol/msg/join_group.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/msg/offset_fetch.h"
#include "kappa/protocol/msg/sync_group.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/misc.inc"

namespace kappa::protocol::testing {
namespace {

InitProducerIdRequest init_producer_id_request(int16_t v) {
  InitProducerIdRequest m;
  if (odd(v)) m.transactional_id = "txn-ü";
  m.transaction_timeout_ms = 60000;
  if (v >= 3) {
    m.producer_id = 4242;
    m.producer_epoch = 3;
  }
  return m;
}

InitProducerIdResponse init_producer_id_response(int16_t) {
  InitProducerIdResponse m;
  m.throttle_time_ms = 170;
  m.error_code = 0;
  m.producer_id = 4243;
  m.producer_epoch = 4;
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(InitProducerIdRequest, init_producer_id_request)
KAPPA_CODEC_VECTOR_TESTS(InitProducerIdResponse, init_producer_id_response)

// Fields that become nullable in a later version: the null marker is
// rejected before that version and accepted from it.

TEST(NullableFromSomeVersion, metadata_request_topics_are_null_only_from_v1) {
  const auto null_topics = from_hex("ffffffff");  // topics: null array
  EXPECT_THROW(decode<MetadataRequest>(null_topics, 0), DecodeError);
  EXPECT_EQ(decode<MetadataRequest>(null_topics, 1).topics, std::nullopt);
}

TEST(NullableFromSomeVersion, metadata_request_topic_name_is_null_only_from_v10) {
  EXPECT_THROW(decode<MetadataRequest>(from_hex("02"    // topics: 1 element
                                                "00"    //   name: null
                                                "00"    //   tagged fields: 0
                                                "01"    // allow_auto_topic_creation: true
                                                "00"    // include_cluster_authorized_operations
                                                "00"    // include_topic_authorized_operations
                                                "00"),  // tagged fields: 0
                                       9),
               DecodeError);
  const auto v10 = decode<MetadataRequest>(from_hex("02"                                // topics: 1 element
                                                    "0102030405060708090a0b0c0d0e0f10"  //   topic_id
                                                    "00"                                //   name: null
                                                    "00"                                //   tagged fields: 0
                                                    "01"
                                                    "00"
                                                    "00"
                                                    "00"),
                                           10);
  ASSERT_TRUE(v10.topics.has_value());
  ASSERT_EQ(v10.topics->size(), 1u);
  EXPECT_EQ(v10.topics->at(0).topic_id, kUuidA);
  EXPECT_EQ(v10.topics->at(0).name, std::nullopt);
}

TEST(NullableFromSomeVersion, metadata_response_topic_name_is_null_only_from_v12) {
  // v11 and v12 have the same fields.
  const auto null_name = from_hex(
      "00000000"                          // throttle_time_ms
      "01"                                // brokers: 0 elements
      "00"                                // cluster_id: null
      "00000001"                          // controller_id
      "02"                                // topics: 1 element
      "0064"                              //   error_code: 100 (UNKNOWN_TOPIC_ID)
      "00"                                //   name: null
      "0102030405060708090a0b0c0d0e0f10"  //   topic_id
      "00"                                //   is_internal
      "01"                                //   partitions: 0 elements
      "80000000"                          //   topic_authorized_operations
      "00"                                //   tagged fields: 0
      "00");                              // tagged fields: 0
  EXPECT_THROW(decode<MetadataResponse>(null_name, 11), DecodeError);
  const auto v12 = decode<MetadataResponse>(null_name, 12);
  ASSERT_EQ(v12.topics.size(), 1u);
  EXPECT_EQ(v12.topics[0].name, std::nullopt);
  EXPECT_EQ(v12.topics[0].error_code, 100);
}

TEST(NullableFromSomeVersion, join_group_response_protocol_name_is_null_only_from_v7) {
  EXPECT_THROW(decode<JoinGroupResponse>(from_hex("00000000"  // throttle_time_ms
                                                  "0000"      // error_code
                                                  "00000001"  // generation_id
                                                  "00"        // protocol_name: null
                                                  "01"        // leader: ""
                                                  "01"        // member_id: ""
                                                  "01"        // members: 0 elements
                                                  "00"),      // tagged fields: 0
                                         6),
               DecodeError);
  const auto v7 = decode<JoinGroupResponse>(from_hex("00000000"
                                                     "0000"
                                                     "00000001"
                                                     "00"  // protocol_type: null (7+)
                                                     "00"  // protocol_name: null
                                                     "01"
                                                     "01"
                                                     "01"
                                                     "00"),
                                            7);
  EXPECT_EQ(v7.protocol_type, std::nullopt);
  EXPECT_EQ(v7.protocol_name, std::nullopt);
  EXPECT_EQ(v7.generation_id, 1);
}

TEST(NullableFromSomeVersion, offset_fetch_request_topics_are_null_only_from_v2) {
  const auto null_topics = from_hex(
      "0001"
      "67"          // group_id: "g"
      "ffffffff");  // topics: null array (all topics)
  EXPECT_THROW(decode<OffsetFetchRequest>(null_topics, 1), DecodeError);
  const auto v2 = decode<OffsetFetchRequest>(null_topics, 2);
  EXPECT_EQ(v2.group_id, "g");
  EXPECT_EQ(v2.topics, std::nullopt);
}

TEST(NullableFromSomeVersion, delete_topics_response_name_is_null_only_from_v6) {
  EXPECT_THROW(decode<DeleteTopicsResponse>(from_hex("00000000"  // throttle_time_ms
                                                     "02"        // responses: 1 element
                                                     "00"        //   name: null
                                                     "0003"      //   error_code
                                                     "00"        //   error_message: null
                                                     "00"        //   tagged fields: 0
                                                     "00"),      // tagged fields: 0
                                            5),
               DecodeError);
  const auto v6 = decode<DeleteTopicsResponse>(from_hex("00000000"
                                                        "02"
                                                        "00"
                                                        "0102030405060708090a0b0c0d0e0f10"  // topic_id (6+)
                                                        "0003"
                                                        "00"
                                                        "00"
                                                        "00"),
                                               6);
  ASSERT_EQ(v6.responses.size(), 1u);
  EXPECT_EQ(v6.responses[0].name, std::nullopt);
  EXPECT_EQ(v6.responses[0].topic_id, kUuidA);
}

// Fields that are never nullable reject the null marker in every encoding.

TEST(NeverNullable, string_rejects_null_in_classic_and_flexible_versions) {
  EXPECT_THROW(decode<HeartbeatRequest>(from_hex("ffff"      // group_id: null
                                                 "00000001"  // generation_id
                                                 "0001"
                                                 "6d"),  // member_id: "m"
                                        0),
               DecodeError);
  EXPECT_THROW(decode<HeartbeatRequest>(from_hex("00"        // group_id: null
                                                 "00000001"  // generation_id
                                                 "02"
                                                 "6d"    // member_id: "m"
                                                 "00"    // group_instance_id: null
                                                 "00"),  // tagged fields: 0
                                        4),
               DecodeError);
}

TEST(NeverNullable, bytes_reject_null) {
  EXPECT_THROW(decode<SyncGroupResponse>(from_hex("0000"        // error_code
                                                  "ffffffff"),  // assignment: null
                                         0),
               DecodeError);
}

TEST(NeverNullable, arrays_reject_null_in_classic_and_flexible_versions) {
  EXPECT_THROW(decode<DescribeGroupsRequest>(from_hex("ffffffff"), 0), DecodeError);  // groups: null
  EXPECT_THROW(decode<DescribeGroupsRequest>(from_hex("00"                            // groups: null
                                                      "00"    // include_authorized_operations
                                                      "00"),  // tagged fields: 0
                                             5),
               DecodeError);
}

TEST(MalformedLength, nullable_string_length_below_minus_one_is_rejected) {
  EXPECT_THROW(decode<HeartbeatRequest>(from_hex("0001"
                                                 "67"        // group_id: "g"
                                                 "00000001"  // generation_id
                                                 "0001"
                                                 "6d"      // member_id: "m"
                                                 "fffe"),  // group_instance_id: length -2
                                        3),
               DecodeError);
}

// Kafka's generated Java code throws when asked to write null where the
// version has no null; Kappa's Writer writes the field's empty value instead
// (wire.cc), so a handler that leaves a field unset still sends a valid body.
TEST(NullableFromSomeVersion, encoding_null_where_the_version_has_no_null_writes_the_empty_value) {
  JoinGroupResponse join;
  join.generation_id = 1;
  EXPECT_EQ(to_hex(encode(join, 6)),
            "00000000"
            "0000"
            "00000001"
            "01"  // protocol_name: "" (null needs v7)
            "01"
            "01"
            "01"
            "00");
  MetadataRequest all_topics;                            // topics null
  EXPECT_EQ(to_hex(encode(all_topics, 0)), "00000000");  // v0: an empty list, which v0 reads as all topics
}

}  // namespace
}  // namespace kappa::protocol::testing

// Offset APIs (ListOffsets, OffsetCommit, OffsetFetch, DeleteRecords,
// OffsetForLeaderEpoch, OffsetDelete) against reference encodings of every
// version (vectors/offsets.inc).  Each builder sets every field the version
// has, with the values gen_kafka_python_vectors.py encodes.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/delete_records.h"
#include "kappa/protocol/msg/list_offsets.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "kappa/protocol/msg/offset_delete.h"
#include "kappa/protocol/msg/offset_fetch.h"
#include "kappa/protocol/msg/offset_for_leader_epoch.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/offsets.inc"

namespace kappa::protocol::testing {
namespace {

ListOffsetsRequest list_offsets_request(int16_t v) {
  ListOffsetsRequest m;
  m.replica_id = -1;
  if (v >= 2) m.isolation_level = 1;
  ListOffsetsRequest::ListOffsetsPartition latest{.partition_index = 0, .timestamp = -1};
  ListOffsetsRequest::ListOffsetsPartition by_time{.partition_index = 3, .timestamp = 1700000000000};
  if (v >= 4) latest.current_leader_epoch = by_time.current_leader_epoch = 9;
  m.topics = {{.name = "orders", .partitions = {latest, by_time}}, {.name = "clicks"}};
  return m;
}

ListOffsetsResponse list_offsets_response(int16_t v) {
  ListOffsetsResponse m;
  if (v >= 2) m.throttle_time_ms = 10;
  ListOffsetsResponse::ListOffsetsPartitionResponse p0{
      .partition_index = 0, .error_code = 0, .timestamp = -1, .offset = 1200};
  ListOffsetsResponse::ListOffsetsPartitionResponse p3{
      .partition_index = 3, .error_code = 6, .timestamp = 1700000000000, .offset = 1100};
  if (v >= 4) {
    p0.leader_epoch = 9;
    p3.leader_epoch = 8;
  }
  m.topics = {{.name = "orders", .partitions = {p0, p3}}, {.name = "clicks"}};
  return m;
}

OffsetCommitRequest offset_commit_request(int16_t v) {
  using O = OffsetCommitRequest;
  O m;
  m.group_id = kGroup;
  m.generation_id_or_member_epoch = 12;
  m.member_id = "consumer-1-4f2a";
  if (v >= 7 && odd(v)) m.group_instance_id = "instance-1";
  if (v <= 4) m.retention_time_ms = 86400000;
  O::OffsetCommitRequestPartition p0{
      .partition_index = 0, .committed_offset = 1200, .committed_metadata = "meta-ü"};
  O::OffsetCommitRequestPartition p1{.partition_index = 1, .committed_offset = 1300};
  O::OffsetCommitRequestPartition p4{.partition_index = 4, .committed_offset = 0, .committed_metadata = ""};
  if (v >= 6) p0.committed_leader_epoch = p1.committed_leader_epoch = 9;
  m.topics = {{.name = "orders", .partitions = {p0, p1}}, {.name = "clicks", .partitions = {p4}}};
  return m;
}

OffsetCommitResponse offset_commit_response(int16_t v) {
  OffsetCommitResponse m;
  if (v >= 3) m.throttle_time_ms = 40;
  m.topics = {
      {.name = "orders",
       .partitions = {{.partition_index = 0, .error_code = 0}, {.partition_index = 1, .error_code = 27}}},
      {.name = "clicks"}};
  return m;
}

OffsetFetchRequest offset_fetch_request(int16_t v) {
  using O = OffsetFetchRequest;
  O m;
  if (v <= 7) {
    m.group_id = kGroup;
    if (odd(v)) m.topics = std::vector<O::OffsetFetchRequestTopic>{{"orders", {0, 1}}, {"clicks", {}}};
  } else {
    O::OffsetFetchRequestGroup g0{
        .group_id = kGroup,
        .topics = std::vector<O::OffsetFetchRequestTopics>{{"orders", {0, 1}}, {"clicks", {}}}};
    O::OffsetFetchRequestGroup g1{.group_id = "group-2"};
    if (v >= 9) {
      g0.member_id = "member-1";
      g0.member_epoch = 5;
    }
    m.groups = {g0, g1};
  }
  if (v >= 7) m.require_stable = true;
  return m;
}

OffsetFetchResponse offset_fetch_response(int16_t v) {
  using O = OffsetFetchResponse;
  O m;
  if (v >= 3) m.throttle_time_ms = 50;
  if (v <= 7) {
    O::OffsetFetchResponsePartition p0{.partition_index = 0, .committed_offset = 1200, .metadata = "meta-ü"};
    O::OffsetFetchResponsePartition p1{.partition_index = 1, .committed_offset = -1};
    if (v >= 5) p0.committed_leader_epoch = 9;
    m.topics = {{.name = "orders", .partitions = {p0, p1}}, {.name = "clicks"}};
    if (v >= 2) m.error_code = 14;
  } else {
    O::OffsetFetchResponsePartitions p0{
        .partition_index = 0, .committed_offset = 1200, .committed_leader_epoch = 9, .metadata = "meta-ü"};
    O::OffsetFetchResponsePartitions p1{.partition_index = 1, .committed_offset = -1};
    m.groups = {
        {.group_id = kGroup, .topics = {{.name = "orders", .partitions = {p0, p1}}, {.name = "clicks"}}},
        {.group_id = "group-2", .error_code = 16}};
  }
  return m;
}

DeleteRecordsRequest delete_records_request(int16_t) {
  DeleteRecordsRequest m;
  m.topics = {{.name = "orders",
               .partitions = {{.partition_index = 0, .offset = 1000}, {.partition_index = 1, .offset = -1}}},
              {.name = "clicks"}};
  m.timeout_ms = 30000;
  return m;
}

DeleteRecordsResponse delete_records_response(int16_t) {
  DeleteRecordsResponse m;
  m.throttle_time_ms = 160;
  m.topics = {{.name = "orders",
               .partitions = {{.partition_index = 0, .low_watermark = 1000, .error_code = 0},
                              {.partition_index = 1, .low_watermark = -1, .error_code = 1}}},
              {.name = "clicks"}};
  return m;
}

OffsetForLeaderEpochRequest offset_for_leader_epoch_request(int16_t v) {
  OffsetForLeaderEpochRequest m;
  if (v >= 3) m.replica_id = -1;
  m.topics = {{.topic = "orders",
               .partitions = {{.partition = 0, .current_leader_epoch = 9, .leader_epoch = 8},
                              {.partition = 1, .current_leader_epoch = 9, .leader_epoch = 7}}},
              {.topic = "clicks"}};
  return m;
}

OffsetForLeaderEpochResponse offset_for_leader_epoch_response(int16_t) {
  OffsetForLeaderEpochResponse m;
  m.throttle_time_ms = 180;
  m.topics = {{.topic = "orders",
               .partitions = {{.error_code = 0, .partition = 0, .leader_epoch = 8, .end_offset = 1000},
                              {.error_code = 74, .partition = 1, .leader_epoch = -1, .end_offset = -1}}},
              {.topic = "clicks"}};
  return m;
}

OffsetDeleteRequest offset_delete_request(int16_t) {
  OffsetDeleteRequest m;
  m.group_id = kGroup;
  m.topics = {{.name = "orders", .partitions = {{.partition_index = 0}, {.partition_index = 1}}},
              {.name = "clicks"}};
  return m;
}

OffsetDeleteResponse offset_delete_response(int16_t) {
  OffsetDeleteResponse m;
  m.error_code = 0;
  m.throttle_time_ms = 240;
  m.topics = {
      {.name = "orders",
       .partitions = {{.partition_index = 0, .error_code = 0}, {.partition_index = 1, .error_code = 86}}},
      {.name = "clicks"}};
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(ListOffsetsRequest, list_offsets_request)
KAPPA_CODEC_VECTOR_TESTS(ListOffsetsResponse, list_offsets_response)
KAPPA_CODEC_VECTOR_TESTS(OffsetCommitRequest, offset_commit_request)
KAPPA_CODEC_VECTOR_TESTS(OffsetCommitResponse, offset_commit_response)
KAPPA_CODEC_VECTOR_TESTS(OffsetFetchRequest, offset_fetch_request)
KAPPA_CODEC_VECTOR_TESTS(OffsetFetchResponse, offset_fetch_response)
KAPPA_CODEC_VECTOR_TESTS(DeleteRecordsRequest, delete_records_request)
KAPPA_CODEC_VECTOR_TESTS(DeleteRecordsResponse, delete_records_response)
KAPPA_CODEC_VECTOR_TESTS(OffsetForLeaderEpochRequest, offset_for_leader_epoch_request)
KAPPA_CODEC_VECTOR_TESTS(OffsetForLeaderEpochResponse, offset_for_leader_epoch_response)
KAPPA_CODEC_VECTOR_TESTS(OffsetDeleteRequest, offset_delete_request)
KAPPA_CODEC_VECTOR_TESTS(OffsetDeleteResponse, offset_delete_response)

}  // namespace
}  // namespace kappa::protocol::testing

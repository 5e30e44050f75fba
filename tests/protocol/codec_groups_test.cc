// Group APIs (JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups,
// ListGroups, DeleteGroups, ConsumerGroupHeartbeat, ConsumerGroupDescribe)
// against reference encodings of every version (vectors/groups.inc).  Each
// builder sets every field the version has, with the values
// gen_kafka_python_vectors.py encodes.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/consumer_group_describe.h"
#include "kappa/protocol/msg/consumer_group_heartbeat.h"
#include "kappa/protocol/msg/delete_groups.h"
#include "kappa/protocol/msg/describe_groups.h"
#include "kappa/protocol/msg/heartbeat.h"
#include "kappa/protocol/msg/join_group.h"
#include "kappa/protocol/msg/leave_group.h"
#include "kappa/protocol/msg/list_groups.h"
#include "kappa/protocol/msg/sync_group.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/groups.inc"

namespace kappa::protocol::testing {
namespace {

JoinGroupRequest join_group_request(int16_t v) {
  JoinGroupRequest m;
  m.group_id = kGroup;
  m.session_timeout_ms = 45000;
  if (v >= 1) m.rebalance_timeout_ms = 300000;
  m.member_id = "";  // a member joining for the first time
  if (v >= 5 && odd(v)) m.group_instance_id = "instance-1";
  m.protocol_type = "consumer";
  m.protocols = {{.name = "range", .metadata = {0, 1, 2}}, {.name = "cooperative-sticky", .metadata = {}}};
  if (v >= 8 && odd(v)) m.reason = "rebalance ü";
  return m;
}

JoinGroupResponse join_group_response(int16_t v) {
  JoinGroupResponse m;
  if (v >= 2) m.throttle_time_ms = 70;
  m.error_code = 0;
  m.generation_id = 3;
  // ProtocolType (7+) and ProtocolName (nullable from 7) are null in even versions from 7.
  const bool null_protocol = v >= 7 && !odd(v);
  if (v >= 7 && !null_protocol) m.protocol_type = "consumer";
  if (!null_protocol) m.protocol_name = "range";
  m.leader = "member-1";
  if (v >= 9) m.skip_assignment = true;
  m.member_id = "member-1";
  m.members = {{.member_id = "member-1", .metadata = {0, 1, 2}}, {.member_id = "member-2-ü", .metadata = {}}};
  if (v >= 5) m.members[0].group_instance_id = "instance-1";
  return m;
}

HeartbeatRequest heartbeat_request(int16_t v) {
  HeartbeatRequest m;
  m.group_id = kGroup;
  m.generation_id = 3;
  m.member_id = "member-1";
  if (v >= 3 && odd(v)) m.group_instance_id = "instance-1";
  return m;
}

HeartbeatResponse heartbeat_response(int16_t v) {
  HeartbeatResponse m;
  if (v >= 1) m.throttle_time_ms = 80;
  m.error_code = 27;
  return m;
}

LeaveGroupRequest leave_group_request(int16_t v) {
  LeaveGroupRequest m;
  m.group_id = kGroup;
  if (v <= 2) {
    m.member_id = "member-1";
  } else {
    m.members = {{.member_id = "member-1", .group_instance_id = "instance-1"}, {.member_id = "member-2"}};
    if (v >= 5) m.members[0].reason = "shutting down ü";
  }
  return m;
}

LeaveGroupResponse leave_group_response(int16_t v) {
  LeaveGroupResponse m;
  if (v >= 1) m.throttle_time_ms = 90;
  m.error_code = 0;
  if (v >= 3) {
    m.members = {{.member_id = "member-1", .group_instance_id = "instance-1", .error_code = 0},
                 {.member_id = "member-2", .group_instance_id = std::nullopt, .error_code = 25}};
  }
  return m;
}

SyncGroupRequest sync_group_request(int16_t v) {
  SyncGroupRequest m;
  m.group_id = kGroup;
  m.generation_id = 3;
  m.member_id = "member-1";
  if (v >= 3 && odd(v)) m.group_instance_id = "instance-1";
  if (v >= 5) m.protocol_type = "consumer";  // protocol_name stays null
  m.assignments = {{.member_id = "member-1", .assignment = {0x00, 0x01, 0xaa}},
                   {.member_id = "member-2", .assignment = {}}};
  return m;
}

SyncGroupResponse sync_group_response(int16_t v) {
  SyncGroupResponse m;
  if (v >= 1) m.throttle_time_ms = 100;
  m.error_code = 0;
  if (v >= 5) {
    m.protocol_type = "consumer";
    m.protocol_name = "range";
  }
  m.assignment = {0x00, 0x01, 0xff};
  return m;
}

DescribeGroupsRequest describe_groups_request(int16_t v) {
  DescribeGroupsRequest m;
  m.groups = {kGroup, "group-2"};
  if (v >= 3) m.include_authorized_operations = true;
  return m;
}

DescribeGroupsResponse describe_groups_response(int16_t v) {
  using D = DescribeGroupsResponse;
  D m;
  if (v >= 1) m.throttle_time_ms = 110;
  D::DescribedGroupMember m1{.member_id = "member-1",
                             .client_id = "client-ü",
                             .client_host = "/10.0.0.1",
                             .member_metadata = {0x00, 0x01},
                             .member_assignment = {0x00, 0x02}};
  D::DescribedGroupMember m2{.member_id = "member-2", .client_id = "", .client_host = "/10.0.0.2"};
  if (v >= 4) m1.group_instance_id = "instance-1";
  D::DescribedGroup stable{.error_code = 0,
                           .group_id = kGroup,
                           .group_state = "Stable",
                           .protocol_type = "consumer",
                           .protocol_data = "range",
                           .members = {m1, m2}};
  if (v >= 3) stable.authorized_operations = 2040;
  D::DescribedGroup dead{.error_code = 69, .group_id = "group-2", .group_state = "Dead"};
  m.groups = {stable, dead};
  return m;
}

ListGroupsRequest list_groups_request(int16_t v) {
  ListGroupsRequest m;
  if (v >= 4) m.states_filter = {"Stable", "Empty"};
  if (v >= 5) m.types_filter = {"consumer", "classic"};
  return m;
}

ListGroupsResponse list_groups_response(int16_t v) {
  ListGroupsResponse m;
  if (v >= 1) m.throttle_time_ms = 120;
  m.error_code = 0;
  m.groups = {{.group_id = kGroup, .protocol_type = "consumer"},
              {.group_id = "group-2", .protocol_type = ""}};
  if (v >= 4) {
    m.groups[0].group_state = "Stable";
    m.groups[1].group_state = "Empty";
  }
  if (v >= 5) {
    m.groups[0].group_type = "classic";
    m.groups[1].group_type = "consumer";
  }
  return m;
}

DeleteGroupsRequest delete_groups_request(int16_t) {
  DeleteGroupsRequest m;
  m.groups_names = {kGroup, "group-2"};
  return m;
}

DeleteGroupsResponse delete_groups_response(int16_t) {
  DeleteGroupsResponse m;
  m.throttle_time_ms = 230;
  m.results = {{.group_id = kGroup, .error_code = 0}, {.group_id = "group-2", .error_code = 68}};
  return m;
}

// Odd versions set InstanceId and SubscribedTopicRegex; even ones set the
// other nullable fields, so each version has nulls and values.
ConsumerGroupHeartbeatRequest consumer_group_heartbeat_request(int16_t v) {
  using C = ConsumerGroupHeartbeatRequest;
  C m;
  m.group_id = kGroup;
  m.member_id = "member-1";
  m.member_epoch = 5;
  m.rebalance_timeout_ms = 300000;
  if (odd(v)) {
    m.instance_id = "instance-1";
    m.subscribed_topic_regex = "ord.*";
  } else {
    m.rack_id = "rack-a";
    m.subscribed_topic_names = std::vector<std::string>{"orders", "clicks"};
    m.server_assignor = "uniform";
    m.topic_partitions = std::vector<C::TopicPartitions>{{kUuidA, {0, 1}}, {kUuidB, {}}};
  }
  return m;
}

ConsumerGroupHeartbeatResponse consumer_group_heartbeat_response(int16_t v) {
  using C = ConsumerGroupHeartbeatResponse;
  C m;
  m.throttle_time_ms = 260;
  m.error_code = 0;
  if (odd(v)) {
    m.error_message = "fenced ü";
  } else {
    m.member_id = "member-1";
    m.assignment = C::Assignment{.topic_partitions = {{kUuidA, {0, 1}}, {kUuidB, {}}}};
  }
  m.member_epoch = 6;
  m.heartbeat_interval_ms = 5000;
  return m;
}

ConsumerGroupDescribeRequest consumer_group_describe_request(int16_t) {
  ConsumerGroupDescribeRequest m;
  m.group_ids = {kGroup, "group-2"};
  m.include_authorized_operations = true;
  return m;
}

ConsumerGroupDescribeResponse consumer_group_describe_response(int16_t) {
  using C = ConsumerGroupDescribeResponse;
  C::Member m1{.member_id = "member-1",
               .instance_id = "instance-1",
               .rack_id = "rack-a",
               .member_epoch = 7,
               .client_id = "client-ü",
               .client_host = "/10.0.0.1",
               .subscribed_topic_names = {"orders", "clicks"},
               .subscribed_topic_regex = "ord.*",
               .assignment = {.topic_partitions = {{kUuidA, "orders", {0, 1}}, {kUuidB, "clicks", {}}}},
               .target_assignment = {.topic_partitions = {{kUuidA, "orders", {0}}}}};
  C::Member m2{.member_id = "member-2", .member_epoch = 6, .client_id = "", .client_host = "/10.0.0.2"};
  C m;
  m.throttle_time_ms = 270;
  m.groups = {{.error_code = 0,
               .group_id = kGroup,
               .group_state = "Stable",
               .group_epoch = 7,
               .assignment_epoch = 7,
               .assignor_name = "uniform",
               .members = {m1, m2},
               .authorized_operations = 2040},
              {.error_code = 69,
               .error_message = "group not found",
               .group_id = "group-2",
               .group_state = "Dead",
               .group_epoch = 0,
               .assignment_epoch = 0,
               .assignor_name = ""}};
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(JoinGroupRequest, join_group_request)
KAPPA_CODEC_VECTOR_TESTS(JoinGroupResponse, join_group_response)
KAPPA_CODEC_VECTOR_TESTS(HeartbeatRequest, heartbeat_request)
KAPPA_CODEC_VECTOR_TESTS(HeartbeatResponse, heartbeat_response)
KAPPA_CODEC_VECTOR_TESTS(LeaveGroupRequest, leave_group_request)
KAPPA_CODEC_VECTOR_TESTS(LeaveGroupResponse, leave_group_response)
KAPPA_CODEC_VECTOR_TESTS(SyncGroupRequest, sync_group_request)
KAPPA_CODEC_VECTOR_TESTS(SyncGroupResponse, sync_group_response)
KAPPA_CODEC_VECTOR_TESTS(DescribeGroupsRequest, describe_groups_request)
KAPPA_CODEC_VECTOR_TESTS(DescribeGroupsResponse, describe_groups_response)
KAPPA_CODEC_VECTOR_TESTS(ListGroupsRequest, list_groups_request)
KAPPA_CODEC_VECTOR_TESTS(ListGroupsResponse, list_groups_response)
KAPPA_CODEC_VECTOR_TESTS(DeleteGroupsRequest, delete_groups_request)
KAPPA_CODEC_VECTOR_TESTS(DeleteGroupsResponse, delete_groups_response)
KAPPA_CODEC_VECTOR_TESTS(ConsumerGroupHeartbeatRequest, consumer_group_heartbeat_request)
KAPPA_CODEC_VECTOR_TESTS(ConsumerGroupHeartbeatResponse, consumer_group_heartbeat_response)
KAPPA_CODEC_VECTOR_TESTS(ConsumerGroupDescribeRequest, consumer_group_describe_request)
KAPPA_CODEC_VECTOR_TESTS(ConsumerGroupDescribeResponse, consumer_group_describe_response)

}  // namespace
}  // namespace kappa::protocol::testing

// Fields a version does not carry decode to Kafka's defaults (the `default`
// of each field in the Kafka schemas), which handlers rely on when an older
// client leaves them out: a value set in the struct is dropped by encoding
// at such a version and comes back as the default.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/describe_cluster.h"
#include "kappa/protocol/msg/describe_configs.h"
#include "kappa/protocol/msg/fetch.h"
#include "kappa/protocol/msg/init_producer_id.h"
#include "kappa/protocol/msg/join_group.h"
#include "kappa/protocol/msg/list_offsets.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "kappa/protocol/msg/offset_fetch.h"
#include "kappa/protocol/msg/offset_for_leader_epoch.h"
#include "kappa/protocol/msg/produce.h"
#include "protocol/codec_test_util.h"

namespace kappa::protocol::testing {
namespace {

template <typename Msg>
Msg through(const Msg& msg, int16_t version) {
  return decode<Msg>(encode(msg, version), version);
}

TEST(AbsentFields, metadata_request_before_v4_allows_auto_topic_creation) {
  MetadataRequest m;
  m.topics = std::vector<MetadataRequest::MetadataRequestTopic>{};
  m.allow_auto_topic_creation = false;
  m.include_topic_authorized_operations = true;
  const auto v3 = through(m, 3);
  EXPECT_TRUE(v3.allow_auto_topic_creation);
  EXPECT_FALSE(v3.include_topic_authorized_operations);
}

TEST(AbsentFields, fetch_request_v4_has_no_session_epochs_or_rack) {
  FetchRequest m;
  m.cluster_id = "c";
  m.replica_state = {.replica_id = 5, .replica_epoch = 6};
  m.session_id = 9;
  m.session_epoch = 9;
  m.rack_id = "rack";
  m.forgotten_topics_data = {{.topic = "t", .partitions = {1}}};
  m.topics = {{.topic = "t",
               .partitions = {{.partition = 0,
                               .current_leader_epoch = 9,
                               .fetch_offset = 1,
                               .last_fetched_epoch = 9,
                               .log_start_offset = 9,
                               .partition_max_bytes = 100}}}};
  const auto v4 = through(m, 4);
  EXPECT_EQ(v4.cluster_id, std::nullopt);
  EXPECT_EQ(v4.replica_state, (FetchRequest::ReplicaState{.replica_id = -1, .replica_epoch = -1}));
  EXPECT_EQ(v4.session_id, 0);
  EXPECT_EQ(v4.session_epoch, -1);  // a full fetch outside any session
  EXPECT_EQ(v4.rack_id, "");
  EXPECT_TRUE(v4.forgotten_topics_data.empty());
  const auto& p = v4.topics.at(0).partitions.at(0);
  EXPECT_EQ(p.current_leader_epoch, -1);
  EXPECT_EQ(p.last_fetched_epoch, -1);
  EXPECT_EQ(p.log_start_offset, -1);
}

TEST(AbsentFields, fetch_request_from_v15_has_the_replica_id_in_replica_state_only) {
  FetchRequest m;
  m.replica_id = 5;
  EXPECT_EQ(through(m, 15).replica_id, -1);
}

TEST(AbsentFields, list_offsets_request_v1_reads_uncommitted_without_leader_epoch) {
  ListOffsetsRequest m;
  m.isolation_level = 1;
  m.topics = {
      {.name = "t", .partitions = {{.partition_index = 0, .current_leader_epoch = 9, .timestamp = -1}}}};
  const auto v1 = through(m, 1);
  EXPECT_EQ(v1.isolation_level, 0);
  EXPECT_EQ(v1.topics.at(0).partitions.at(0).current_leader_epoch, -1);
}

TEST(AbsentFields, offset_commit_request_defaults) {
  OffsetCommitRequest m;
  m.group_instance_id = "i";
  m.retention_time_ms = 5;
  m.topics = {{.name = "t",
               .partitions = {{.partition_index = 0, .committed_offset = 1, .committed_leader_epoch = 9}}}};
  const auto v2 = through(m, 2);
  EXPECT_EQ(v2.group_instance_id, std::nullopt);
  EXPECT_EQ(v2.topics.at(0).partitions.at(0).committed_leader_epoch, -1);
  EXPECT_EQ(through(m, 5).retention_time_ms, -1);  // dropped in v5: the broker's retention applies
}

TEST(AbsentFields, offset_fetch_request_before_v7_does_not_require_stable_offsets) {
  OffsetFetchRequest m;
  m.group_id = "g";
  m.require_stable = true;
  EXPECT_FALSE(through(m, 6).require_stable);
}

TEST(AbsentFields, join_group_request_defaults) {
  JoinGroupRequest m;
  m.rebalance_timeout_ms = 5;
  m.group_instance_id = "i";
  m.reason = "r";
  const auto v0 = through(m, 0);
  EXPECT_EQ(v0.rebalance_timeout_ms, -1);
  EXPECT_EQ(v0.group_instance_id, std::nullopt);
  EXPECT_EQ(v0.reason, std::nullopt);
}

TEST(AbsentFields, offset_for_leader_epoch_request_before_v3_has_replica_id_minus_two) {
  OffsetForLeaderEpochRequest m;
  m.replica_id = 5;
  EXPECT_EQ(through(m, 2).replica_id, -2);
}

TEST(AbsentFields, init_producer_id_request_before_v3_has_no_producer) {
  InitProducerIdRequest m;
  m.producer_id = 5;
  m.producer_epoch = 5;
  const auto v2 = through(m, 2);
  EXPECT_EQ(v2.producer_id, -1);
  EXPECT_EQ(v2.producer_epoch, -1);
}

TEST(AbsentFields, describe_cluster_request_v0_asks_for_brokers) {
  DescribeClusterRequest m;
  m.endpoint_type = 2;
  EXPECT_EQ(through(m, 0).endpoint_type, 1);
}

TEST(AbsentFields, describe_configs_request_before_v3_has_no_documentation) {
  DescribeConfigsRequest m;
  m.include_documentation = true;
  EXPECT_FALSE(through(m, 2).include_documentation);
}

TEST(AbsentFields, produce_response_before_v5_has_no_log_start_offset) {
  ProduceResponse m;
  m.responses = {{.name = "t", .partition_responses = {{.index = 0, .log_start_offset = 5}}}};
  EXPECT_EQ(through(m, 4).responses.at(0).partition_responses.at(0).log_start_offset, -1);
}

TEST(AbsentFields, metadata_response_v0_defaults) {
  MetadataResponse m;
  m.controller_id = 5;
  m.cluster_id = "c";
  m.cluster_authorized_operations = 5;
  m.topics = {{.name = "t",
               .is_internal = true,
               .partitions = {{.leader_epoch = 5, .offline_replicas = {1}}},
               .topic_authorized_operations = 5}};
  const auto v0 = through(m, 0);
  EXPECT_EQ(v0.controller_id, -1);
  EXPECT_EQ(v0.cluster_id, std::nullopt);
  EXPECT_EQ(v0.cluster_authorized_operations, INT32_MIN);
  const auto& t = v0.topics.at(0);
  EXPECT_FALSE(t.is_internal);
  EXPECT_EQ(t.topic_authorized_operations, INT32_MIN);
  EXPECT_EQ(t.partitions.at(0).leader_epoch, -1);
  EXPECT_TRUE(t.partitions.at(0).offline_replicas.empty());
}

TEST(AbsentFields, fetch_response_v4_defaults) {
  FetchResponse m;
  m.responses = {{.topic = "t",
                  .partitions = {{.partition_index = 0,
                                  .log_start_offset = 5,
                                  .current_leader = {.leader_id = 1, .leader_epoch = 2},
                                  .preferred_read_replica = 5}}}};
  const auto& p = through(m, 4).responses.at(0).partitions.at(0);
  EXPECT_EQ(p.log_start_offset, -1);
  EXPECT_EQ(p.preferred_read_replica, -1);
  EXPECT_EQ(p.current_leader, (FetchResponse::LeaderIdAndEpoch{.leader_id = -1, .leader_epoch = -1}));
}

}  // namespace
}  // namespace kappa::protocol::testing

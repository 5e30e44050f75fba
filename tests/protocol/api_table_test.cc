// The API table (api_table.h): one row per schema, the version ranges it
// decodes and advertises, where the flexible encoding starts, and the
// header versions that follow from it.

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "kappa/protocol/api_table.h"
#include "kappa/protocol/msg/allocate_producer_ids.h"
#include "kappa/protocol/msg/alter_configs.h"
#include "kappa/protocol/msg/alter_partition.h"
#include "kappa/protocol/msg/api_versions.h"
#include "kappa/protocol/msg/broker_heartbeat.h"
#include "kappa/protocol/msg/broker_registration.h"
#include "kappa/protocol/msg/consumer_group_describe.h"
#include "kappa/protocol/msg/consumer_group_heartbeat.h"
#include "kappa/protocol/msg/create_partitions.h"
#include "kappa/protocol/msg/create_topics.h"
#include "kappa/protocol/msg/delete_groups.h"
#include "kappa/protocol/msg/delete_records.h"
#include "kappa/protocol/msg/delete_topics.h"
#include "kappa/protocol/msg/describe_cluster.h"
#include "kappa/protocol/msg/describe_configs.h"
#include "kappa/protocol/msg/describe_groups.h"
#include "kappa/protocol/msg/describe_log_dirs.h"
#include "kappa/protocol/msg/fetch.h"
#include "kappa/protocol/msg/find_coordinator.h"
#include "kappa/protocol/msg/heartbeat.h"
#include "kappa/protocol/msg/incremental_alter_configs.h"
#include "kappa/protocol/msg/init_producer_id.h"
#include "kappa/protocol/msg/join_group.h"
#include "kappa/protocol/msg/kappa_fetch_metadata.h"
#include "kappa/protocol/msg/kappa_forward.h"
#include "kappa/protocol/msg/kappa_raft_message.h"
#include "kappa/protocol/msg/leave_group.h"
#include "kappa/protocol/msg/list_groups.h"
#include "kappa/protocol/msg/list_offsets.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "kappa/protocol/msg/offset_delete.h"
#include "kappa/protocol/msg/offset_fetch.h"
#include "kappa/protocol/msg/offset_for_leader_epoch.h"
#include "kappa/protocol/msg/produce.h"
#include "kappa/protocol/msg/sync_group.h"

namespace kappa::protocol {
namespace {

constexpr uint8_t kBroker = kListenerBroker;
constexpr uint8_t kController = kListenerController;
constexpr int16_t kNever = 0x7fff;

// What each schema should say.  Flexible thresholds are Kafka's
// flexibleVersions; Produce advertises from v0 (for librdkafka's feature
// probing) though it decodes from v3.
struct Row {
  ApiKey key;
  std::string name;
  int16_t min, max, advertised_min, advertised_max, first_flexible;
  uint8_t listeners;
};
const Row kExpected[] = {
    {ApiKey::kProduce, "Produce", 3, 11, 0, 11, 9, kBroker},
    {ApiKey::kFetch, "Fetch", 4, 17, 4, 17, 12, kBroker},
    {ApiKey::kListOffsets, "ListOffsets", 1, 9, 1, 9, 6, kBroker},
    {ApiKey::kMetadata, "Metadata", 0, 12, 0, 12, 9, kBroker},
    {ApiKey::kOffsetCommit, "OffsetCommit", 2, 9, 2, 9, 8, kBroker},
    {ApiKey::kOffsetFetch, "OffsetFetch", 1, 9, 1, 9, 6, kBroker},
    {ApiKey::kFindCoordinator, "FindCoordinator", 0, 6, 0, 6, 3, kBroker},
    {ApiKey::kJoinGroup, "JoinGroup", 0, 9, 0, 9, 6, kBroker},
    {ApiKey::kHeartbeat, "Heartbeat", 0, 4, 0, 4, 4, kBroker},
    {ApiKey::kLeaveGroup, "LeaveGroup", 0, 5, 0, 5, 4, kBroker},
    {ApiKey::kSyncGroup, "SyncGroup", 0, 5, 0, 5, 4, kBroker},
    {ApiKey::kDescribeGroups, "DescribeGroups", 0, 5, 0, 5, 5, kBroker},
    {ApiKey::kListGroups, "ListGroups", 0, 5, 0, 5, 3, kBroker},
    {ApiKey::kApiVersions, "ApiVersions", 0, 4, 0, 4, 3, kBroker},
    {ApiKey::kCreateTopics, "CreateTopics", 2, 7, 2, 7, 5, kBroker},
    {ApiKey::kDeleteTopics, "DeleteTopics", 1, 6, 1, 6, 4, kBroker},
    {ApiKey::kDeleteRecords, "DeleteRecords", 0, 2, 0, 2, 2, kBroker},
    {ApiKey::kInitProducerId, "InitProducerId", 0, 5, 0, 5, 2, kBroker},
    {ApiKey::kOffsetForLeaderEpoch, "OffsetForLeaderEpoch", 2, 4, 2, 4, 4, kBroker},
    {ApiKey::kDescribeConfigs, "DescribeConfigs", 1, 4, 1, 4, 4, kBroker},
    {ApiKey::kAlterConfigs, "AlterConfigs", 0, 2, 0, 2, 2, kBroker},
    {ApiKey::kDescribeLogDirs, "DescribeLogDirs", 0, 4, 0, 4, 2, kBroker},
    {ApiKey::kCreatePartitions, "CreatePartitions", 0, 3, 0, 3, 2, kBroker},
    {ApiKey::kDeleteGroups, "DeleteGroups", 0, 2, 0, 2, 2, kBroker},
    {ApiKey::kIncrementalAlterConfigs, "IncrementalAlterConfigs", 0, 1, 0, 1, 1, kBroker},
    {ApiKey::kOffsetDelete, "OffsetDelete", 0, 0, 0, 0, kNever, kBroker},
    {ApiKey::kAlterPartition, "AlterPartition", 0, 3, 0, 3, 0, kController},
    {ApiKey::kDescribeCluster, "DescribeCluster", 0, 1, 0, 1, 0, kBroker},
    {ApiKey::kBrokerRegistration, "BrokerRegistration", 0, 3, 0, 3, 0, kController},
    {ApiKey::kBrokerHeartbeat, "BrokerHeartbeat", 0, 1, 0, 1, 0, kController},
    {ApiKey::kAllocateProducerIds, "AllocateProducerIds", 0, 0, 0, 0, 0, kController},
    {ApiKey::kConsumerGroupHeartbeat, "ConsumerGroupHeartbeat", 0, 1, 0, 1, 0, kBroker},
    {ApiKey::kConsumerGroupDescribe, "ConsumerGroupDescribe", 0, 0, 0, 0, 0, kBroker},
    {ApiKey::kKappaRaftMessage, "KappaRaftMessage", 0, 0, 0, 0, 0, kController},
    {ApiKey::kKappaForward, "KappaForward", 0, 0, 0, 0, 0, kController},
    {ApiKey::kKappaFetchMetadata, "KappaFetchMetadata", 0, 0, 0, 0, 0, kController},
};

TEST(ApiTable, has_one_row_per_schema_with_the_expected_ranges) {
  // A new schema needs a row here and byte vectors in tests/protocol/vectors.
  const auto specs = all_api_specs();
  ASSERT_EQ(specs.size(), std::size(kExpected));
  for (size_t i = 0; i < specs.size(); ++i) {
    const ApiSpec& s = specs[i];
    const Row& want = kExpected[i];
    SCOPED_TRACE(want.name);
    EXPECT_EQ(s.key, want.key);
    EXPECT_EQ(s.name, want.name);
    EXPECT_EQ(s.min_version, want.min);
    EXPECT_EQ(s.max_version, want.max);
    EXPECT_EQ(s.advertised_min, want.advertised_min);
    EXPECT_EQ(s.advertised_max, want.advertised_max);
    EXPECT_EQ(s.first_flexible, want.first_flexible);
    EXPECT_EQ(s.listeners, want.listeners);
  }
}

TEST(ApiTable, keys_are_unique_and_each_is_found) {
  std::set<int16_t> keys;
  for (const ApiSpec& s : all_api_specs()) {
    const auto key = static_cast<int16_t>(s.key);
    EXPECT_TRUE(keys.insert(key).second) << "duplicate key " << key;
    EXPECT_EQ(find_api(key), &s) << s.name;
    EXPECT_EQ(&api_spec(s.key), &s) << s.name;
  }
}

TEST(ApiTable, keys_without_a_schema_are_not_found) {
  for (int16_t key : {-1, 4, 5, 6, 7, 24, 9999, 10003}) EXPECT_EQ(find_api(key), nullptr) << key;
}

TEST(ApiTable, never_advertises_a_version_above_what_it_decodes) {
  for (const ApiSpec& s : all_api_specs()) {
    SCOPED_TRACE(s.name);
    EXPECT_LE(s.min_version, s.max_version);
    EXPECT_LE(s.advertised_min, s.advertised_max);
    EXPECT_LE(s.advertised_min, s.min_version);
    EXPECT_EQ(s.advertised_max, s.max_version);
  }
  EXPECT_FALSE(api_spec(ApiKey::kProduce).supports(2));
  EXPECT_TRUE(api_spec(ApiKey::kProduce).supports(3));
  EXPECT_TRUE(api_spec(ApiKey::kProduce).supports(11));
  EXPECT_FALSE(api_spec(ApiKey::kProduce).supports(12));
}

TEST(ApiTable, request_header_is_v2_exactly_in_flexible_versions) {
  for (const ApiSpec& s : all_api_specs()) {
    for (int16_t v = s.min_version; v <= s.max_version; ++v) {
      EXPECT_EQ(s.request_header_version(v), v >= s.first_flexible ? 2 : 1) << s.name << " v" << v;
    }
  }
  EXPECT_EQ(api_spec(ApiKey::kMetadata).request_header_version(8), 1);
  EXPECT_EQ(api_spec(ApiKey::kMetadata).request_header_version(9), 2);
  EXPECT_EQ(api_spec(ApiKey::kOffsetDelete).request_header_version(0), 1);
  EXPECT_EQ(api_spec(ApiKey::kDescribeCluster).request_header_version(0), 2);
}

TEST(ApiTable, response_header_is_v1_in_flexible_versions_except_for_api_versions) {
  for (const ApiSpec& s : all_api_specs()) {
    for (int16_t v = s.min_version; v <= s.max_version; ++v) {
      const int16_t want = s.key == ApiKey::kApiVersions ? 0 : v >= s.first_flexible ? 1 : 0;
      EXPECT_EQ(s.response_header_version(v), want) << s.name << " v" << v;
    }
  }
  // KIP-511: a client reads the ApiVersions reply before it knows what the
  // broker supports, so its header stays v0 while the v3+ body is flexible.
  const ApiSpec& api_versions = api_spec(ApiKey::kApiVersions);
  EXPECT_TRUE(api_versions.is_flexible(3));
  EXPECT_EQ(api_versions.request_header_version(3), 2);
  EXPECT_EQ(api_versions.response_header_version(3), 0);
  EXPECT_EQ(api_versions.response_header_version(4), 0);
  EXPECT_EQ(api_spec(ApiKey::kFetch).response_header_version(11), 0);
  EXPECT_EQ(api_spec(ApiKey::kFetch).response_header_version(12), 1);
}

// The generated codecs and the table come from the same schema; they must agree.
template <typename Request, typename Response>
void expect_codecs_match_table(std::set<int16_t>& seen) {
  static_assert(Request::kApiKey == Response::kApiKey);
  const ApiSpec& s = api_spec(Request::kApiKey);
  seen.insert(static_cast<int16_t>(s.key));
  for (auto [min, max, flex] :
       {std::tuple{Request::kMinVersion, Request::kMaxVersion, Request::kFirstFlexibleVersion},
        std::tuple{Response::kMinVersion, Response::kMaxVersion, Response::kFirstFlexibleVersion}}) {
    EXPECT_EQ(min, s.min_version) << s.name;
    EXPECT_EQ(max, s.max_version) << s.name;
    EXPECT_EQ(flex, s.first_flexible) << s.name;
  }
}

TEST(ApiTable, codec_constants_match_the_table) {
  std::set<int16_t> seen;
  expect_codecs_match_table<AlterConfigsRequest, AlterConfigsResponse>(seen);
  expect_codecs_match_table<ApiVersionsRequest, ApiVersionsResponse>(seen);
  expect_codecs_match_table<BrokerHeartbeatRequest, BrokerHeartbeatResponse>(seen);
  expect_codecs_match_table<BrokerRegistrationRequest, BrokerRegistrationResponse>(seen);
  expect_codecs_match_table<AllocateProducerIdsRequest, AllocateProducerIdsResponse>(seen);
  expect_codecs_match_table<AlterPartitionRequest, AlterPartitionResponse>(seen);
  expect_codecs_match_table<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>(seen);
  expect_codecs_match_table<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(seen);
  expect_codecs_match_table<CreatePartitionsRequest, CreatePartitionsResponse>(seen);
  expect_codecs_match_table<CreateTopicsRequest, CreateTopicsResponse>(seen);
  expect_codecs_match_table<DeleteGroupsRequest, DeleteGroupsResponse>(seen);
  expect_codecs_match_table<DeleteRecordsRequest, DeleteRecordsResponse>(seen);
  expect_codecs_match_table<DeleteTopicsRequest, DeleteTopicsResponse>(seen);
  expect_codecs_match_table<DescribeClusterRequest, DescribeClusterResponse>(seen);
  expect_codecs_match_table<DescribeConfigsRequest, DescribeConfigsResponse>(seen);
  expect_codecs_match_table<DescribeLogDirsRequest, DescribeLogDirsResponse>(seen);
  expect_codecs_match_table<DescribeGroupsRequest, DescribeGroupsResponse>(seen);
  expect_codecs_match_table<FetchRequest, FetchResponse>(seen);
  expect_codecs_match_table<FindCoordinatorRequest, FindCoordinatorResponse>(seen);
  expect_codecs_match_table<HeartbeatRequest, HeartbeatResponse>(seen);
  expect_codecs_match_table<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>(seen);
  expect_codecs_match_table<InitProducerIdRequest, InitProducerIdResponse>(seen);
  expect_codecs_match_table<JoinGroupRequest, JoinGroupResponse>(seen);
  expect_codecs_match_table<KappaFetchMetadataRequest, KappaFetchMetadataResponse>(seen);
  expect_codecs_match_table<KappaForwardRequest, KappaForwardResponse>(seen);
  expect_codecs_match_table<KappaRaftMessageRequest, KappaRaftMessageResponse>(seen);
  expect_codecs_match_table<LeaveGroupRequest, LeaveGroupResponse>(seen);
  expect_codecs_match_table<ListGroupsRequest, ListGroupsResponse>(seen);
  expect_codecs_match_table<ListOffsetsRequest, ListOffsetsResponse>(seen);
  expect_codecs_match_table<MetadataRequest, MetadataResponse>(seen);
  expect_codecs_match_table<OffsetCommitRequest, OffsetCommitResponse>(seen);
  expect_codecs_match_table<OffsetDeleteRequest, OffsetDeleteResponse>(seen);
  expect_codecs_match_table<OffsetFetchRequest, OffsetFetchResponse>(seen);
  expect_codecs_match_table<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>(seen);
  expect_codecs_match_table<ProduceRequest, ProduceResponse>(seen);
  expect_codecs_match_table<SyncGroupRequest, SyncGroupResponse>(seen);
  EXPECT_EQ(seen.size(), all_api_specs().size());
}

}  // namespace
}  // namespace kappa::protocol

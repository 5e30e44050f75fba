#pragma once
// Declarations of every request handler; each lives in its own file under
// handlers/ and is registered in registry.cc.

#include "broker/api_registry.h"
#include "broker/asio.h"
#include "broker/request_context.h"
#include <initializer_list>

#include "kappa/protocol/error_code.h"

namespace kappa::protocol {
struct ApiVersionsRequest;
struct ApiVersionsResponse;
struct MetadataRequest;
struct MetadataResponse;
struct DescribeClusterRequest;
struct DescribeClusterResponse;
struct CreateTopicsRequest;
struct CreateTopicsResponse;
struct DeleteTopicsRequest;
struct DeleteTopicsResponse;
struct CreatePartitionsRequest;
struct CreatePartitionsResponse;
struct DescribeConfigsRequest;
struct DescribeConfigsResponse;
struct AlterConfigsRequest;
struct AlterConfigsResponse;
struct ProduceRequest;
struct ProduceResponse;
struct FetchRequest;
struct FetchResponse;
struct ListOffsetsRequest;
struct ListOffsetsResponse;
struct DeleteRecordsRequest;
struct DeleteRecordsResponse;
struct DescribeLogDirsRequest;
struct DescribeLogDirsResponse;
struct BrokerRegistrationRequest;
struct BrokerRegistrationResponse;
struct BrokerHeartbeatRequest;
struct BrokerHeartbeatResponse;
struct KappaRaftMessageRequest;
struct KappaRaftMessageResponse;
struct KappaForwardRequest;
struct KappaForwardResponse;
struct KappaFetchMetadataRequest;
struct KappaFetchMetadataResponse;
struct InitProducerIdRequest;
struct InitProducerIdResponse;
struct OffsetForLeaderEpochRequest;
struct OffsetForLeaderEpochResponse;
struct AlterPartitionRequest;
struct AlterPartitionResponse;
struct AllocateProducerIdsRequest;
struct AllocateProducerIdsResponse;
struct IncrementalAlterConfigsRequest;
struct IncrementalAlterConfigsResponse;
struct FindCoordinatorRequest;
struct FindCoordinatorResponse;
struct JoinGroupRequest;
struct JoinGroupResponse;
struct SyncGroupRequest;
struct SyncGroupResponse;
struct HeartbeatRequest;
struct HeartbeatResponse;
struct LeaveGroupRequest;
struct LeaveGroupResponse;
struct OffsetCommitRequest;
struct OffsetCommitResponse;
struct OffsetFetchRequest;
struct OffsetFetchResponse;
struct OffsetDeleteRequest;
struct OffsetDeleteResponse;
struct ListGroupsRequest;
struct ListGroupsResponse;
struct DescribeGroupsRequest;
struct DescribeGroupsResponse;
struct DeleteGroupsRequest;
struct DeleteGroupsResponse;
struct ConsumerGroupHeartbeatRequest;
struct ConsumerGroupHeartbeatResponse;
struct ConsumerGroupDescribeRequest;
struct ConsumerGroupDescribeResponse;
}  // namespace kappa::protocol

namespace kappa::broker {

// Authorized-operation bitfields (Kafka AclOperation codes) reported when a
// client asks; Kappa has no authorizer, so everything is allowed.
inline constexpr int32_t acl_bits(std::initializer_list<int> ops) {
  int32_t bits = 0;
  for (int op : ops) bits |= 1 << op;
  return bits;
}
inline constexpr int32_t kAllTopicOperations = acl_bits({3, 4, 5, 6, 7, 8, 10, 11});
inline constexpr int32_t kAllClusterOperations = acl_bits({5, 7, 8, 9, 10, 11, 12});
inline constexpr int32_t kAllGroupOperations = acl_bits({3, 6, 8});

awaitable<protocol::ProduceResponse> handle_produce(RequestContext&, protocol::ProduceRequest&);
awaitable<protocol::FetchResponse> handle_fetch(RequestContext&, protocol::FetchRequest&);
awaitable<protocol::ListOffsetsResponse> handle_list_offsets(RequestContext&, protocol::ListOffsetsRequest&);
awaitable<protocol::DeleteRecordsResponse> handle_delete_records(RequestContext&, protocol::DeleteRecordsRequest&);
awaitable<protocol::DescribeLogDirsResponse> handle_describe_log_dirs(RequestContext&,
                                                                      protocol::DescribeLogDirsRequest&);
awaitable<protocol::BrokerRegistrationResponse> handle_broker_registration(RequestContext&,
                                                                           protocol::BrokerRegistrationRequest&);
awaitable<protocol::BrokerHeartbeatResponse> handle_broker_heartbeat(RequestContext&,
                                                                     protocol::BrokerHeartbeatRequest&);
awaitable<protocol::KappaRaftMessageResponse> handle_kappa_raft_message(RequestContext&,
                                                                        protocol::KappaRaftMessageRequest&);
awaitable<protocol::KappaForwardResponse> handle_kappa_forward(RequestContext&, protocol::KappaForwardRequest&);
awaitable<protocol::KappaFetchMetadataResponse> handle_kappa_fetch_metadata(RequestContext&,
                                                                            protocol::KappaFetchMetadataRequest&);
awaitable<protocol::InitProducerIdResponse> handle_init_producer_id(RequestContext&, protocol::InitProducerIdRequest&);
awaitable<protocol::OffsetForLeaderEpochResponse> handle_offset_for_leader_epoch(
    RequestContext&, protocol::OffsetForLeaderEpochRequest&);
awaitable<protocol::AlterPartitionResponse> handle_alter_partition(RequestContext&, protocol::AlterPartitionRequest&);
awaitable<protocol::AllocateProducerIdsResponse> handle_allocate_producer_ids(RequestContext&,
                                                                              protocol::AllocateProducerIdsRequest&);
awaitable<protocol::ApiVersionsResponse> handle_api_versions(RequestContext&, protocol::ApiVersionsRequest&);
awaitable<protocol::MetadataResponse> handle_metadata(RequestContext&, protocol::MetadataRequest&);
awaitable<protocol::DescribeClusterResponse> handle_describe_cluster(RequestContext&,
                                                                     protocol::DescribeClusterRequest&);
awaitable<protocol::CreateTopicsResponse> handle_create_topics(RequestContext&, protocol::CreateTopicsRequest&);
awaitable<protocol::DeleteTopicsResponse> handle_delete_topics(RequestContext&, protocol::DeleteTopicsRequest&);
awaitable<protocol::CreatePartitionsResponse> handle_create_partitions(RequestContext&,
                                                                       protocol::CreatePartitionsRequest&);
awaitable<protocol::DescribeConfigsResponse> handle_describe_configs(RequestContext&,
                                                                     protocol::DescribeConfigsRequest&);
awaitable<protocol::AlterConfigsResponse> handle_alter_configs(RequestContext&, protocol::AlterConfigsRequest&);
awaitable<protocol::IncrementalAlterConfigsResponse> handle_incremental_alter_configs(
    RequestContext&, protocol::IncrementalAlterConfigsRequest&);

// Consumer groups and committed offsets.
awaitable<protocol::FindCoordinatorResponse> handle_find_coordinator(RequestContext&,
                                                                     protocol::FindCoordinatorRequest&);
awaitable<protocol::JoinGroupResponse> handle_join_group(RequestContext&, protocol::JoinGroupRequest&);
awaitable<protocol::SyncGroupResponse> handle_sync_group(RequestContext&, protocol::SyncGroupRequest&);
awaitable<protocol::HeartbeatResponse> handle_heartbeat(RequestContext&, protocol::HeartbeatRequest&);
awaitable<protocol::LeaveGroupResponse> handle_leave_group(RequestContext&, protocol::LeaveGroupRequest&);
awaitable<protocol::OffsetCommitResponse> handle_offset_commit(RequestContext&, protocol::OffsetCommitRequest&);
awaitable<protocol::OffsetFetchResponse> handle_offset_fetch(RequestContext&, protocol::OffsetFetchRequest&);
awaitable<protocol::OffsetDeleteResponse> handle_offset_delete(RequestContext&, protocol::OffsetDeleteRequest&);
awaitable<protocol::ListGroupsResponse> handle_list_groups(RequestContext&, protocol::ListGroupsRequest&);
awaitable<protocol::DescribeGroupsResponse> handle_describe_groups(RequestContext&, protocol::DescribeGroupsRequest&);
awaitable<protocol::DeleteGroupsResponse> handle_delete_groups(RequestContext&, protocol::DeleteGroupsRequest&);
awaitable<protocol::ConsumerGroupHeartbeatResponse> handle_consumer_group_heartbeat(
    RequestContext&, protocol::ConsumerGroupHeartbeatRequest&);
awaitable<protocol::ConsumerGroupDescribeResponse> handle_consumer_group_describe(
    RequestContext&, protocol::ConsumerGroupDescribeRequest&);

}  // namespace kappa::broker

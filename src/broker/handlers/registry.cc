// The broker's API table: one line per served API.
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/api_versions.h"
#include "kappa/protocol/msg/describe_cluster.h"
#include "kappa/protocol/msg/allocate_producer_ids.h"
#include "kappa/protocol/msg/alter_configs.h"
#include "kappa/protocol/msg/alter_partition.h"
#include "kappa/protocol/msg/init_producer_id.h"
#include "kappa/protocol/msg/offset_for_leader_epoch.h"
#include "kappa/protocol/msg/broker_heartbeat.h"
#include "kappa/protocol/msg/broker_registration.h"
#include "kappa/protocol/msg/kappa_fetch_metadata.h"
#include "kappa/protocol/msg/kappa_forward.h"
#include "kappa/protocol/msg/kappa_raft_message.h"
#include "kappa/protocol/msg/create_partitions.h"
#include "kappa/protocol/msg/create_topics.h"
#include "kappa/protocol/msg/delete_records.h"
#include "kappa/protocol/msg/describe_log_dirs.h"
#include "kappa/protocol/msg/delete_topics.h"
#include "kappa/protocol/msg/describe_configs.h"
#include "kappa/protocol/msg/incremental_alter_configs.h"
#include "kappa/protocol/msg/fetch.h"
#include "kappa/protocol/msg/list_offsets.h"
#include "kappa/protocol/msg/metadata.h"
#include "kappa/protocol/msg/produce.h"
// Consumer groups.
#include "kappa/protocol/msg/consumer_group_describe.h"
#include "kappa/protocol/msg/consumer_group_heartbeat.h"
#include "kappa/protocol/msg/delete_groups.h"
#include "kappa/protocol/msg/describe_groups.h"
#include "kappa/protocol/msg/find_coordinator.h"
#include "kappa/protocol/msg/heartbeat.h"
#include "kappa/protocol/msg/join_group.h"
#include "kappa/protocol/msg/leave_group.h"
#include "kappa/protocol/msg/list_groups.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "kappa/protocol/msg/offset_delete.h"
#include "kappa/protocol/msg/offset_fetch.h"
#include "kappa/protocol/msg/sync_group.h"

namespace kappa::broker {

const ApiRegistry& api_registry() {
  static const ApiRegistry registry = [] {
    using namespace protocol;
    constexpr uint8_t kBoth = kListenerBroker | kListenerController;
    ApiRegistry r;
    r.add<ProduceRequest, ProduceResponse, handle_produce>();
    r.add<FetchRequest, FetchResponse, handle_fetch>();
    r.add<ListOffsetsRequest, ListOffsetsResponse, handle_list_offsets>();
    r.add<MetadataRequest, MetadataResponse, handle_metadata>();
    r.add<ApiVersionsRequest, ApiVersionsResponse, handle_api_versions>(kBoth);
    r.add_forwarded<CreateTopicsRequest, CreateTopicsResponse, handle_create_topics>();
    r.add_forwarded<DeleteTopicsRequest, DeleteTopicsResponse, handle_delete_topics>();
    r.add<DeleteRecordsRequest, DeleteRecordsResponse, handle_delete_records>();
    r.add<DescribeLogDirsRequest, DescribeLogDirsResponse, handle_describe_log_dirs>();
    r.add<InitProducerIdRequest, InitProducerIdResponse, handle_init_producer_id>();
    r.add<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse, handle_offset_for_leader_epoch>();
    r.add<DescribeConfigsRequest, DescribeConfigsResponse, handle_describe_configs>();
    r.add_forwarded<AlterConfigsRequest, AlterConfigsResponse, handle_alter_configs>();
    r.add_forwarded<CreatePartitionsRequest, CreatePartitionsResponse, handle_create_partitions>();
    r.add_forwarded<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse,
                    handle_incremental_alter_configs>();
    r.add<DescribeClusterRequest, DescribeClusterResponse, handle_describe_cluster>();
    // Consumer groups.
    r.add<FindCoordinatorRequest, FindCoordinatorResponse, handle_find_coordinator>();
    r.add<JoinGroupRequest, JoinGroupResponse, handle_join_group>();
    r.add<SyncGroupRequest, SyncGroupResponse, handle_sync_group>();
    r.add<HeartbeatRequest, HeartbeatResponse, handle_heartbeat>();
    r.add<LeaveGroupRequest, LeaveGroupResponse, handle_leave_group>();
    r.add<OffsetCommitRequest, OffsetCommitResponse, handle_offset_commit>();
    r.add<OffsetFetchRequest, OffsetFetchResponse, handle_offset_fetch>();
    r.add<OffsetDeleteRequest, OffsetDeleteResponse, handle_offset_delete>();
    r.add<ListGroupsRequest, ListGroupsResponse, handle_list_groups>();
    r.add<DescribeGroupsRequest, DescribeGroupsResponse, handle_describe_groups>();
    r.add<DeleteGroupsRequest, DeleteGroupsResponse, handle_delete_groups>();
    r.add<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, handle_consumer_group_heartbeat>();
    r.add<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse, handle_consumer_group_describe>();
    // Controller listener only.
    r.add<BrokerRegistrationRequest, BrokerRegistrationResponse, handle_broker_registration>(kListenerController);
    r.add<BrokerHeartbeatRequest, BrokerHeartbeatResponse, handle_broker_heartbeat>(kListenerController);
    r.add<KappaRaftMessageRequest, KappaRaftMessageResponse, handle_kappa_raft_message>(kListenerController);
    r.add<AlterPartitionRequest, AlterPartitionResponse, handle_alter_partition>(kListenerController);
    r.add<AllocateProducerIdsRequest, AllocateProducerIdsResponse, handle_allocate_producer_ids>(kListenerController);
    r.add<KappaForwardRequest, KappaForwardResponse, handle_kappa_forward>(kListenerController);
    r.add<KappaFetchMetadataRequest, KappaFetchMetadataResponse, handle_kappa_fetch_metadata>(kListenerController);
    return r;
  }();
  return registry;
}

}  // namespace kappa::broker

// Cluster discovery APIs (Metadata, FindCoordinator, ApiVersions,
// DescribeCluster) against reference encodings of every version
// (vectors/metadata.inc).  Each builder sets every field the version has,
// with the values gen_kafka_python_vectors.py encodes.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/api_versions.h"
#include "kappa/protocol/msg/describe_cluster.h"
#include "kappa/protocol/msg/find_coordinator.h"
#include "kappa/protocol/msg/metadata.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/metadata.inc"

namespace kappa::protocol::testing {
namespace {

MetadataRequest metadata_request(int16_t v) {
  using M = MetadataRequest;
  M m;
  // Null (all topics) in odd versions.  From v10 a topic may be given by id
  // alone, with a null name.
  if (!odd(v)) {
    M::MetadataRequestTopic orders{.name = "orders"}, clicks;
    if (v < 10) clicks.name = "clicks";
    if (v >= 10) {
      orders.topic_id = kUuidA;
      clicks.topic_id = kUuidB;
    }
    m.topics = std::vector<M::MetadataRequestTopic>{orders, clicks};
  }
  if (v >= 4) m.allow_auto_topic_creation = false;
  if (v >= 8 && v <= 10) m.include_cluster_authorized_operations = true;
  if (v >= 8) m.include_topic_authorized_operations = true;
  return m;
}

MetadataResponse metadata_response(int16_t v) {
  using M = MetadataResponse;
  M m;
  if (v >= 3) m.throttle_time_ms = 30;
  m.brokers = {{.node_id = 1, .host = "broker-1.kappa.local", .port = 9092},
               {.node_id = 2, .host = "10.0.0.2", .port = 9093}};
  if (v >= 1) m.brokers[0].rack = "rack-ü";
  if (v >= 2 && odd(v)) m.cluster_id = "kappa-cluster";
  if (v >= 1) m.controller_id = 1;
  M::MetadataResponsePartition p0{
      .error_code = 0, .partition_index = 0, .leader_id = 1, .replica_nodes = {1, 2}, .isr_nodes = {1, 2}};
  M::MetadataResponsePartition p1{
      .error_code = 9, .partition_index = 1, .leader_id = 2, .replica_nodes = {2, 1}, .isr_nodes = {2}};
  if (v >= 5) p1.offline_replicas = {1};
  if (v >= 7) {
    p0.leader_epoch = 5;
    p1.leader_epoch = 6;
  }
  // The second topic has a null name in v12 (a topic asked for by id that does not exist).
  M::MetadataResponseTopic orders{.error_code = 0, .name = "orders", .partitions = {p0, p1}};
  M::MetadataResponseTopic offsets{.error_code = 0};
  if (v < 12) offsets.name = "__consumer_offsets";
  if (v >= 1) offsets.is_internal = true;
  if (v >= 8) orders.topic_authorized_operations = 3576;
  if (v >= 10) {
    orders.topic_id = kUuidA;
    offsets.topic_id = kUuidB;
  }
  m.topics = {orders, offsets};
  if (v >= 8 && v <= 10) m.cluster_authorized_operations = 2040;
  return m;
}

FindCoordinatorRequest find_coordinator_request(int16_t v) {
  FindCoordinatorRequest m;
  if (v <= 3) m.key = kGroup;
  if (v >= 1) m.key_type = 1;
  if (v >= 4) m.coordinator_keys = {kGroup, "group-2"};
  return m;
}

FindCoordinatorResponse find_coordinator_response(int16_t v) {
  FindCoordinatorResponse m;
  if (v >= 1) m.throttle_time_ms = 60;
  if (v <= 3) {
    m.error_code = 15;
    if (odd(v)) m.error_message = "not available";
    m.node_id = 2;
    m.host = "broker-2.kappa.local";
    m.port = 9092;
  } else {
    m.coordinators = {
        {.key = kGroup, .node_id = 2, .host = "broker-2", .port = 9092, .error_code = 0},
        {.key = "group-2",
         .node_id = -1,
         .host = "",
         .port = -1,
         .error_code = 15,
         .error_message = "coordinator not available"},
    };
  }
  return m;
}

ApiVersionsRequest api_versions_request(int16_t v) {
  ApiVersionsRequest m;
  if (v >= 3) {
    m.client_software_name = "kappa-test";
    m.client_software_version = "1.0.0";
  }
  return m;
}

ApiVersionsResponse api_versions_response(int16_t v) {
  ApiVersionsResponse m;
  m.error_code = 0;
  m.api_keys = {{.api_key = 0, .min_version = 0, .max_version = 11},
                {.api_key = 18, .min_version = 0, .max_version = 4}};
  if (v >= 1) m.throttle_time_ms = 130;
  if (v >= 3) {
    m.supported_features = {{.name = "metadata.version", .min_version = 1, .max_version = 21},
                            {.name = "kraft.version", .min_version = 0, .max_version = 1}};
    m.finalized_features_epoch = 42;
    m.finalized_features = {{.name = "metadata.version", .max_version_level = 21, .min_version_level = 21},
                            {.name = "kraft.version", .max_version_level = 0, .min_version_level = 0}};
    m.zk_migration_ready = true;
  }
  return m;
}

DescribeClusterRequest describe_cluster_request(int16_t v) {
  DescribeClusterRequest m;
  m.include_cluster_authorized_operations = true;
  if (v >= 1) m.endpoint_type = 2;
  return m;
}

DescribeClusterResponse describe_cluster_response(int16_t v) {
  DescribeClusterResponse m;
  m.throttle_time_ms = 250;
  m.error_code = 0;
  if (odd(v)) m.error_message = "dëscribed";
  if (v >= 1) m.endpoint_type = 2;
  m.cluster_id = "Mk3OEYBSD34fcwNTJENDM2Qk";
  m.controller_id = 1;
  m.brokers = {{.broker_id = 1, .host = "broker-1", .port = 9092, .rack = "rack-a"},
               {.broker_id = 2, .host = "broker-2", .port = 9093}};
  m.cluster_authorized_operations = 2040;
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(MetadataRequest, metadata_request)
KAPPA_CODEC_VECTOR_TESTS(MetadataResponse, metadata_response)
KAPPA_CODEC_VECTOR_TESTS(FindCoordinatorRequest, find_coordinator_request)
KAPPA_CODEC_VECTOR_TESTS(FindCoordinatorResponse, find_coordinator_response)
KAPPA_CODEC_VECTOR_TESTS(ApiVersionsRequest, api_versions_request)
KAPPA_CODEC_VECTOR_TESTS(ApiVersionsResponse, api_versions_response)
KAPPA_CODEC_VECTOR_TESTS(DescribeClusterRequest, describe_cluster_request)
KAPPA_CODEC_VECTOR_TESTS(DescribeClusterResponse, describe_cluster_response)

}  // namespace
}  // namespace kappa::protocol::testing

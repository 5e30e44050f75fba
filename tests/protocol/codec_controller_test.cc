// Controller-listener APIs (BrokerRegistration, BrokerHeartbeat and the
// Kappa-internal KappaRaftMessage, KappaForward, KappaFetchMetadata) against
// reference encodings of every version (vectors/controller.inc).  Each
// builder sets every field the version has, with the values
// gen_kafka_python_vectors.py encodes.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/broker_heartbeat.h"
#include "kappa/protocol/msg/broker_registration.h"
#include "kappa/protocol/msg/kappa_fetch_metadata.h"
#include "kappa/protocol/msg/kappa_forward.h"
#include "kappa/protocol/msg/kappa_raft_message.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/controller.inc"

namespace kappa::protocol::testing {
namespace {

const std::string kClusterId = "Mk3OEYBSD34fcwNTJENDM2Qk";

BrokerRegistrationRequest broker_registration_request(int16_t v) {
  BrokerRegistrationRequest m;
  m.broker_id = 1;
  m.cluster_id = kClusterId;
  m.incarnation_id = kUuidC;
  // 65000 does not fit an int16: Port is a uint16.
  m.listeners = {{.name = "PLAINTEXT", .host = "broker-1.kappa.local", .port = 9092, .security_protocol = 0},
                 {.name = "SSL", .host = "broker-1", .port = 65000, .security_protocol = 1}};
  m.features = {{.name = "metadata.version", .min_supported_version = 1, .max_supported_version = 21},
                {.name = "kraft.version", .min_supported_version = 0, .max_supported_version = 1}};
  if (odd(v)) m.rack = "rack-a";
  if (v >= 1) m.is_migrating_zk_broker = true;
  if (v >= 2) m.log_dirs = {kUuidA, kUuidD};
  if (v >= 3) m.previous_broker_epoch = 41;
  return m;
}

BrokerRegistrationResponse broker_registration_response(int16_t) {
  BrokerRegistrationResponse m;
  m.throttle_time_ms = 280;
  m.error_code = 0;
  m.broker_epoch = 42;
  return m;
}

BrokerHeartbeatRequest broker_heartbeat_request(int16_t v) {
  BrokerHeartbeatRequest m;
  m.broker_id = 1;
  m.broker_epoch = 42;
  m.current_metadata_offset = 1234;
  m.want_fence = true;
  m.want_shut_down = true;
  if (v >= 1) m.offline_log_dirs = {kUuidD, kUuidA};
  return m;
}

BrokerHeartbeatResponse broker_heartbeat_response(int16_t) {
  BrokerHeartbeatResponse m;
  m.throttle_time_ms = 290;
  m.error_code = 0;
  m.is_caught_up = true;
  m.is_fenced = false;
  m.should_shut_down = true;
  return m;
}

KappaRaftMessageRequest kappa_raft_message_request(int16_t) {
  using K = KappaRaftMessageRequest;
  K m;
  m.cluster_id = kClusterId;
  m.from = 1;
  m.to = 2;
  m.term = 7;
  m.type = 2;  // append request: only Append is present
  m.append = K::AppendBody{.prev_log_index = 10,
                           .prev_log_term = 6,
                           .leader_commit = 9,
                           .entries = {{.index = 11, .term = 7, .entry_type = 1, .payload = bytes("e11")},
                                       {.index = 12, .term = 7, .entry_type = 0, .payload = {}}}};
  return m;
}

KappaRaftMessageResponse kappa_raft_message_response(int16_t) {
  KappaRaftMessageResponse m;
  m.error_code = 42;
  m.error_message = "ünknown node";
  return m;
}

KappaForwardRequest kappa_forward_request(int16_t) {
  KappaForwardRequest m;
  m.cluster_id = kClusterId;
  m.broker_id = 4;
  m.api_key = 19;
  m.api_version = 7;
  m.client_id = "admin-ü";
  m.request = {1, 2, 3};
  return m;
}

KappaForwardResponse kappa_forward_response(int16_t) {
  KappaForwardResponse m;
  m.error_code = 0;
  m.response = {4, 5};
  m.metadata_offset = 1300;
  return m;
}

KappaFetchMetadataRequest kappa_fetch_metadata_request(int16_t) {
  KappaFetchMetadataRequest m;
  m.cluster_id = kClusterId;
  m.broker_id = 4;
  m.fetch_offset = 1000;
  m.max_wait_ms = 500;
  return m;
}

KappaFetchMetadataResponse kappa_fetch_metadata_response(int16_t) {
  KappaFetchMetadataResponse m;
  m.error_code = 0;
  m.leader_id = 1;
  m.high_watermark = 1200;
  m.snapshot_index = 900;
  m.entries = {{.index = 1001, .payload = bytes("entry-1")}, {.index = 1002, .payload = {}}};
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(BrokerRegistrationRequest, broker_registration_request)
KAPPA_CODEC_VECTOR_TESTS(BrokerRegistrationResponse, broker_registration_response)
KAPPA_CODEC_VECTOR_TESTS(BrokerHeartbeatRequest, broker_heartbeat_request)
KAPPA_CODEC_VECTOR_TESTS(BrokerHeartbeatResponse, broker_heartbeat_response)
KAPPA_CODEC_VECTOR_TESTS(KappaRaftMessageRequest, kappa_raft_message_request)
KAPPA_CODEC_VECTOR_TESTS(KappaRaftMessageResponse, kappa_raft_message_response)
KAPPA_CODEC_VECTOR_TESTS(KappaForwardRequest, kappa_forward_request)
KAPPA_CODEC_VECTOR_TESTS(KappaForwardResponse, kappa_forward_response)
KAPPA_CODEC_VECTOR_TESTS(KappaFetchMetadataRequest, kappa_fetch_metadata_request)
KAPPA_CODEC_VECTOR_TESTS(KappaFetchMetadataResponse, kappa_fetch_metadata_response)

}  // namespace
}  // namespace kappa::protocol::testing

// Admin APIs (CreateTopics, DeleteTopics, DescribeConfigs, AlterConfigs,
// IncrementalAlterConfigs, DescribeLogDirs, CreatePartitions) against reference encodings of
// every version (vectors/admin.inc).  Each builder sets every field the
// version has, with the values gen_kafka_python_vectors.py encodes.

#include <gtest/gtest.h>

#include "kappa/protocol/msg/alter_configs.h"
#include "kappa/protocol/msg/create_partitions.h"
#include "kappa/protocol/msg/create_topics.h"
#include "kappa/protocol/msg/delete_topics.h"
#include "kappa/protocol/msg/describe_configs.h"
#include "kappa/protocol/msg/describe_log_dirs.h"
#include "kappa/protocol/msg/incremental_alter_configs.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/admin.inc"

namespace kappa::protocol::testing {
namespace {

CreateTopicsRequest create_topics_request(int16_t) {
  CreateTopicsRequest m;
  m.topics = {{.name = "orders",
               .num_partitions = -1,
               .replication_factor = -1,
               .assignments = {{.partition_index = 0, .broker_ids = {1, 2}},
                               {.partition_index = 1, .broker_ids = {2, 3}}},
               .configs = {{.name = "cleanup.policy", .value = "compact"}, {.name = "retention.ms"}}},
              {.name = "clicks", .num_partitions = 3, .replication_factor = 2}};
  m.timeout_ms = 30000;
  m.validate_only = true;
  return m;
}

CreateTopicsResponse create_topics_response(int16_t v) {
  using C = CreateTopicsResponse;
  C::CreatableTopicResult orders{.name = "orders", .error_code = 0};
  C::CreatableTopicResult bad{.name = "bad topic", .error_code = 17, .error_message = "invalid chars ü"};
  if (v >= 7) orders.topic_id = kUuidA;
  if (v >= 5) {
    orders.topic_config_error_code = 29;
    orders.num_partitions = 2;
    orders.replication_factor = 3;
    orders.configs = std::vector<C::CreatableTopicConfigs>{{.name = "cleanup.policy",
                                                            .value = "compact",
                                                            .read_only = false,
                                                            .config_source = 1,
                                                            .is_sensitive = false},
                                                           {.name = "sasl.secret",
                                                            .value = std::nullopt,
                                                            .read_only = true,
                                                            .config_source = 5,
                                                            .is_sensitive = true}};
  }
  C m;
  m.throttle_time_ms = 140;
  m.topics = {orders, bad};
  return m;
}

DeleteTopicsRequest delete_topics_request(int16_t v) {
  DeleteTopicsRequest m;
  if (v >= 6) {
    m.topics = {{.name = "orders", .topic_id = kUuidA}, {.name = std::nullopt, .topic_id = kUuidB}};
  } else {
    m.topic_names = {"orders", "clicks"};
  }
  m.timeout_ms = 30000;
  return m;
}

DeleteTopicsResponse delete_topics_response(int16_t v) {
  using D = DeleteTopicsResponse;
  D::DeletableTopicResult orders{.name = "orders", .error_code = 0};
  // Asked for by id; its name is null from v6.
  D::DeletableTopicResult clicks{.error_code = 3};
  if (v < 6) clicks.name = "clicks";
  if (v >= 5) clicks.error_message = "unknown topic";
  if (v >= 6) {
    orders.topic_id = kUuidA;
    clicks.topic_id = kUuidB;
  }
  D m;
  m.throttle_time_ms = 150;
  m.responses = {orders, clicks};
  return m;
}

DescribeConfigsRequest describe_configs_request(int16_t v) {
  DescribeConfigsRequest m;
  m.resources = {{.resource_type = 2,
                  .resource_name = "orders",
                  .configuration_keys = std::vector<std::string>{"cleanup.policy", "retention.ms"}},
                 {.resource_type = 4, .resource_name = "1"}};
  m.include_synonyms = true;
  if (v >= 3) m.include_documentation = true;
  return m;
}

DescribeConfigsResponse describe_configs_response(int16_t v) {
  using D = DescribeConfigsResponse;
  D::DescribeConfigsResourceResult policy{
      .name = "cleanup.policy",
      .value = "compact",
      .read_only = false,
      .config_source = 1,
      .is_sensitive = false,
      .synonyms = {{.name = "cleanup.policy", .value = "compact", .source = 1},
                   {.name = "log.cleanup.policy", .value = "delete", .source = 5}}};
  D::DescribeConfigsResourceResult password{.name = "sasl.password",
                                            .value = std::nullopt,
                                            .read_only = true,
                                            .config_source = 4,
                                            .is_sensitive = true};
  if (v >= 3) {
    policy.config_type = 2;
    policy.documentation = "How to clean ü";
    password.config_type = 7;
  }
  D m;
  m.throttle_time_ms = 190;
  m.results = {
      {.error_code = 0, .resource_type = 2, .resource_name = "orders", .configs = {policy, password}},
      {.error_code = 31, .error_message = "not authorized", .resource_type = 4, .resource_name = "1"}};
  return m;
}

AlterConfigsRequest alter_configs_request(int16_t) {
  AlterConfigsRequest m;
  m.resources = {{.resource_type = 2,
                  .resource_name = "orders",
                  .configs = {{.name = "retention.ms", .value = "86400000"}, {.name = "cleanup.policy"}}},
                 {.resource_type = 4, .resource_name = "1"}};
  m.validate_only = true;
  return m;
}

template <typename Response>
Response alter_results(int32_t throttle_time_ms) {
  Response m;
  m.throttle_time_ms = throttle_time_ms;
  m.responses = {{.error_code = 0, .resource_type = 2, .resource_name = "orders"},
                 {.error_code = 40, .error_message = "bad välue", .resource_type = 4, .resource_name = "1"}};
  return m;
}

AlterConfigsResponse alter_configs_response(int16_t) { return alter_results<AlterConfigsResponse>(200); }

IncrementalAlterConfigsRequest incremental_alter_configs_request(int16_t) {
  IncrementalAlterConfigsRequest m;
  m.resources = {{.resource_type = 2,
                  .resource_name = "orders",
                  .configs = {{.name = "retention.ms", .config_operation = 0, .value = "86400000"},
                              {.name = "cleanup.policy", .config_operation = 1}}},
                 {.resource_type = 4, .resource_name = "1"}};
  m.validate_only = true;
  return m;
}

IncrementalAlterConfigsResponse incremental_alter_configs_response(int16_t) {
  return alter_results<IncrementalAlterConfigsResponse>(210);
}

CreatePartitionsRequest create_partitions_request(int16_t) {
  using C = CreatePartitionsRequest;
  CreatePartitionsRequest m;
  m.topics = {{.name = "orders",
               .count = 6,
               .assignments = std::vector<C::CreatePartitionsAssignment>{{{1, 2}}, {{3, 1}}}},
              {.name = "clicks", .count = 4}};
  m.timeout_ms = 30000;
  m.validate_only = true;
  return m;
}

CreatePartitionsResponse create_partitions_response(int16_t) {
  CreatePartitionsResponse m;
  m.throttle_time_ms = 220;
  m.results = {{.name = "orders", .error_code = 0},
               {.name = "clicks", .error_code = 37, .error_message = "cannot shrink ü"}};
  return m;
}

DescribeLogDirsRequest describe_log_dirs_request(int16_t) {
  DescribeLogDirsRequest m;
  m.topics = std::vector<DescribeLogDirsRequest::DescribableLogDirTopic>{{.topic = "orders", .partitions = {0, 1}},
                                                                        {.topic = "clicks", .partitions = {}}};
  return m;
}

DescribeLogDirsResponse describe_log_dirs_response(int16_t v) {
  using R = DescribeLogDirsResponse;
  R m;
  m.throttle_time_ms = 170;
  R::DescribeLogDirsResult good{.error_code = 0, .log_dir = "/var/lib/kappa"};
  good.topics = {{.name = "orders",
                  .partitions = {{.partition_index = 0, .partition_size = 4096, .offset_lag = 0, .is_future_key = false},
                                 {.partition_index = 1, .partition_size = 0, .offset_lag = 3, .is_future_key = true}}}};
  R::DescribeLogDirsResult bad{.error_code = 56, .log_dir = "/bad"};
  if (v >= 4) {
    good.total_bytes = bad.total_bytes = int64_t{1} << 40;
    good.usable_bytes = bad.usable_bytes = int64_t{1} << 39;
  }
  m.results = {good, bad};
  return m;
}

KAPPA_CODEC_VECTOR_TESTS(CreateTopicsRequest, create_topics_request)
KAPPA_CODEC_VECTOR_TESTS(CreateTopicsResponse, create_topics_response)
KAPPA_CODEC_VECTOR_TESTS(DeleteTopicsRequest, delete_topics_request)
KAPPA_CODEC_VECTOR_TESTS(DeleteTopicsResponse, delete_topics_response)
KAPPA_CODEC_VECTOR_TESTS(DescribeConfigsRequest, describe_configs_request)
KAPPA_CODEC_VECTOR_TESTS(DescribeConfigsResponse, describe_configs_response)
KAPPA_CODEC_VECTOR_TESTS(AlterConfigsRequest, alter_configs_request)
KAPPA_CODEC_VECTOR_TESTS(AlterConfigsResponse, alter_configs_response)
KAPPA_CODEC_VECTOR_TESTS(IncrementalAlterConfigsRequest, incremental_alter_configs_request)
KAPPA_CODEC_VECTOR_TESTS(IncrementalAlterConfigsResponse, incremental_alter_configs_response)
KAPPA_CODEC_VECTOR_TESTS(DescribeLogDirsRequest, describe_log_dirs_request)
KAPPA_CODEC_VECTOR_TESTS(DescribeLogDirsResponse, describe_log_dirs_response)
KAPPA_CODEC_VECTOR_TESTS(CreatePartitionsRequest, create_partitions_request)
KAPPA_CODEC_VECTOR_TESTS(CreatePartitionsResponse, create_partitions_response)

}  // namespace
}  // namespace kappa::protocol::testing

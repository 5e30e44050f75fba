#pragma once
// Pure planning of topic changes: each function validates a request against
// the committed MetadataImage and, when valid, appends the metadata records
// that carry it out.  Nothing is applied here; the controller writes the
// records to the metadata log.  Errors are Kafka's, with Kafka-like messages.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kappa/metadata/metadata_image.h"
#include "kappa/protocol/error_code.h"
#include "kappa/protocol/uuid.h"

namespace kappa::controller {

struct CommandResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
  bool ok() const { return error == protocol::ErrorCode::kNone; }
};

struct NewTopic {
  std::string name;
  int32_t num_partitions = -1;      // -1: the default
  int16_t replication_factor = -1;  // -1: the default
  std::map<int32_t, std::vector<int32_t>> assignments;  // manual placement
  std::map<std::string, std::string> configs;
};

struct TopicDefaults {
  int32_t num_partitions = 1;
  int16_t replication_factor = 1;
};

struct CreatedTopic : CommandResult {
  protocol::Uuid id;
  int32_t num_partitions = -1;
  int16_t replication_factor = -1;
};

// Brokers new replicas may go to: registered, unfenced, not shutting down.
std::vector<int32_t> usable_brokers(const metadata::MetadataImage& image);

CreatedTopic plan_create_topic(const metadata::MetadataImage& image, const NewTopic& topic,
                               const TopicDefaults& defaults, const protocol::Uuid& id,
                               std::vector<metadata::MetadataRecord>& out);

CommandResult plan_delete_topic(const metadata::MetadataImage& image, const std::string& name,
                                std::vector<metadata::MetadataRecord>& out);

// Grows `name` to `new_count` partitions; `assignments` (optional) holds the
// replicas of each new partition in order.
CommandResult plan_create_partitions(const metadata::MetadataImage& image, const std::string& name,
                                     int32_t new_count, const std::vector<std::vector<int32_t>>& assignments,
                                     std::vector<metadata::MetadataRecord>& out);

// Replaces the topic's overrides with `configs` (a null value deletes).
CommandResult plan_topic_configs(const metadata::MetadataImage& image, const std::string& name,
                                 const std::map<std::string, std::optional<std::string>>& changes,
                                 std::vector<metadata::MetadataRecord>& out);

}  // namespace kappa::controller

#pragma once
// Records as the client API sees them: owning values, so they can be queued
// and handed across coroutines. Keys, values and header values are arbitrary
// bytes held in std::string; nullopt is Kafka's null (a tombstone value, an
// unkeyed record), which is different from an empty string.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kappa::client {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct Header {
  std::string key;
  std::optional<std::string> value;
  friend bool operator==(const Header&, const Header&) = default;
};

struct ProducerRecord {
  std::string topic;
  std::optional<int32_t> partition;  // unset: chosen by the partitioner
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
  std::optional<int64_t> timestamp;  // ms since the epoch; unset: now
};

// Where an acknowledged record landed.
struct RecordMetadata {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;     // -1 with acks=0 (the broker does not say)
  int64_t timestamp = -1;  // CreateTime, or the broker's LogAppendTime
};

enum class TimestampType : int8_t { kCreateTime = 0, kLogAppendTime = 1 };

struct ConsumerRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp = 0;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  int32_t leader_epoch = -1;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
};

}  // namespace kappa::client

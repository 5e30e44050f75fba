#pragma once
// OffsetStore: the committed offsets of every group of one coordinator
// partition, as the replay of its OffsetCommit records (later records win,
// tombstones delete).  Not thread-safe: owned by the coordinator shard.

#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/protocol/msg/offset_commit_value.h"

namespace kappa::group {

struct OffsetAndMetadata {
  int64_t offset = -1;
  int32_t leader_epoch = -1;
  std::string metadata;
  int64_t commit_timestamp_ms = -1;
  // Only for commits with an explicit retention (OffsetCommit v2-4).
  std::optional<int64_t> expire_timestamp_ms;

  protocol::OffsetCommitValue to_value() const;
  static OffsetAndMetadata from_value(const protocol::OffsetCommitValue& v, int16_t version);
  bool operator==(const OffsetAndMetadata&) const = default;
};

struct TopicPartitionKey {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartitionKey&) const = default;
};

using GroupOffsets = std::map<TopicPartitionKey, OffsetAndMetadata>;

class OffsetStore {
 public:
  void put(const std::string& group, const TopicPartitionKey& tp, OffsetAndMetadata offset);
  void erase(const std::string& group, const TopicPartitionKey& tp);
  void erase_group(const std::string& group);

  const OffsetAndMetadata* get(const std::string& group, const TopicPartitionKey& tp) const;
  // nullptr when the group has no committed offsets.
  const GroupOffsets* offsets(const std::string& group) const;
  bool has_offsets(const std::string& group) const { return offsets(group) != nullptr; }
  std::vector<std::string> groups() const;

 private:
  std::map<std::string, GroupOffsets, std::less<>> offsets_;
};

// The offsets of `offsets` that have expired at `now_ms` (Kafka's rule):
// a commit with an explicit expiry expires at it; any other once
// `retention_ms` have passed since `base_timestamp_ms` (when given: the time
// the group became empty) or else since its commit.  Offsets of topics for
// which `keep_topic` is true never expire.
std::vector<TopicPartitionKey> expired_offsets(const GroupOffsets& offsets, int64_t now_ms,
                                               int64_t retention_ms, std::optional<int64_t> base_timestamp_ms,
                                               const std::function<bool(const std::string&)>& keep_topic);

}  // namespace kappa::group

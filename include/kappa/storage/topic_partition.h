#pragma once
// A partition's identity and its directory name "<topic>-<partition>".

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "kappa/common/strong_id.h"

namespace kappa::storage {

inline constexpr size_t kMaxTopicNameLength = 249;

// Kafka's rule: 1..249 characters of [a-zA-Z0-9._-], and not "." or "..".
bool is_valid_topic_name(std::string_view topic);

struct TopicPartition {
  std::string topic;
  PartitionId partition{0};

  auto operator<=>(const TopicPartition&) const = default;

  // "<topic>-<partition>".
  std::string dir_name() const;
  // Parses a partition directory name using the last '-' (topic names may
  // contain '-'); nullopt for anything else (e.g. "-delete" directories).
  static std::optional<TopicPartition> parse_dir_name(std::string_view name);
};

}  // namespace kappa::storage

template <>
struct std::hash<kappa::storage::TopicPartition> {
  size_t operator()(const kappa::storage::TopicPartition& tp) const noexcept {
    return std::hash<std::string>{}(tp.topic) * 31 + std::hash<int32_t>{}(tp.partition.value());
  }
};

template <>
struct fmt::formatter<kappa::storage::TopicPartition> : fmt::formatter<std::string_view> {
  auto format(const kappa::storage::TopicPartition& tp, format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{}-{}", tp.topic, tp.partition.value());
  }
};

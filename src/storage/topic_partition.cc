#include "kappa/storage/topic_partition.h"

#include <charconv>

namespace kappa::storage {

bool is_valid_topic_name(std::string_view topic) {
  if (topic.empty() || topic.size() > kMaxTopicNameLength || topic == "." || topic == "..") return false;
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string TopicPartition::dir_name() const { return fmt::format("{}-{}", topic, partition.value()); }

std::optional<TopicPartition> TopicPartition::parse_dir_name(std::string_view name) {
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
  std::string_view topic = name.substr(0, dash);
  std::string_view digits = name.substr(dash + 1);
  int32_t partition = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), partition);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || partition < 0) return std::nullopt;
  if (digits.size() > 1 && digits[0] == '0') return std::nullopt;  // not a name we would write
  if (!is_valid_topic_name(topic)) return std::nullopt;
  return TopicPartition{std::string(topic), PartitionId(partition)};
}

}  // namespace kappa::storage

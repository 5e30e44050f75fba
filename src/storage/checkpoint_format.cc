#include "kappa/storage/checkpoint_format.h"

#include <charconv>

#include <fmt/format.h>

namespace kappa::storage {
namespace {

constexpr std::string_view kVersion = "0";

// Splits `text` into lines; the last line must end with '\n'.
std::optional<std::vector<std::string_view>> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    lines.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Splits a line into exactly `n` fields separated by single spaces.
std::optional<std::vector<std::string_view>> fields_of(std::string_view line, size_t n) {
  std::vector<std::string_view> fields;
  while (true) {
    size_t sp = line.find(' ');
    fields.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) break;
    line.remove_prefix(sp + 1);
  }
  if (fields.size() != n) return std::nullopt;
  return fields;
}

template <typename T>
std::optional<T> number(std::string_view s) {
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// Checks the version and count lines; returns the entry lines.
std::optional<std::vector<std::string_view>> entry_lines(std::string_view text) {
  auto lines = lines_of(text);
  if (!lines || lines->size() < 2 || (*lines)[0] != kVersion) return std::nullopt;
  auto count = number<size_t>((*lines)[1]);
  if (!count || *count != lines->size() - 2) return std::nullopt;
  return std::vector<std::string_view>(lines->begin() + 2, lines->end());
}

}  // namespace

std::string format_offset_checkpoint(const OffsetMap& offsets) {
  std::string out = fmt::format("{}\n{}\n", kVersion, offsets.size());
  for (const auto& [tp, offset] : offsets) out += fmt::format("{} {} {}\n", tp.topic, tp.partition.value(), offset);
  return out;
}

std::optional<OffsetMap> parse_offset_checkpoint(std::string_view text) {
  auto lines = entry_lines(text);
  if (!lines) return std::nullopt;
  OffsetMap offsets;
  for (std::string_view line : *lines) {
    auto f = fields_of(line, 3);
    if (!f || !is_valid_topic_name((*f)[0])) return std::nullopt;
    auto partition = number<int32_t>((*f)[1]);
    auto offset = number<int64_t>((*f)[2]);
    if (!partition || !offset || *partition < 0) return std::nullopt;
    offsets[TopicPartition{std::string((*f)[0]), PartitionId(*partition)}] = *offset;
  }
  return offsets;
}

std::string format_epoch_checkpoint(const EpochList& epochs) {
  std::string out = fmt::format("{}\n{}\n", kVersion, epochs.size());
  for (const auto& [epoch, offset] : epochs) out += fmt::format("{} {}\n", epoch, offset);
  return out;
}

std::optional<EpochList> parse_epoch_checkpoint(std::string_view text) {
  auto lines = entry_lines(text);
  if (!lines) return std::nullopt;
  EpochList epochs;
  for (std::string_view line : *lines) {
    auto f = fields_of(line, 2);
    if (!f) return std::nullopt;
    auto epoch = number<int32_t>((*f)[0]);
    auto offset = number<int64_t>((*f)[1]);
    if (!epoch || !offset || *epoch < 0 || *offset < 0) return std::nullopt;
    epochs.emplace_back(*epoch, *offset);
  }
  return epochs;
}

}  // namespace kappa::storage

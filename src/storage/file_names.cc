#include "kappa/storage/file_names.h"

#include <charconv>

#include <fmt/format.h>

namespace kappa::storage {
namespace {
constexpr size_t kOffsetDigits = 20;
}

std::string segment_file_name(int64_t base_offset, std::string_view suffix) {
  return fmt::format("{:020d}{}", base_offset, suffix);
}

std::optional<int64_t> parse_segment_file_name(std::string_view name, std::string_view suffix) {
  if (name.size() != kOffsetDigits + suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  int64_t offset = 0;
  const char* end = name.data() + kOffsetDigits;
  auto [ptr, ec] = std::from_chars(name.data(), end, offset);
  if (ec != std::errc() || ptr != end || offset < 0) return std::nullopt;
  return offset;
}

std::string delete_dir_name(std::string_view partition_dir, std::string_view unique_id) {
  return fmt::format("{}.{}{}", partition_dir, unique_id, kDeleteDirSuffix);
}

bool is_delete_dir_name(std::string_view name) {
  return name.ends_with(kDeleteDirSuffix) && name.find('.') != std::string_view::npos;
}

}  // namespace kappa::storage

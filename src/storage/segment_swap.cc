#include "segment_swap.h"

#include <array>
#include <set>
#include <string>

#include "kappa/protocol/record_batch.h"
#include "kappa/storage/file_names.h"
#include "logger.h"

namespace kappa::storage {
namespace {

namespace layout = protocol::batch_layout;

// Indexes first, the .log last: its rename is what commits a stage.
constexpr std::array kSuffixes = {kIndexSuffix, kTimeIndexSuffix, kLogSuffix};

std::filesystem::path file_of(const std::filesystem::path& dir, int64_t base, std::string_view suffix,
                              std::string_view extra = {}) {
  return dir / (segment_file_name(base, suffix) + std::string(extra));
}

std::error_code rename_all(FileSystem& fs, const std::filesystem::path& dir, int64_t base, std::string_view from,
                           std::string_view to) {
  for (auto suffix : kSuffixes) {
    if (auto ec = fs.rename(file_of(dir, base, suffix, from), file_of(dir, base, suffix, to))) return ec;
  }
  return {};
}

std::error_code remove_segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base) {
  for (auto suffix : kSuffixes) {
    if (auto ec = fs.remove(file_of(dir, base, suffix))) return ec;
  }
  return {};
}

// One past the last offset of the whole batches in `path` (`base` if none).
Result<int64_t> end_offset_of(FileSystem& fs, const std::filesystem::path& path, int64_t base) {
  auto file = fs.open(path, OpenMode::kOpenExisting);
  if (!file) return file.error();
  auto size = (*file)->size();
  if (!size) return size.error();
  int64_t end = base;
  std::array<uint8_t, layout::kHeaderSize> bytes;
  for (uint64_t pos = 0; pos + layout::kHeaderSize <= *size;) {
    auto got = (*file)->read_at(pos, bytes);
    if (!got) return got.error();
    auto h = protocol::peek_batch_header(std::span(bytes.data(), *got));
    if (!h || h->magic != 2 || h->batch_length < static_cast<int32_t>(layout::kHeaderSize - layout::kLogOverhead) ||
        pos + h->total_size() > *size) {
      break;  // the next open validates what follows
    }
    end = h->next_offset();
    pos += h->total_size();
  }
  return end;
}

// Step 3 and the removal of replaced segments, for a committed swap at `base`.
std::error_code complete_swap(FileSystem& fs, const std::filesystem::path& dir, int64_t base,
                              const std::set<int64_t>& segment_bases) {
  auto end = end_offset_of(fs, file_of(dir, base, kLogSuffix, kSwapSuffix), base);
  if (!end) return end.error();
  for (auto it = segment_bases.upper_bound(base); it != segment_bases.end() && *it < *end; ++it) {
    if (auto ec = remove_segment(fs, dir, *it)) return ec;
  }
  for (auto suffix : kSuffixes) {
    auto swap = file_of(dir, base, suffix, kSwapSuffix);
    if (!fs.exists(swap)) continue;  // an index already renamed before the crash
    if (auto ec = fs.rename(swap, file_of(dir, base, suffix))) return ec;
  }
  logger().info("{}: completed the interrupted swap of cleaned segment {} (ends at {})", dir.string(), base, *end);
  return {};
}

}  // namespace

std::error_code swap_in_cleaned_segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base,
                                        std::span<const int64_t> replaced, bool& committed) {
  committed = false;
  if (auto ec = rename_all(fs, dir, base, kCleanedSuffix, kSwapSuffix)) return ec;
  committed = true;
  if (auto ec = fs.sync_directory(dir)) return ec;
  for (int64_t old : replaced) {
    if (old == base) continue;  // replaced by the renames below
    if (auto ec = remove_segment(fs, dir, old)) return ec;
  }
  if (replaced.size() > 1) {
    if (auto ec = fs.sync_directory(dir)) return ec;
  }
  return rename_all(fs, dir, base, kSwapSuffix, {});
}

void discard_cleaned_segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base) {
  for (auto extra : {kCleanedSuffix, kSwapSuffix}) {
    for (auto suffix : kSuffixes) (void)fs.remove(file_of(dir, base, suffix, extra));
  }
}

Result<size_t> complete_interrupted_swaps(FileSystem& fs, const std::filesystem::path& dir) {
  auto names = fs.list(dir);
  if (!names) return names.error();
  const std::string log_swap = std::string(kLogSuffix) + std::string(kSwapSuffix);
  std::set<int64_t> swaps, bases;
  bool leftovers = false;
  for (const auto& name : *names) {
    if (auto base = parse_segment_file_name(name, log_swap)) swaps.insert(*base);
    if (auto base = parse_segment_file_name(name, kLogSuffix)) bases.insert(*base);
    leftovers |= name.ends_with(kCleanedSuffix) || name.ends_with(kSwapSuffix);
  }
  if (!leftovers) return size_t{0};
  for (int64_t base : swaps) {
    if (auto ec = complete_swap(fs, dir, base, bases)) return ec;
  }
  names = fs.list(dir);
  if (!names) return names.error();
  for (const auto& name : *names) {
    if (!name.ends_with(kCleanedSuffix) && !name.ends_with(kSwapSuffix)) continue;
    logger().info("{}: removing {} of an interrupted cleaning", dir.string(), name);
    if (auto ec = fs.remove(dir / name)) return ec;
  }
  if (auto ec = fs.sync_directory(dir)) return ec;
  return swaps.size();
}

}  // namespace kappa::storage

#include "time_index.h"

#include <algorithm>

#include "kappa/common/assert.h"

namespace kappa::storage {

TimeIndex::TimeIndex(std::shared_ptr<File> file, int64_t base_offset, size_t max_entries)
    : file_(std::move(file)), base_offset_(base_offset), max_entries_(max_entries) {}

std::error_code TimeIndex::load() {
  if (auto ec = file_.load()) return ec;
  const auto& entries = file_.entries();
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].timestamp <= entries[i - 1].timestamp ||
        entries[i].relative_offset < entries[i - 1].relative_offset) {
      file_.reset();
      return make_error_code(StorageErrc::kCorruptIndex);
    }
  }
  return {};
}

void TimeIndex::maybe_append(int64_t timestamp, int64_t offset) {
  if (!file_.empty() && timestamp <= file_.back().timestamp) return;
  int64_t relative = offset - base_offset_;
  KAPPA_ASSERT(relative >= 0 && relative <= INT32_MAX, "offset {} outside segment {}", offset, base_offset_);
  KAPPA_ASSERT(file_.empty() || point(file_.back()).offset <= offset, "time index offset went back to {}", offset);
  file_.push_back({timestamp, static_cast<uint32_t>(relative)});
}

std::optional<TimePoint> TimeIndex::lookup(int64_t timestamp) const {
  const auto& entries = file_.entries();
  auto it = std::upper_bound(entries.begin(), entries.end(), timestamp,
                             [](int64_t target, const TimeIndexEntry& e) { return target < e.timestamp; });
  if (it == entries.begin()) return std::nullopt;
  return point(*std::prev(it));
}

std::optional<TimePoint> TimeIndex::last() const {
  if (file_.empty()) return std::nullopt;
  return point(file_.back());
}

void TimeIndex::truncate_to(int64_t offset) {
  const auto& entries = file_.entries();
  auto it = std::find_if(entries.begin(), entries.end(), [&](const TimeIndexEntry& e) { return point(e).offset >= offset; });
  file_.truncate(static_cast<size_t>(it - entries.begin()));
}

}  // namespace kappa::storage

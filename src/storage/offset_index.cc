#include "offset_index.h"

#include <algorithm>

#include "kappa/common/assert.h"

namespace kappa::storage {

OffsetIndex::OffsetIndex(std::shared_ptr<File> file, int64_t base_offset, size_t max_entries)
    : file_(std::move(file)), base_offset_(base_offset), max_entries_(max_entries) {}

std::error_code OffsetIndex::load(uint64_t log_size) {
  if (auto ec = file_.load()) return ec;
  const auto& entries = file_.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    bool ordered = i == 0 || (entries[i].relative_offset > entries[i - 1].relative_offset &&
                              entries[i].position > entries[i - 1].position);
    if (!ordered || entries[i].position >= log_size) {
      file_.reset();
      return make_error_code(StorageErrc::kCorruptIndex);
    }
  }
  return {};
}

void OffsetIndex::append(int64_t offset, uint32_t position) {
  int64_t relative = offset - base_offset_;
  KAPPA_ASSERT(relative >= 0 && relative <= INT32_MAX, "offset {} outside segment {}", offset, base_offset_);
  if (!file_.empty()) {
    KAPPA_ASSERT(point(file_.back()).offset < offset && file_.back().position < position,
                 "index entry ({}, {}) does not follow ({}, {})", offset, position, point(file_.back()).offset,
                 file_.back().position);
  }
  file_.push_back({static_cast<uint32_t>(relative), position});
}

IndexPoint OffsetIndex::lookup(int64_t offset) const {
  const auto& entries = file_.entries();
  auto it = std::upper_bound(entries.begin(), entries.end(), offset,
                             [this](int64_t target, const OffsetIndexEntry& e) { return target < point(e).offset; });
  if (it == entries.begin()) return {base_offset_, 0};
  return point(*std::prev(it));
}

IndexPoint OffsetIndex::lookup_position(uint64_t position) const {
  const auto& entries = file_.entries();
  auto it = std::upper_bound(entries.begin(), entries.end(), position,
                             [](uint64_t target, const OffsetIndexEntry& e) { return target < e.position; });
  if (it == entries.begin()) return {base_offset_, 0};
  return point(*std::prev(it));
}

std::optional<IndexPoint> OffsetIndex::last() const {
  if (file_.empty()) return std::nullopt;
  return point(file_.back());
}

void OffsetIndex::truncate_to(int64_t offset) {
  const auto& entries = file_.entries();
  auto it = std::lower_bound(entries.begin(), entries.end(), offset,
                             [this](const OffsetIndexEntry& e, int64_t target) { return point(e).offset < target; });
  file_.truncate(static_cast<size_t>(it - entries.begin()));
}

}  // namespace kappa::storage

#pragma once
// TimeIndex: a segment's sparse map from timestamps to offsets (entry layout
// in kappa/storage/index_format.h).  An entry (T, o) says: the batch at
// offset o first brought the segment's largest timestamp to T, so every
// batch before o has a smaller timestamp.  Owned by one thread.

#include <cstdint>
#include <memory>
#include <optional>

#include "index_file.h"
#include "kappa/storage/index_format.h"

namespace kappa::storage {

struct TimePoint {
  int64_t timestamp = -1;
  int64_t offset = 0;
};

class TimeIndex {
 public:
  TimeIndex(std::shared_ptr<File> file, int64_t base_offset, size_t max_entries);

  // Loads the file and checks that timestamps strictly increase and offsets
  // do not decrease; kCorruptIndex otherwise (the index is then empty).
  std::error_code load();
  void reset() { file_.reset(); }

  // Appends (timestamp, offset) if `timestamp` exceeds the last entry's.
  void maybe_append(int64_t timestamp, int64_t offset);
  // The last entry with timestamp <= `timestamp`.
  std::optional<TimePoint> lookup(int64_t timestamp) const;
  std::optional<TimePoint> last() const;
  // Drops the entries at or after `offset`.
  void truncate_to(int64_t offset);

  // Keeps one slot free for the entry written when the segment is sealed.
  bool full() const { return file_.size() + 1 >= max_entries_; }
  size_t size() const { return file_.size(); }
  std::error_code persist() { return file_.persist(); }
  const std::shared_ptr<File>& file() const { return file_.file(); }

 private:
  TimePoint point(const TimeIndexEntry& e) const { return {e.timestamp, base_offset_ + e.relative_offset}; }

  IndexFile<TimeIndexEntry> file_;
  int64_t base_offset_;
  size_t max_entries_;
};

}  // namespace kappa::storage

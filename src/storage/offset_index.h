#pragma once
// OffsetIndex: a segment's sparse map from offsets to .log file positions
// (entry layout in kappa/storage/index_format.h).  Each entry names the
// start of a batch; a lookup returns the nearest entry at or before the
// target and the caller scans batch headers forward from there.
// Owned by one thread (its segment's).

#include <cstdint>
#include <memory>
#include <optional>

#include "index_file.h"
#include "kappa/storage/index_format.h"

namespace kappa::storage {

struct IndexPoint {
  int64_t offset = 0;
  uint32_t position = 0;
};

class OffsetIndex {
 public:
  OffsetIndex(std::shared_ptr<File> file, int64_t base_offset, size_t max_entries);

  // Loads the file and checks it: offsets and positions strictly increase
  // and every position lies inside a .log of `log_size` bytes.
  // kCorruptIndex otherwise (the index is then empty, to be rebuilt).
  std::error_code load(uint64_t log_size);
  void reset() { file_.reset(); }

  // `offset` and `position` must exceed the last entry's.
  void append(int64_t offset, uint32_t position);
  // The last entry with offset <= `offset`; {base offset, 0} if none.
  IndexPoint lookup(int64_t offset) const;
  // The last entry with position <= `position`; {base offset, 0} if none.
  IndexPoint lookup_position(uint64_t position) const;
  std::optional<IndexPoint> last() const;
  // Drops the entries at or after `offset`.
  void truncate_to(int64_t offset);

  bool full() const { return file_.size() >= max_entries_; }
  size_t size() const { return file_.size(); }
  std::error_code persist() { return file_.persist(); }
  const std::shared_ptr<File>& file() const { return file_.file(); }

 private:
  IndexPoint point(const OffsetIndexEntry& e) const { return {base_offset_ + e.relative_offset, e.position}; }

  IndexFile<OffsetIndexEntry> file_;
  int64_t base_offset_;
  size_t max_entries_;
};

}  // namespace kappa::storage

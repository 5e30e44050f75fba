#pragma once
// ChunkReader: sequential reads of one file through a buffer, so walking a
// segment batch by batch (recovery, the log cleaner) costs one pread per
// megabyte rather than one per batch.  Not thread-safe; the file may be
// shared (File::read_at is safe for concurrent use).

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "kappa/storage/file_system.h"

namespace kappa::storage {

class ChunkReader {
 public:
  static constexpr size_t kChunk = 1 << 20;

  // Reads [0, file_size) of `file`, which must outlive the reader.
  ChunkReader(const File& file, uint64_t file_size) : file_(file), file_size_(file_size) {}

  // Up to `n` bytes at `position` (fewer only at the end of the file).  The
  // view stays valid until the next call.
  Result<std::span<const uint8_t>> view(uint64_t position, size_t n) {
    n = static_cast<size_t>(std::min<uint64_t>(n, file_size_ - std::min(position, file_size_)));
    if (position < start_ || position + n > start_ + length_) {
      buffer_.resize(std::max(kChunk, n));
      size_t want = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), file_size_ - position));
      auto got = file_.read_at(position, std::span(buffer_.data(), want));
      if (!got) return got.error();
      start_ = position;
      length_ = *got;
      n = std::min(n, length_);
    }
    return std::span<const uint8_t>(buffer_.data() + (position - start_), n);
  }

 private:
  const File& file_;
  uint64_t file_size_;
  std::vector<uint8_t> buffer_;
  uint64_t start_ = 0;
  size_t length_ = 0;
};

}  // namespace kappa::storage

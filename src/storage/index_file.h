#pragma once
// IndexFile<Entry>: a segment index's entries in memory, mirrored into a file
// of fixed-size entries (index_format.h).  Appends only touch memory;
// persist() makes the file hold exactly the entries, writing just what
// changed (the new tail, or a truncation).  Owned by one thread.

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

#include "kappa/storage/file_system.h"

namespace kappa::storage {

template <typename Entry>
class IndexFile {
 public:
  explicit IndexFile(std::shared_ptr<File> file) : file_(std::move(file)) {}

  // Reads the file's entries; kCorruptIndex if its size is not a whole
  // number of entries (the entries are then empty).
  std::error_code load() {
    reset();
    auto size = file_->size();
    if (!size) return size.error();
    if (*size % Entry::kSize != 0) return make_error_code(StorageErrc::kCorruptIndex);
    std::vector<uint8_t> bytes(*size);
    auto got = file_->read_at(0, bytes);
    if (!got) return got.error();
    if (*got != bytes.size()) return make_error_code(StorageErrc::kCorruptIndex);
    for (size_t pos = 0; pos < bytes.size(); pos += Entry::kSize) entries_.push_back(Entry::decode(&bytes[pos]));
    written_ = file_entries_ = entries_.size();
    return {};
  }

  // Forgets every entry; the next persist() empties the file first.
  void reset() {
    entries_.clear();
    written_ = 0;
    file_entries_ = kUnknown;
  }

  void push_back(const Entry& entry) { entries_.push_back(entry); }

  void truncate(size_t count) {
    if (count >= entries_.size()) return;
    entries_.resize(count);
    written_ = std::min(written_, count);
  }

  std::error_code persist() {
    if (file_entries_ != written_) {
      if (auto ec = file_->truncate(written_ * Entry::kSize)) return ec;
      file_entries_ = written_;
    }
    if (written_ == entries_.size()) return {};
    std::vector<uint8_t> bytes((entries_.size() - written_) * Entry::kSize);
    for (size_t i = written_; i < entries_.size(); ++i) entries_[i].encode(&bytes[(i - written_) * Entry::kSize]);
    if (auto ec = file_->write_at(written_ * Entry::kSize, bytes)) {
      file_entries_ = kUnknown;  // a prefix may have landed
      return ec;
    }
    written_ = file_entries_ = entries_.size();
    return {};
  }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const Entry& back() const { return entries_.back(); }
  const std::shared_ptr<File>& file() const { return file_; }

 private:
  static constexpr size_t kUnknown = std::numeric_limits<size_t>::max();

  std::shared_ptr<File> file_;
  std::vector<Entry> entries_;
  size_t written_ = 0;       // entries_[0, written_) are in the file
  size_t file_entries_ = 0;  // entries the file holds, or kUnknown
};

}  // namespace kappa::storage

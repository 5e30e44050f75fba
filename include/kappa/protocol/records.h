#pragma once
// Records: the bytes of one or more record batches carried by a message
// (Produce request, Fetch response) without being copied or re-encoded.
//
// A Records value is one of
//   - null (the wire's null records),
//   - a view of memory kept alive by `owner` (e.g. the request frame),
//   - a slice of an open file (a log segment) that the network layer can hand
//     to sendfile(2); `owner` keeps the file descriptor open meanwhile.
// Copying a Records copies the reference, never the bytes.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kappa::protocol {

struct FileSlice {
  int fd = -1;
  uint64_t offset = 0;
  uint32_t size = 0;
};

class Records {
 public:
  Records() = default;  // null

  static Records from_memory(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner);
  static Records from_file(FileSlice slice, std::shared_ptr<const void> owner);
  // A Records that owns a private copy of `bytes` (for small or built batches).
  static Records copy_of(std::span<const uint8_t> bytes);
  static Records take(std::vector<uint8_t> bytes);
  // An empty, non-null value.
  static Records empty();

  bool is_null() const { return kind_ == Kind::kNull; }
  bool in_memory() const { return kind_ == Kind::kMemory; }
  bool in_file() const { return kind_ == Kind::kFile; }
  size_t size() const;

  // Only valid when in_memory() (an empty span for null).
  std::span<const uint8_t> bytes() const { return bytes_; }
  // Only valid when in_file().
  const FileSlice& file() const { return file_; }
  const std::shared_ptr<const void>& owner() const { return owner_; }

  // Reads the referenced bytes into memory (reads the file for file slices).
  std::vector<uint8_t> to_vector() const;

  // Content equality for memory, identity for file slices.
  bool operator==(const Records& other) const;

 private:
  enum class Kind : uint8_t { kNull, kMemory, kFile };
  Kind kind_ = Kind::kNull;
  std::span<const uint8_t> bytes_;
  FileSlice file_;
  std::shared_ptr<const void> owner_;
};

}  // namespace kappa::protocol

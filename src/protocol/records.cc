#include "kappa/protocol/records.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace kappa::protocol {

Records Records::from_memory(std::span<const uint8_t> bytes, std::shared_ptr<const void> owner) {
  Records r;
  r.kind_ = Kind::kMemory;
  r.bytes_ = bytes;
  r.owner_ = std::move(owner);
  return r;
}

Records Records::from_file(FileSlice slice, std::shared_ptr<const void> owner) {
  Records r;
  r.kind_ = Kind::kFile;
  r.file_ = slice;
  r.owner_ = std::move(owner);
  return r;
}

Records Records::take(std::vector<uint8_t> bytes) {
  auto owned = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  return from_memory(std::span<const uint8_t>(owned->data(), owned->size()), owned);
}

Records Records::copy_of(std::span<const uint8_t> bytes) {
  return take(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

Records Records::empty() { return from_memory({}, nullptr); }

size_t Records::size() const {
  switch (kind_) {
    case Kind::kMemory:
      return bytes_.size();
    case Kind::kFile:
      return file_.size;
    case Kind::kNull:
      break;
  }
  return 0;
}

std::vector<uint8_t> Records::to_vector() const {
  if (kind_ != Kind::kFile) return std::vector<uint8_t>(bytes_.begin(), bytes_.end());
  std::vector<uint8_t> out(file_.size);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(file_.fd, out.data() + done, out.size() - done, static_cast<off_t>(file_.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category(), "pread records");
    if (n == 0) throw std::runtime_error("records file slice beyond end of file");
    done += static_cast<size_t>(n);
  }
  return out;
}

bool Records::operator==(const Records& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case Kind::kNull:
      return true;
    case Kind::kMemory:
      return std::equal(bytes_.begin(), bytes_.end(), other.bytes_.begin(), other.bytes_.end());
    case Kind::kFile:
      return file_.fd == other.file_.fd && file_.offset == other.file_.offset && file_.size == other.file_.size;
  }
  return false;
}

}  // namespace kappa::protocol

#include "kappa/common/durable_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace kappa {
namespace {

constexpr char kMagic[6] = {'K', 'A', 'P', 'P', 'A', '1'};
constexpr size_t kOverhead = sizeof(kMagic) + 4 + 8;

void put_be(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t get_be(const uint8_t* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

}  // namespace

void fsync_fd(int fd, const std::filesystem::path& what) {
  if (::fsync(fd) != 0) fail("fsync", what);
}

void fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) fail("open directory", dir);
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) {
    errno = saved;
    fail("fsync directory", dir);
  }
}

void write_durable_file(const std::filesystem::path& path, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out;
  out.reserve(payload.size() + kOverhead);
  out.insert(out.end(), kMagic, kMagic + sizeof(kMagic));
  put_be(out, payload.size(), 4);
  out.insert(out.end(), payload.begin(), payload.end());
  put_be(out, XXH64(payload.data(), payload.size(), 0), 8);

  auto tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("open", tmp);
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::write(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      errno = saved;
      fail("write", tmp);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    fail("fsync", tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename", tmp);
  fsync_directory(path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

DurableReadResult read_durable_file(const std::filesystem::path& path) {
  DurableReadResult result;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    result.status = std::filesystem::exists(path) ? DurableReadStatus::kCorrupt : DurableReadStatus::kMissing;
    if (result.status == DurableReadStatus::kCorrupt) result.error = "cannot open";
    return result;
  }
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  result.status = DurableReadStatus::kCorrupt;
  if (data.size() < kOverhead || std::memcmp(data.data(), kMagic, sizeof(kMagic)) != 0) {
    result.error = "bad magic or short file";
    return result;
  }
  uint64_t len = get_be(data.data() + sizeof(kMagic), 4);
  if (len != data.size() - kOverhead) {
    result.error = "length mismatch";
    return result;
  }
  const uint8_t* payload = data.data() + sizeof(kMagic) + 4;
  uint64_t want = get_be(payload + len, 8);
  if (XXH64(payload, len, 0) != want) {
    result.error = "checksum mismatch";
    return result;
  }
  result.status = DurableReadStatus::kOk;
  result.payload.assign(payload, payload + len);
  return result;
}

}  // namespace kappa

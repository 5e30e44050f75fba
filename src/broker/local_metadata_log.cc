#include "broker/local_metadata_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "kappa/async/run_blocking.h"
#include "kappa/common/durable_file.h"
#include "kappa/common/log.h"
#include "kappa/protocol/record_batch.h"

namespace kappa::broker {
namespace {
auto& log() {
  static auto logger = logging::get("metadata");
  return logger;
}
uint32_t load_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
void store_be32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
}  // namespace

LocalMetadataLog::LocalMetadataLog(std::filesystem::path dir, asio::thread_pool& pool, metadata::MetadataImage& image,
                                   int32_t node_id, std::function<void()> on_commit)
    : path_(dir / "metadata.log"), pool_(pool), image_(image), node_id_(node_id), on_commit_(std::move(on_commit)) {
  std::filesystem::create_directories(dir);
}

LocalMetadataLog::~LocalMetadataLog() {
  if (fd_ >= 0) ::close(fd_);
}

void LocalMetadataLog::open() {
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path_.string(), strerror(errno)));
  std::vector<uint8_t> data(static_cast<size_t>(std::filesystem::file_size(path_)));
  if (!data.empty() && ::pread(fd_, data.data(), data.size(), 0) != static_cast<ssize_t>(data.size())) {
    throw std::runtime_error(fmt::format("cannot read {}", path_.string()));
  }
  size_t pos = 0;
  while (pos + 8 <= data.size()) {
    uint32_t len = load_be32(&data[pos]);
    uint32_t crc = load_be32(&data[pos + 4]);
    if (len > data.size() - pos - 8) break;
    std::span<const uint8_t> payload(&data[pos + 8], len);
    if (protocol::crc32c(payload) != crc) break;
    try {
      for (const auto& r : metadata::decode_records(payload)) image_.apply(r);
    } catch (const protocol::DecodeError& e) {
      log()->error("metadata entry at byte {} is undecodable: {}", pos, e.what());
      break;
    }
    image_.set_offset(next_offset_++);
    pos += 8 + len;
  }
  if (pos != data.size()) {
    log()->warn("truncating torn metadata log tail at byte {} of {}", pos, data.size());
    if (::ftruncate(fd_, static_cast<off_t>(pos)) != 0) {
      throw std::runtime_error(fmt::format("cannot truncate {}", path_.string()));
    }
    fsync_fd(fd_, path_);
  }
  size_ = pos;
  log()->info("loaded {} metadata entries from {}", next_offset_, path_.string());
}

awaitable<protocol::ErrorCode> LocalMetadataLog::append(std::vector<metadata::MetadataRecord> records) {
  auto payload = metadata::encode_records(records);
  std::vector<uint8_t> entry(8 + payload.size());
  store_be32(entry.data(), static_cast<uint32_t>(payload.size()));
  store_be32(entry.data() + 4, protocol::crc32c(payload));
  std::copy(payload.begin(), payload.end(), entry.begin() + 8);
  const uint64_t at = size_;
  size_ += entry.size();
  const int fd = fd_;
  bool ok = co_await run_blocking(pool_, [fd, at, &entry] {
    size_t done = 0;
    while (done < entry.size()) {
      ssize_t n = ::pwrite(fd, entry.data() + done, entry.size() - done, static_cast<off_t>(at + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return ::fdatasync(fd) == 0;
  });
  if (!ok) {
    log()->error("cannot write the metadata log {}: {}", path_.string(), strerror(errno));
    size_ = at;
    (void)::ftruncate(fd_, static_cast<off_t>(at));
    co_return protocol::ErrorCode::kKafkaStorageError;
  }
  for (const auto& r : records) {
    log()->debug("applying {}", metadata::describe(r));
    image_.apply(r);
  }
  image_.set_offset(next_offset_++);
  if (on_commit_) on_commit_();
  co_return protocol::ErrorCode::kNone;
}

}  // namespace kappa::broker

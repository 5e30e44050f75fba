// FileRaftStorage: writes.  Recovery lives in file_storage_recovery.cc.
#include "kappa/raft/file_storage.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "kappa/common/assert.h"
#include "kappa/common/durable_file.h"
#include "raft/log_format.h"
#include "raft/logger.h"

namespace kappa::raft {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw std::system_error(errno, std::generic_category(), what + " " + path.string());
}

void write_all(int fd, const std::vector<uint8_t>& data, const std::filesystem::path& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write", path);
    done += static_cast<size_t>(n);
  }
}

}  // namespace

FileRaftStorage::FileRaftStorage(std::filesystem::path dir, FileStorageOptions options)
    : dir_(std::move(dir)), options_(options) {}

FileRaftStorage::~FileRaftStorage() { close_segment(); }

std::filesystem::path FileRaftStorage::segment_path(int64_t base) const {
  return dir_ / log_format::segment_name(base);
}

void FileRaftStorage::save_hard_state(const HardState& state) {
  write_durable_file(dir_ / log_format::kHardStateFile, log_format::encode_hard_state(state));
}

void FileRaftStorage::append(std::span<const Entry> entries) {
  if (entries.empty()) return;
  int64_t first = entries.front().index;
  KAPPA_ASSERT(first > snapshot_index_ && first <= last_index_ + 1, "append at {} to a log of ({}, {}]",
               first, snapshot_index_, last_index_);
  if (first <= last_index_) truncate_from(first);
  std::vector<uint8_t> buffer;  // frames for the last segment, written in one go
  auto flush = [&] {
    if (buffer.empty()) return;
    write_all(fd_, buffer, segment_path(segments_.back().base));
    segments_.back().size += buffer.size();
    buffer.clear();
  };
  for (const Entry& e : entries) {
    KAPPA_ASSERT(e.index == last_index_ + 1, "append of {} after {}", e.index, last_index_);
    if (segments_.empty() || segments_.back().size + buffer.size() >= options_.segment_bytes) {
      flush();
      roll(e.index);
    }
    segments_.back().offsets.push_back(segments_.back().size + buffer.size());
    log_format::append_frame(buffer, e);
    last_index_ = e.index;
  }
  flush();
}

void FileRaftStorage::save_snapshot(const Snapshot& snapshot) {
  KAPPA_ASSERT(snapshot.last_index > snapshot_index_ && snapshot.last_index <= last_index_,
               "snapshot at {} outside ({}, {}]", snapshot.last_index, snapshot_index_, last_index_);
  write_durable_file(dir_ / log_format::kSnapshotFile, log_format::encode_snapshot(snapshot));
  snapshot_index_ = snapshot.last_index;
  drop_segments_through(snapshot_index_);
}

void FileRaftStorage::reset_to_snapshot(const Snapshot& snapshot) {
  write_durable_file(dir_ / log_format::kSnapshotFile, log_format::encode_snapshot(snapshot));
  while (!segments_.empty()) remove_last_segment();
  snapshot_index_ = last_index_ = snapshot.last_index;
}

void FileRaftStorage::sync() {
  if (fd_ >= 0) fsync_fd(fd_, segment_path(segments_.back().base));
  if (dir_dirty_) fsync_directory(dir_);
  dir_dirty_ = false;
}

// Drops stored entries at and after `index`.
void FileRaftStorage::truncate_from(int64_t index) {
  while (!segments_.empty() && segments_.back().base >= index) remove_last_segment();
  last_index_ = index - 1;
  if (segments_.empty() || segments_.back().last() < index) return;
  Segment& seg = segments_.back();
  uint64_t size = seg.offsets[static_cast<size_t>(index - seg.base)];
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) fail("ftruncate", segment_path(seg.base));
  seg.offsets.resize(static_cast<size_t>(index - seg.base));
  seg.size = size;
}

// Removes the segments whose entries are all at or before `index`.
void FileRaftStorage::drop_segments_through(int64_t index) {
  size_t covered = 0;
  while (covered < segments_.size() && segments_[covered].last() <= index) ++covered;
  if (covered == segments_.size()) close_segment();
  for (size_t i = 0; i < covered; ++i) {
    std::filesystem::remove(segment_path(segments_[i].base));
    dir_dirty_ = true;
  }
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<ptrdiff_t>(covered));
}

void FileRaftStorage::remove_last_segment() {
  close_segment();
  std::filesystem::remove(segment_path(segments_.back().base));
  segments_.pop_back();
  dir_dirty_ = true;
  if (!segments_.empty()) open_last_segment();
}

// Starts a new segment for entries from `base` on; the old one is synced
// first, since sync() only reaches the open segment.
void FileRaftStorage::roll(int64_t base) {
  if (fd_ >= 0) fsync_fd(fd_, segment_path(segments_.back().base));
  close_segment();
  auto path = segment_path(base);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("create", path);
  segments_.push_back(Segment{.base = base, .offsets = {}, .size = 0});
  dir_dirty_ = true;
}

void FileRaftStorage::open_last_segment() {
  close_segment();
  auto path = segment_path(segments_.back().base);
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) fail("open", path);
}

void FileRaftStorage::close_segment() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace kappa::raft

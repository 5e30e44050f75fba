// FileRaftStorage::open: reading back and repairing what the last process
// left behind.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "kappa/common/durable_file.h"
#include "kappa/raft/file_storage.h"
#include "raft/log_format.h"
#include "raft/logger.h"

namespace kappa::raft {
namespace {

std::vector<uint8_t> read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "open " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void truncate_file(const std::filesystem::path& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + path.string());
  int rc = ::ftruncate(fd, static_cast<off_t>(size));
  int saved = errno;
  if (rc == 0) fsync_fd(fd, path);
  ::close(fd);
  if (rc != 0) throw std::system_error(saved, std::generic_category(), "ftruncate " + path.string());
}

}  // namespace

FileRaftStorage::Opened FileRaftStorage::open(const std::filesystem::path& dir, FileStorageOptions options) {
  Opened opened;
  try {
    std::filesystem::create_directories(dir);
    std::unique_ptr<FileRaftStorage> storage(new FileRaftStorage(dir, options));
    opened.error = storage->recover(opened.state);
    if (opened.error.empty()) opened.storage = std::move(storage);
  } catch (const std::exception& e) {
    opened.error = e.what();
  }
  if (!opened.error.empty()) opened.state = {};
  return opened;
}

std::string FileRaftStorage::recover(PersistentState& state) {
  if (std::string error = load_small_files(state); !error.empty()) return error;
  snapshot_index_ = last_index_ = state.snapshot.last_index;
  std::vector<Entry> entries = load_segments();
  if (std::string error = fit_log_to_snapshot(entries, state.snapshot.last_term); !error.empty())
    return error;
  for (Entry& e : entries) {
    if (e.index <= snapshot_index_) continue;
    if (e.term > state.hard_state.term) {
      return fmt::format("{}: log entry {} has term {} beyond the hard state's term {}", dir_.string(),
                         e.index, e.term, state.hard_state.term);
    }
    state.entries.push_back(std::move(e));
  }
  if (state.snapshot.last_term > state.hard_state.term) {
    return fmt::format("{}: snapshot term {} beyond the hard state's term {}", dir_.string(),
                       state.snapshot.last_term, state.hard_state.term);
  }
  if (!segments_.empty()) open_last_segment();
  sync();  // makes the repairs durable
  return {};
}

std::string FileRaftStorage::load_small_files(PersistentState& state) {
  DurableReadResult hard = read_durable_file(dir_ / log_format::kHardStateFile);
  if (hard.status == DurableReadStatus::kCorrupt)
    return fmt::format("{}/hard_state: {}", dir_.string(), hard.error);
  if (hard.status == DurableReadStatus::kOk) {
    auto decoded = log_format::decode_hard_state(hard.payload);
    if (!decoded) return fmt::format("{}/hard_state: unknown version or size", dir_.string());
    state.hard_state = *decoded;
  }
  DurableReadResult snap = read_durable_file(dir_ / log_format::kSnapshotFile);
  if (snap.status == DurableReadStatus::kCorrupt)
    return fmt::format("{}/snapshot: {}", dir_.string(), snap.error);
  if (snap.status == DurableReadStatus::kOk) {
    auto decoded = log_format::decode_snapshot(snap.payload);
    if (!decoded) return fmt::format("{}/snapshot: unknown version or size", dir_.string());
    state.snapshot = std::move(*decoded);
  }
  return {};
}

// Reads every segment in index order, stopping at the first bad frame: the
// file is truncated there and later segments are removed.
std::vector<Entry> FileRaftStorage::load_segments() {
  std::vector<int64_t> bases;
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    if (auto base = log_format::parse_segment_name(f.path().filename().string())) bases.push_back(*base);
  }
  std::sort(bases.begin(), bases.end());
  std::vector<Entry> entries;
  bool damaged = false;
  for (int64_t base : bases) {
    auto path = segment_path(base);
    if (damaged || (!entries.empty() && base != entries.back().index + 1)) {
      raft_logger().warn("raft storage {}: removing segment {} after a damaged or missing part of the log",
                         dir_.string(), path.filename().string());
      std::filesystem::remove(path);
      dir_dirty_ = true;
      damaged = true;
      continue;
    }
    std::vector<uint8_t> data = read_whole_file(path);
    Segment seg{.base = base, .offsets = {}, .size = 0};
    size_t size = 0;
    while (seg.size < data.size()) {
      auto e = log_format::read_frame(std::span(data).subspan(seg.size), size);
      if (!e || e->index != seg.last() + 1) break;
      seg.offsets.push_back(seg.size);
      seg.size += size;
      entries.push_back(std::move(*e));
    }
    if (seg.size < data.size()) {
      raft_logger().warn(
          "raft storage {}: truncating torn or corrupt log tail in {} at byte {} of {} (after entry {})",
          dir_.string(), path.filename().string(), seg.size, data.size(), seg.last());
      truncate_file(path, seg.size);
      damaged = true;
    }
    if (seg.offsets.empty()) {
      std::filesystem::remove(path);
      dir_dirty_ = true;
      continue;
    }
    segments_.push_back(std::move(seg));
  }
  if (!entries.empty()) last_index_ = entries.back().index;
  return entries;
}

// Keeps the entries after the snapshot only if the log continues it: it holds
// the snapshot's last entry with the snapshot's term, or starts right after
// it.  Segments wholly inside the snapshot go (a crash can leave them behind
// between writing a snapshot and removing what it covers).  A log that starts
// beyond the snapshot has lost entries no crash can lose: an error.
std::string FileRaftStorage::fit_log_to_snapshot(std::vector<Entry>& entries, Term snapshot_term) {
  const int64_t s = snapshot_index_;
  if (entries.empty()) return {};
  const int64_t first = entries.front().index;
  const int64_t last = entries.back().index;
  if (first > s + 1) {
    return fmt::format("{}: the log starts at {} but the snapshot ends at {}", dir_.string(), first, s);
  }
  bool continues = false;
  if (first == s + 1) {
    continues = entries.front().term >= snapshot_term;
  } else if (last >= s) {
    continues = entries[static_cast<size_t>(s - first)].term == snapshot_term;
  }
  if (continues) {
    drop_segments_through(s);
    return {};
  }
  if (last > s) {
    raft_logger().warn("raft storage {}: log ({}, {}] does not continue snapshot {}, dropping it",
                       dir_.string(), first - 1, last, s);
  }
  drop_segments_through(last);
  entries.clear();
  last_index_ = s;
  return {};
}

}  // namespace kappa::raft

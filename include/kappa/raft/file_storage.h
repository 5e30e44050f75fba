#pragma once
// RaftStorage on local files: the hard state and the snapshot as durable
// files (common/durable_file.h), the log as append-only segment files of
// checksummed frames.  Formats: src/raft/log_format.h.
//
// Durability: save_hard_state, save_snapshot and reset_to_snapshot are
// durable when they return (they write a new file, fsync it and rename it);
// append() is durable after sync().  Snapshot writes come before the
// segment deletions they allow, so a crash in between leaves extra segments
// that the next open() ignores or cleans up.
//
// Recovery (open): a torn or corrupt log tail is truncated at the last good
// entry (with a warning); a damaged hard state or snapshot, or a log whose
// terms run past the hard state's term, makes open() fail: neither can be
// rebuilt locally and guessing could make this node vote twice.  So does a
// log that starts after the snapshot's end.  If the log
// holds the snapshot's last entry with the snapshot's term, the entries after
// it are kept, otherwise they are dropped.
//
// One FileRaftStorage per directory; not thread-safe.  I/O errors throw
// std::system_error.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kappa/raft/persistent_state.h"
#include "kappa/raft/storage.h"

namespace kappa::raft {

struct FileStorageOptions {
  // A new segment starts once the current one reaches this size.
  uint64_t segment_bytes = 16u << 20;
};

class FileRaftStorage final : public RaftStorage {
 public:
  struct Opened {
    std::unique_ptr<FileRaftStorage> storage;  // null on error
    PersistentState state;                     // what was recovered
    std::string error;
  };
  // Opens `dir`, creating it if missing, and recovers its contents.
  static Opened open(const std::filesystem::path& dir, FileStorageOptions options = {});

  ~FileRaftStorage() override;
  FileRaftStorage(const FileRaftStorage&) = delete;
  FileRaftStorage& operator=(const FileRaftStorage&) = delete;

  void save_hard_state(const HardState& state) override;
  void append(std::span<const Entry> entries) override;
  void save_snapshot(const Snapshot& snapshot) override;
  void reset_to_snapshot(const Snapshot& snapshot) override;
  void sync() override;

  const std::filesystem::path& dir() const { return dir_; }
  size_t segment_count() const { return segments_.size(); }

 private:
  struct Segment {
    int64_t base = 0;               // index of its first entry
    std::vector<uint64_t> offsets;  // file offset of each entry
    uint64_t size = 0;
    int64_t last() const { return base + static_cast<int64_t>(offsets.size()) - 1; }
  };

  FileRaftStorage(std::filesystem::path dir, FileStorageOptions options);
  // file_storage_recovery.cc
  std::string recover(PersistentState& state);
  std::string load_small_files(PersistentState& state);
  std::vector<Entry> load_segments();
  std::string fit_log_to_snapshot(std::vector<Entry>& entries, Term snapshot_term);

  std::filesystem::path segment_path(int64_t base) const;
  void truncate_from(int64_t index);
  void drop_segments_through(int64_t index);
  void remove_last_segment();
  void roll(int64_t base);
  void open_last_segment();
  void close_segment();

  std::filesystem::path dir_;
  FileStorageOptions options_;
  std::vector<Segment> segments_;  // ascending; the last one is open in fd_
  int fd_ = -1;
  int64_t snapshot_index_ = 0;
  int64_t last_index_ = 0;  // of the stored log (snapshot_index_ if empty)
  bool dir_dirty_ = false;  // files created or removed since the last sync
};

}  // namespace kappa::raft

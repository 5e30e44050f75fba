#pragma once
// Segment: one .log file of record batches (offsets already assigned) and
// its two sparse indexes, named by the base offset (file_names.h).
//
// Invariants: batches in [0, size()) are whole and their offsets increase;
// next_offset() is one past the last batch's last offset (base_offset()
// when empty); every index entry points at a batch inside [0, size()).
// Bytes past size() in the .log file (an append that failed and could not
// be undone) are never read.
//
// Index entries live in memory and reach their files on persist_indexes()
// (at flush, roll and close), so the files are derived data that recovery
// can always rebuild.
//
// Thread-safety: owned and used by one thread.  log_file() and the files
// handed to a FlushTask may be used by other threads (see file_system.h).

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/records.h"
#include "kappa/storage/file_system.h"
#include "kappa/storage/log_config.h"
#include "offset_index.h"
#include "time_index.h"

namespace kappa::storage {

struct SegmentOptions {
  int32_t index_interval_bytes = 4096;
  size_t max_offset_entries = 0;
  size_t max_time_entries = 0;

  static SegmentOptions from(const LogConfig& config);
};

struct BatchLocation {
  uint32_t position = 0;
  protocol::BatchHeader header;
};

struct RecoveryOutcome {
  bool truncated = false;
  int64_t offset = 0;  // where the valid batches end
  uint64_t bytes_dropped = 0;
  std::string reason;
};

class Segment {
 public:
  // Creates the files of a new, empty segment; EEXIST if the .log exists.
  // `file_suffix` is appended to all three file names (the log cleaner
  // writes <base>.log.cleaned etc.; see clear_file_suffix()).
  static Result<std::unique_ptr<Segment>> create(FileSystem& fs, const std::filesystem::path& dir,
                                                 int64_t base_offset, const SegmentOptions& options, int64_t now_ms,
                                                 std::string_view file_suffix = {});
  // Opens a segment whose bytes are trusted: loads the indexes (rebuilding
  // them from the batch headers if missing or damaged) and finds the end by
  // scanning the headers after the last index entry.  kCorruptSegment when
  // the headers do not line up with the end of the file: call recover().
  static Result<std::unique_ptr<Segment>> open(FileSystem& fs, const std::filesystem::path& dir,
                                               int64_t base_offset, const SegmentOptions& options, int64_t now_ms);
  // Opens a segment validating every batch (protocol::validate_batch and
  // increasing offsets); truncates the file at the first bad batch,
  // reporting it in `outcome`, and rebuilds both indexes.
  static Result<std::unique_ptr<Segment>> recover(FileSystem& fs, const std::filesystem::path& dir,
                                                  int64_t base_offset, const SegmentOptions& options, int64_t now_ms,
                                                  RecoveryOutcome& outcome);

  int64_t base_offset() const { return base_offset_; }
  int64_t created_ms() const { return created_ms_; }
  void set_created_ms(int64_t ms) { created_ms_ = ms; }
  int64_t next_offset() const { return next_offset_; }
  uint64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // -1 when no batch carries a timestamp.
  int64_t max_timestamp() const { return max_timestamp_; }
  int64_t offset_of_max_timestamp() const { return offset_of_max_timestamp_; }
  // What retention.ms ages: the largest timestamp, or the creation time.
  int64_t largest_timestamp() const { return max_timestamp_ >= 0 ? max_timestamp_ : created_ms_; }
  // What segment.ms compares (Kafka's rule): the new batch's timestamp
  // minus the first batch's, or the time since creation if either is unset.
  int64_t age_for_roll(int64_t now_ms, int64_t batch_timestamp) const;
  bool index_full() const { return offset_index_.full() || time_index_.full(); }
  size_t index_entries() const { return std::max(offset_index_.size(), time_index_.size()); }
  bool indexes_rebuilt() const { return indexes_rebuilt_; }

  // Appends one batch; `header` is its decoded header.  On a failed or
  // short write the file is cut back and the error returned; kLogFailed
  // if even that failed (the segment is still consistent in memory).
  std::error_code append(std::span<const uint8_t> batch, const protocol::BatchHeader& header);

  // The first batch whose last offset >= `offset`; nullopt if none.
  Result<std::optional<BatchLocation>> find(int64_t offset) const;
  // Whole batches from the one containing `offset`: at most max_bytes (or
  // the first batch whole if min_one_batch), none reaching
  // max_offset_exclusive (an empty slice then).  nullopt if no batch here.
  Result<std::optional<protocol::FileSlice>> slice(int64_t offset, size_t max_bytes, int64_t max_offset_exclusive,
                                                   bool min_one_batch) const;
  // The first batch with last offset >= min_offset and max timestamp >= `timestamp`.
  Result<std::optional<BatchLocation>> find_timestamp(int64_t timestamp, int64_t min_offset) const;
  // Calls fn for every batch header, in order.
  std::error_code for_each_header(const std::function<void(const BatchLocation&)>& fn) const;

  // Drops the batches at and after `offset` (a batch containing it too).
  std::error_code truncate_to(int64_t offset);
  // Records the final time index entry once the segment stops taking appends.
  void seal();
  std::error_code persist_indexes();
  // Appended, truncated or re-indexed since the last mark_flushed().
  bool dirty() const { return dirty_; }
  void mark_flushed() { dirty_ = false; }
  void add_files(std::vector<std::shared_ptr<File>>& out) const;
  // Unlinks the three files (readers holding log_file() keep reading).
  std::error_code remove_files();
  // After the files were renamed from <name><file_suffix> to <name> (the
  // cleaner's swap): later file operations use the plain names.  The open
  // descriptors are unaffected; File::path() keeps the name it was opened at.
  void clear_file_suffix() { file_suffix_.clear(); }
  // fsyncs the three files (the log cleaner, before a swap).
  std::error_code sync_files() const;
  const std::shared_ptr<File>& log_file() const { return log_; }

 private:
  struct Files {
    std::shared_ptr<File> log, index, time_index;
    bool indexes_missing = false;
  };

  Segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset, const SegmentOptions& options,
          int64_t now_ms, Files files);
  static Result<Files> open_files(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset,
                                  OpenMode mode, std::string_view file_suffix = {});
  std::filesystem::path path_of(std::string_view suffix) const;

  Result<protocol::BatchHeader> read_header(uint64_t position, uint64_t limit) const;
  std::error_code scan_headers(uint64_t from, uint64_t limit, const std::function<std::error_code(const BatchLocation&)>& fn) const;
  void reset_tracking();
  void track(const protocol::BatchHeader& header, uint32_t position);
  std::error_code load_tail(uint64_t log_size);
  std::error_code rebuild_indexes(uint64_t log_size);
  std::error_code validate_batches(uint64_t log_size, RecoveryOutcome& outcome);  // segment_recovery.cc
  uint64_t boundary_at_or_before(uint64_t limit, uint64_t from, std::error_code& ec) const;

  FileSystem& fs_;
  std::filesystem::path dir_;
  std::string file_suffix_;
  int64_t base_offset_;
  SegmentOptions options_;
  int64_t created_ms_;
  std::shared_ptr<File> log_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;

  uint64_t size_ = 0;
  int64_t next_offset_;
  int64_t max_timestamp_ = -1;
  int64_t offset_of_max_timestamp_ = -1;
  std::optional<int64_t> first_batch_timestamp_;
  uint64_t bytes_since_index_entry_ = 0;
  bool dirty_ = false;
  bool indexes_rebuilt_ = false;
};

}  // namespace kappa::storage

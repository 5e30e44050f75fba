#pragma once
// Log: one partition's replica on disk, an ordered run of segments (see
// file_names.h for the layout) of which the last, the active segment, takes
// appends.
//
// Offsets:  log_start_offset <= high_watermark <= log_end_offset, and
//           recovery_point <= log_end_offset.  Everything below the
//           recovery point has been fsynced.
//
// Thread-safety: a Log is owned and used by one thread (the broker's event
// loop for its partition).  The exceptions are FlushTask::run() and
// CleanTask::run()/cancel(), which may run on a worker thread while the
// owner keeps appending; see flush_task.h and clean_task.h.  Records returned by read() stay valid on any thread for as
// long as they are held, even after the segment is deleted (they keep the
// file open); after a truncation the tail of such a slice may be gone, so a
// sender must treat a short file as the end of the data.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "kappa/common/clock.h"
#include "kappa/common/strong_id.h"
#include "kappa/protocol/records.h"
#include "kappa/storage/clean_task.h"
#include "kappa/storage/file_system.h"
#include "kappa/storage/flush_task.h"
#include "kappa/storage/leader_epoch_cache.h"
#include "kappa/storage/log_config.h"
#include "kappa/storage/result.h"
#include "kappa/storage/topic_partition.h"

namespace kappa::protocol {
struct BatchHeader;
}

namespace kappa::storage {

class CleanJob;
class Segment;

struct LogParams {
  std::filesystem::path dir;  // the partition directory; created if missing
  TopicPartition topic_partition;
  LogConfig config;
  FileSystem* fs = &FileSystem::posix();      // must outlive the log
  const Clock* clock = &SystemClock::instance();  // must outlive the log
  // The log dir's clean-shutdown marker was present: trust the files and
  // skip validation (damaged or missing indexes are still rebuilt).
  bool clean_shutdown = false;
  // From the log dir's checkpoints; absent means "unknown" (recover from
  // the first segment; start at the first segment's base offset).
  std::optional<int64_t> recovery_point;
  std::optional<int64_t> log_start_offset;
  // From cleaner-offset-checkpoint: offsets below it were compacted.
  // Absent, below the log start or beyond the log end: the log start.
  std::optional<int64_t> cleaner_checkpoint;
  // From replication-offset-checkpoint; absent means "unknown": the high
  // watermark then starts at the log start (the leader recomputes it).
  std::optional<int64_t> high_watermark;
};

// What Log::open found; for logs and tests.
struct LoadStats {
  size_t segments = 0;
  size_t segments_recovered = 0;  // validated batch by batch
  size_t indexes_rebuilt = 0;     // segments whose index files were rebuilt
  uint64_t bytes_truncated = 0;   // torn or corrupt tail removed
  bool epoch_cache_rebuilt = false;
  size_t swaps_completed = 0;     // cleaned segments whose interrupted swap was finished
};

// Why a compacted log is worth cleaning now; see Log::cleaning_candidate().
struct CleaningCandidate {
  double dirty_ratio = 0;  // dirty bytes / bytes of the cleanable range
  uint64_t dirty_bytes = 0;
  bool tombstones_due = false;  // cleaned tombstones have passed their delete horizon
};

struct AppendResult {
  int64_t base_offset = -1;
  int64_t last_offset = -1;
  int64_t log_append_time_ms = -1;  // -1 unless the topic uses LogAppendTime
  int64_t log_start_offset = 0;
};

// ListOffsets special timestamps, handled by offset_for_timestamp().
inline constexpr int64_t kLatestTimestamp = -1;
inline constexpr int64_t kEarliestTimestamp = -2;
inline constexpr int64_t kMaxTimestamp = -3;

struct TimestampAndOffset {
  int64_t timestamp = -1;
  int64_t offset = -1;
  std::optional<LeaderEpoch> leader_epoch;  // of the batch found
};

class Log {
 public:
  // Opens (or creates) the log in params.dir, recovering it: see
  // docs/storage.md "Recovery".
  static Result<std::unique_ptr<Log>> open(LogParams params);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  const TopicPartition& topic_partition() const { return params_.topic_partition; }
  const std::filesystem::path& dir() const { return params_.dir; }
  const LogConfig& config() const { return params_.config; }
  // Applies to later appends, rolls and retention runs.
  std::error_code update_config(const LogConfig& config);
  const LoadStats& load_stats() const { return load_stats_; }

  // --- Appends ---
  // Leader path.  `batch` is exactly one validated v2 batch in writable
  // memory; the log assigns its offsets (patches baseOffset), stamps
  // `epoch` and, for LogAppendTime topics, the append time, then writes the
  // bytes as they are.  Records are never re-encoded.
  Result<AppendResult> append(std::span<uint8_t> batch, LeaderEpoch epoch);
  // Follower path: whole batches that keep their offsets and epochs.  Base
  // offsets must increase: the first at or after log_end_offset(), each
  // after the previous batch's last offset (kNonContiguousOffsets
  // otherwise); gaps are accepted, since a compacted leader has them.  Every
  // batch is validated as a stored batch (CRC, framing; compacted batches
  // allowed) before anything is written.  A write failure after some
  // batches leaves those whole batches in the log.  (A follower that starts
  // from the leader's log start calls truncate_fully_and_start_at() first.)
  Result<AppendResult> append_as_follower(std::span<const uint8_t> batches);

  // --- Reads ---
  // Whole batches from the one containing `offset`, as a file slice of one
  // segment: at most max_bytes, except that the first batch is returned
  // whole even when larger if min_one_batch (KIP-74), and never a batch
  // reaching max_offset_exclusive (pass the high watermark for consumers,
  // log_end_offset() for replicas).  Empty at the log end;
  // kOffsetOutOfRange below the log start or beyond the log end.
  Result<protocol::Records> read(int64_t offset, size_t max_bytes, int64_t max_offset_exclusive,
                                 bool min_one_batch = true) const;

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return next_offset_; }
  // Kept here for retention and DeleteRecords; the replication layer moves
  // it.  Starts at the checkpointed value (never above the log end) when the
  // log is opened, or at the log start without a checkpoint.
  int64_t high_watermark() const { return high_watermark_; }
  // Clamped to [log_start_offset, log_end_offset].
  void update_high_watermark(int64_t offset);

  // ListOffsets: kEarliestTimestamp -> the log start, kLatestTimestamp ->
  // the log end (the broker substitutes the high watermark or the last
  // stable offset for consumers), kMaxTimestamp -> the batch with the
  // largest timestamp; otherwise the first batch at or after the log start
  // whose max timestamp >= `timestamp` (its base offset, or the log start if
  // that is inside it).  nullopt when no batch qualifies.  Batch granularity:
  // a client skips records before its target inside the batch.
  Result<std::optional<TimestampAndOffset>> offset_for_timestamp(int64_t timestamp) const;

  // Calls fn with the header of every batch from the segment holding
  // `from_offset` on (headers only: the records are not read).  For
  // rebuilding per-batch state such as idempotent producers' sequences.
  std::error_code for_each_batch_header(int64_t from_offset,
                                        const std::function<void(const protocol::BatchHeader&)>& fn) const;

  uint64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  // Base offsets of all segments, oldest first.
  std::vector<int64_t> segment_base_offsets() const;

  // --- Retention ---
  // Deletes the oldest segments whose largest timestamp is older than
  // retention.ms, then while the log is larger than retention.bytes, then
  // those wholly below the log start; only segments wholly below the high
  // watermark.  An expired active segment is rolled first.  Returns the
  // number of segments deleted.
  Result<size_t> apply_retention(int64_t now_ms);
  // DeleteRecords: moves the log start up to `offset` (<= the high
  // watermark, else kOffsetOutOfRange) and deletes segments wholly below it.
  // Returns the new log start.
  Result<int64_t> delete_records_before(int64_t offset);

  // --- Truncation (replication) ---
  // Drops every batch at or after `offset`; a batch containing `offset` is
  // dropped whole, so the new log end is <= offset.  No-op at or beyond the
  // end; below the log start it becomes truncate_fully_and_start_at.
  std::error_code truncate_to(int64_t offset);
  // Deletes everything and starts an empty log at `offset`.
  std::error_code truncate_fully_and_start_at(int64_t offset);

  // --- Flushing (policy driven by the caller) ---
  int64_t recovery_point() const { return recovery_point_; }
  int64_t unflushed_messages() const { return next_offset_ - recovery_point_; }
  int64_t last_flush_ms() const { return last_flush_ms_; }
  // flush.messages or flush.ms reached, or a rolled segment awaits its fsync.
  bool flush_due(int64_t now_ms) const;
  Result<FlushTask> prepare_flush();
  // Call on the owner thread with run()'s result.  A failed fsync marks the
  // log failed: the page cache can no longer be trusted to match the disk.
  void complete_flush(const FlushTask& task, std::error_code run_result);
  // prepare + run + complete on the calling thread.
  std::error_code flush();

  // --- Compaction (cleanup.policy compact; docs/storage.md "Compaction") ---
  // The cleaner checkpoint: every record below it has been compacted.
  int64_t cleaned_offset() const { return cleaned_offset_; }
  // Whether a cleaning round is due: the policy compacts, no round is in
  // progress, the log is open and healthy, and the cleanable range (the
  // inactive segments wholly below the high watermark and older than
  // min.compaction.lag.ms) has dirty bytes making up at least
  // min.cleanable.dirty.ratio of it, or holds tombstones past their delete
  // horizon.  No I/O.
  std::optional<CleaningCandidate> cleaning_candidate(int64_t now_ms) const;
  // Snapshots the cleanable range into a task to run on any thread; nullopt
  // when no round is due.  Until complete_cleaning() no other round starts.
  Result<std::optional<CleanTask>> prepare_cleaning(int64_t now_ms, const CleanerConfig& cleaner);
  // With run()'s result: swaps the cleaned segments in, group by group in
  // offset order (blocking renames, unlinks and directory fsyncs), and moves
  // the cleaner checkpoint.  If the log changed meanwhile (truncation, a
  // snapshot segment deleted, closed, failed) the result is discarded and
  // kCleaningAborted returned.  A swap that fails after its commit point
  // marks the log failed; the next open completes it.  Readers holding
  // Records of replaced segments keep reading them.
  Result<CleanerStats> complete_cleaning(CleanTask& task, std::error_code run_result);
  bool cleaning_in_progress() const { return cleaning_; }

  // --- Leader epochs (KIP-101) ---
  const LeaderEpochCache& leader_epochs() const { return epochs_; }
  EpochEndOffset end_offset_for_epoch(LeaderEpoch epoch) const;
  // The leader path stamps epochs itself; this is for a new leader that
  // starts an epoch before appending.
  std::error_code assign_epoch(LeaderEpoch epoch, int64_t start_offset);

  // --- State ---
  // After a write could not be undone or an fsync failed; appends fail.
  bool failed() const { return failed_; }
  // kFlush: seals the active segment, writes pending index entries and
  // fsyncs everything (clean shutdown).  kDiscard: nothing more is written
  // (the log is being deleted).  Afterwards every call fails with
  // kLogClosed; Records already handed out stay readable.
  enum class CloseMode { kFlush, kDiscard };
  std::error_code close(CloseMode mode = CloseMode::kFlush);
  bool closed() const { return closed_; }

 private:
  using SegmentMap = std::map<int64_t, std::unique_ptr<Segment>>;

  explicit Log(LogParams params);

  std::error_code check_writable() const;
  void mark_failed(std::string_view what, std::error_code ec);
  Segment& active() const;
  std::error_code maybe_roll(const protocol::BatchHeader& header, int64_t now_ms);
  // Seals the active segment and starts one at max(base_offset, log end).
  std::error_code roll(int64_t now_ms, int64_t base_offset);
  std::error_code write_batch(std::span<const uint8_t> batch, const protocol::BatchHeader& header);
  std::error_code note_epoch(int32_t epoch, int64_t start_offset);

  // log_retention.cc
  size_t deletable_prefix(std::optional<int64_t> now_ms) const;
  std::error_code delete_oldest(size_t count, int64_t now_ms);
  void remove_segment_files(Segment& segment);

  // log_cleaning.cc
  int64_t cleanable_end(int64_t now_ms) const;
  bool snapshot_intact(const CleanJob& job) const;
  std::error_code swap_in(CleanJob& job);

  // log_loader.cc
  std::error_code load();
  std::error_code load_segments(const std::vector<int64_t>& bases, int64_t recover_from);
  std::error_code load_epochs(int64_t recover_from);
  std::error_code create_first_segment(int64_t base_offset);

  LogParams params_;
  SegmentMap segments_;
  LeaderEpochCache epochs_;
  int64_t log_start_offset_ = 0;
  int64_t next_offset_ = 0;
  int64_t recovery_point_ = 0;
  int64_t high_watermark_ = 0;
  int64_t last_flush_ms_ = 0;
  uint64_t generation_ = 0;       // bumped by every truncation
  int64_t cleaned_offset_ = 0;    // the cleaner checkpoint
  // The earliest delete horizon of tombstones left in cleaned batches.
  std::optional<int64_t> delete_horizon_;
  // The cleanable end at which the last round made no progress (an open
  // transaction); no round is due again until the end moves.
  int64_t stalled_end_ = -1;
  bool cleaning_ = false;         // a CleanTask is out
  bool dir_dirty_ = false;        // segment files created/removed since the last flush
  bool rolled_since_flush_ = false;
  bool failed_ = false;
  bool closed_ = false;
  LoadStats load_stats_;
};

}  // namespace kappa::storage

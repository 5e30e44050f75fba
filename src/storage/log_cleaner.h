#pragma once
// CleanJob: one round of compaction over a snapshot of a log's inactive
// segments (docs/storage.md "Compaction").  Log::prepare_cleaning() fills in
// the inputs on the owner thread, CleanTask::run() runs it on any thread,
// Log::complete_cleaning() reads the outputs back on the owner thread; the
// three never overlap.
//
// The snapshot covers the segments from the log's first one up to the
// cleanable end E (the first segment that is active, reaches past the high
// watermark or is younger than min.compaction.lag.ms).  Records before
// `first_dirty` (the cleaner checkpoint) were cleaned by earlier rounds.
// A round makes three passes:
//   1. scan:    batch headers of the whole range: each producer's last batch;
//               and, from first_dirty on, how many records the offset map
//               can take (that ends the dirty range at `stop`), and
//               transactions: data of aborted ones is dropped, and `stop` is
//               moved back to the start of any transaction still open there;
//   2. map:     key -> offset of its latest record in [first_dirty, stop);
//   3. rewrite: every segment starting before `stop`, in groups of adjacent
//               segments whose cleaned data fits one segment (about
//               segment.bytes, the index size, 32-bit relative offsets),
//               each group into one new segment <first base>.log.cleaned
//               (+ indexes), fsynced; batches at or after `stop` are copied
//               as they are (see batch_cleaner.h).
// Afterwards the log is clean up to `stop`.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "kappa/storage/clean_task.h"
#include "kappa/storage/file_system.h"
#include "kappa/storage/topic_partition.h"
#include "segment.h"

namespace kappa::storage {

class BatchCleaner;
class KeyOffsetMap;

// An inactive segment as the owner saw it: the worker reads [0, size) of
// `log`, bytes that never change while the segment is in the log.
struct SegmentSnapshot {
  int64_t base_offset = 0;
  int64_t next_offset = 0;  // one past its last batch
  uint64_t size = 0;
  int64_t created_ms = 0;
  size_t index_entries = 0;  // the larger of its two indexes
  std::shared_ptr<File> log;
  const Segment* identity = nullptr;  // owner thread only: is it still in the log?
};

// A new segment replacing the snapshot segments [first, end).
struct CleanedSegment {
  size_t first = 0;
  size_t end = 0;
  std::unique_ptr<Segment> segment;  // files <base>.*.cleaned, fsynced
};

class CleanJob {
 public:
  // --- Inputs (owner thread, before run) ---
  FileSystem* fs = nullptr;
  std::filesystem::path dir;
  TopicPartition topic_partition;
  SegmentOptions segment_options;
  int64_t segment_bytes = 0;
  int64_t delete_retention_ms = 0;
  int64_t now_ms = 0;
  int64_t first_dirty = 0;
  int64_t cleanable_end = 0;
  bool tombstones_due = false;  // rewrite even without dirty records
  size_t max_keys = 1;          // offset map capacity
  double load_factor = 0.9;
  std::vector<SegmentSnapshot> segments;
  uint64_t generation = 0;  // the log's truncation count when snapshotted

  // --- Outputs (after run) ---
  std::vector<CleanedSegment> cleaned;
  int64_t cleaned_up_to = 0;  // the next round's first_dirty
  // The earliest delete horizon of the tombstones left in rewritten batches.
  std::optional<int64_t> next_delete_horizon;
  CleanerStats stats;

  std::atomic<bool> cancelled{false};

  std::error_code run();
  // Unlinks the files of every cleaned segment not yet swapped in.
  void discard();

 private:
  struct Plan;  // what the scan found
  std::error_code scan(Plan& out);
  std::error_code build_map(const Plan& plan, KeyOffsetMap& map);
  std::error_code rewrite(const Plan& plan, const KeyOffsetMap& map);
  Result<size_t> write_group(const Plan& plan, BatchCleaner& cleaner, size_t first);
  std::error_code clean_segment(const Plan& plan, BatchCleaner& cleaner, Segment& out, size_t i);
  bool joins_group(const Plan& plan, const Segment& out, size_t first, size_t next) const;
};

}  // namespace kappa::storage

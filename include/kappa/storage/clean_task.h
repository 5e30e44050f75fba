#pragma once
// CleanTask: one round of log compaction for one log, split like FlushTask so
// the reading and writing run on a worker thread while the owner thread
// keeps appending (docs/storage.md "Compaction").
//
//   auto pending = manager.prepare_cleaning(now);   // owner: picks the log,
//                                                    // snapshots its segments
//   auto ec = pending->task.run();                   // any thread: reads the
//                                                    // snapshot, writes and
//                                                    // fsyncs .cleaned files
//   pending->log->complete_cleaning(pending->task, ec);  // owner: swaps them in
//
// The snapshot holds shared references to the inactive segments' files,
// whose bytes do not change while the log lives; whatever the owner does
// meanwhile (appends, retention, truncation, deletion of the log) is safe:
// complete_cleaning() discards the result if any snapshot segment changed.
//
// Thread-safety: run() may be called from any one thread; cancel() from any
// thread at any time; everything else on the log's owner thread.  One round
// holds an offset map of up to CleanerConfig::dedupe_buffer_bytes, so run one
// task at a time (Kafka runs one cleaner thread by default).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <system_error>

namespace kappa::storage {

class CleanJob;

// Broker-wide cleaner settings (Kafka's log.cleaner.* broker configs).
struct CleanerConfig {
  bool enable = true;                            // log.cleaner.enable
  size_t dedupe_buffer_bytes = size_t{128} << 20;  // log.cleaner.dedupe.buffer.size
  double dedupe_load_factor = 0.9;               // log.cleaner.io.buffer.load.factor
};

// StorageErrc::kInvalidConfig unless 0 < dedupe_load_factor <= 1.
std::error_code validate(const CleanerConfig& config);

// What one round did; logged, and returned by complete_cleaning().
struct CleanerStats {
  int64_t first_dirty_offset = 0;  // the cleaner checkpoint before the round
  int64_t cleaned_up_to = 0;       // and after it
  size_t segments_read = 0;
  size_t segments_written = 0;
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;
  size_t map_keys = 0;              // distinct keys in the dirty range
  uint64_t records_removed = 0;     // superseded by a later record of the key
  uint64_t tombstones_removed = 0;  // past their delete horizon
  uint64_t null_keys_removed = 0;   // invalid in a compacted topic
  uint64_t aborted_removed = 0;     // records of aborted transactions
  size_t batches_copied = 0;        // kept byte for byte
  size_t batches_rewritten = 0;     // re-encoded without some records
  size_t batches_dropped = 0;
  size_t empty_batches_kept = 0;    // for their producer's sequence state
};

class CleanTask {
 public:
  CleanTask();
  ~CleanTask();
  CleanTask(CleanTask&&) noexcept;
  CleanTask& operator=(CleanTask&&) noexcept;

  // Blocking: reads the snapshot, writes the cleaned segments next to the
  // originals as <base>.log.cleaned (+ indexes) and fsyncs them.  Nothing
  // the log reads changes.  Call once.
  std::error_code run();
  // Makes a run() in progress (or a later one) stop with
  // std::errc::operation_canceled at the next batch.
  void cancel();

  // Filled in by run().
  const CleanerStats& stats() const;

 private:
  friend class Log;
  explicit CleanTask(std::unique_ptr<CleanJob> job);

  std::unique_ptr<CleanJob> job_;
};

}  // namespace kappa::storage

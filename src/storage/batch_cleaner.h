#pragma once
// BatchCleaner: what the log cleaner does to one stored batch — keep it byte
// for byte, rebuild it without some records, keep it empty for its
// producer, or drop it (docs/storage.md "Compaction").
//
// A record survives when all of these hold:
//   * its key is not null (null keys are invalid in a compacted topic; like
//     Kafka's cleaner, it drops them rather than failing),
//   * it is the latest record of its key: offset >= the key's offset in the
//     map (a key absent from the map was not written in the dirty range),
//   * it is not a tombstone (null value) whose batch's delete horizon has
//     passed,
//   * its batch is not part of an aborted transaction.
// Control batches (transaction markers) are always kept as they are.
//
// A rebuilt batch keeps its base offset and offset range (lastOffsetDelta),
// each record's offset delta, timestamp, key, value and headers, and the
// batch's producer id/epoch/base sequence, transactional bit, partition
// leader epoch, timestamp type and codec (records are re-compressed with
// it).  maxTimestamp becomes the largest surviving timestamp.  A batch left
// without records stays as an empty batch (build_empty_batch) if it is its
// producer's last batch, so the producer's epoch and sequence survive
// (Kafka's rule); otherwise it is dropped.
//
// Tombstones that survive in a dirty batch without a delete horizon get one:
// now + delete.retention.ms (KIP-534: attribute bit 6, stored in
// baseTimestamp).  A later round drops them once that time has passed.
// Only dirty batches are stamped: their tombstones were in this round's map,
// so every older record of their keys is removed in the same round.
//
// Not thread-safe; one per cleaning task.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"
#include "kappa/storage/clean_task.h"
#include "kappa/storage/result.h"
#include "key_offset_map.h"

namespace kappa::storage {

// What the cleaner knows about a batch from the rest of the log.
struct BatchContext {
  bool dirty = false;             // in this round's map range
  bool aborted = false;           // data of an aborted transaction
  bool last_of_producer = false;  // its producer id has no later batch in the range
};

enum class BatchFate { kCopied, kRewritten, kEmptied, kDropped };

struct CleanedBatch {
  BatchFate fate = BatchFate::kDropped;
  // The bytes to write: the input (copied) or the cleaner's buffer, valid
  // until the next clean(); empty when dropped.
  std::span<const uint8_t> bytes;
  // The delete horizon of surviving tombstones, if any survive.
  std::optional<int64_t> delete_horizon;
};

class BatchCleaner {
 public:
  // `map` and `stats` must outlive the cleaner.
  BatchCleaner(const KeyOffsetMap& map, int64_t now_ms, int64_t delete_retention_ms, CleanerStats& stats)
      : map_(map), now_ms_(now_ms), delete_retention_ms_(delete_retention_ms), stats_(stats) {}

  // `batch` is one whole stored batch and `header` its header.
  // kCorruptSegment if its records cannot be read.
  Result<CleanedBatch> clean(std::span<const uint8_t> batch, const protocol::BatchHeader& header,
                             const BatchContext& context);

 private:
  bool keep(const protocol::Record& r, const protocol::BatchHeader& h, const BatchContext& context);
  void rebuild(const protocol::BatchHeader& h, std::optional<int64_t> horizon);

  const KeyOffsetMap& map_;
  int64_t now_ms_;
  int64_t delete_retention_ms_;
  CleanerStats& stats_;
  protocol::RecordReader reader_;
  std::vector<protocol::Record> records_;  // the batch's records, views into reader_
  std::vector<bool> kept_;
  std::vector<protocol::RecordHeader> record_headers_;
  protocol::RecordBatchBuilder builder_;
  std::vector<uint8_t> out_;
};

}  // namespace kappa::storage

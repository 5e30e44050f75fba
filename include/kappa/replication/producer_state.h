#pragma once
// ProducerStateManager: per partition, what each idempotent producer
// (producer id, epoch) has written — the metadata of its last five batches —
// so a retried batch is acknowledged once and written once, and gaps or
// reordering are refused (KIP-98 idempotence).  The leader checks batches
// before appending; leader and followers record every batch they append,
// so a new leader already knows every producer's sequence.  State is
// rebuilt from the log's batch headers when a replica loads or truncates.
//
// Leader rules for a batch with producer id P, epoch E, sequences [f, l]:
//   E < known epoch                         -> INVALID_PRODUCER_EPOCH
//   E > known epoch (or P unknown): f must be 0, else OUT_OF_ORDER_SEQUENCE_NUMBER
//   [f, l] equals one of the last 5 batches -> duplicate: acknowledge the
//                                              original offsets, append nothing
//   f == last sequence + 1 (wrapping)       -> append
//   otherwise                               -> OUT_OF_ORDER_SEQUENCE_NUMBER
// Pure logic; not thread-safe.

#include <cstdint>
#include <deque>
#include <map>
#include <system_error>

#include "kappa/protocol/error_code.h"
#include "kappa/protocol/record_batch.h"
#include "kappa/storage/log.h"

namespace kappa::replication {

struct ProducerBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int64_t max_timestamp = 0;
};

struct ProducerEntry {
  int16_t epoch = 0;
  std::deque<ProducerBatch> batches;  // oldest first, at most kMaxBatches
};

struct SequenceCheck {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  // Set for a duplicate of an earlier batch: its offsets, to acknowledge again.
  std::optional<ProducerBatch> duplicate_of;
};

class ProducerStateManager {
 public:
  static constexpr size_t kMaxBatches = 5;

  // Leader check of a client batch (before offsets are assigned).
  SequenceCheck check(const protocol::BatchHeader& batch) const;
  // Records an appended batch (its base offset assigned).  Batches without
  // a producer id are ignored; control batches only move the epoch.
  void record(const protocol::BatchHeader& batch);
  // Rebuilds from the batch headers of a replica's log (after loading or
  // truncating it).
  std::error_code rebuild(const storage::Log& log);
  void clear() { producers_.clear(); }

  const ProducerEntry* find(int64_t producer_id) const;
  size_t size() const { return producers_.size(); }

 private:
  std::map<int64_t, ProducerEntry> producers_;
};

// The sequence after `sequence`, wrapping past INT32_MAX to 0 as Kafka does.
int32_t next_sequence(int32_t sequence);

}  // namespace kappa::replication

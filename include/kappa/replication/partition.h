#pragma once
// Partition: one partition replica hosted by this broker — its log, its
// role (leader or follower) and epochs from the metadata log, its high
// watermark, and the fetches waiting for new data.
//
// Invariants: log_start_offset <= high_watermark <= log_end_offset; the
// high watermark never moves backwards while this broker leads the
// partition.  Consumers only see records below the high watermark.
// Not thread-safe: owned by the broker's event loop.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "kappa/metadata/metadata_image.h"
#include "kappa/protocol/error_code.h"
#include "kappa/protocol/records.h"
#include "kappa/protocol/uuid.h"
#include "kappa/storage/log.h"

namespace kappa::replication {

// Something waiting for a partition to change (new data, a higher high
// watermark, a leadership change).  notify() must not remove the waiter.
class PartitionWaiter {
 public:
  virtual ~PartitionWaiter() = default;
  virtual void notify() = 0;
};

struct AppendOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
  storage::AppendResult result;
};

struct ReadOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  protocol::Records records;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  int64_t log_end_offset = -1;
};

class Partition {
 public:
  Partition(storage::TopicPartition tp, protocol::Uuid topic_id, std::shared_ptr<storage::Log> log,
            int32_t local_broker);

  const storage::TopicPartition& topic_partition() const { return tp_; }
  const protocol::Uuid& topic_id() const { return topic_id_; }
  storage::Log& log() { return *log_; }
  const storage::Log& log() const { return *log_; }
  std::shared_ptr<storage::Log> shared_log() const { return log_; }

  // Applies the partition's committed metadata (leader, ISR, epochs).
  void update_state(const metadata::PartitionState& state);
  const metadata::PartitionState& state() const { return state_; }
  bool is_leader() const { return state_.leader == local_broker_; }
  int32_t leader_epoch() const { return state_.leader_epoch; }

  // Checks a client's view of the leader epoch (-1 = not given):
  // FENCED_LEADER_EPOCH when older than ours, UNKNOWN_LEADER_EPOCH when newer.
  protocol::ErrorCode check_leader_epoch(int32_t current_leader_epoch) const;

  // Leader path: appends one validated batch held in writable memory.
  AppendOutcome append_as_leader(std::span<uint8_t> batch, int16_t required_acks, int32_t min_insync_replicas);

  // Reads for a consumer (below the high watermark) or a replica (below the log end).
  ReadOutcome read(int64_t offset, size_t max_bytes, bool up_to_log_end, bool min_one_batch) const;

  int64_t high_watermark() const { return log_->high_watermark(); }
  // Without transactions the last stable offset is the high watermark.
  int64_t last_stable_offset() const { return high_watermark(); }

  void add_waiter(PartitionWaiter* w);
  void remove_waiter(PartitionWaiter* w);
  // Wakes every waiter (new data, a moved high watermark, a role change).
  void notify_waiters();

 private:
  void maybe_advance_high_watermark();

  storage::TopicPartition tp_;
  protocol::Uuid topic_id_;
  std::shared_ptr<storage::Log> log_;
  int32_t local_broker_;
  metadata::PartitionState state_;
  std::vector<PartitionWaiter*> waiters_;
};

}  // namespace kappa::replication

#pragma once
// Per-log configuration: Kafka's topic-level settings that the storage
// engine acts on, with Kafka's defaults.  A value of -1 disables the
// retention limits.

#include <cstdint>
#include <limits>
#include <system_error>

namespace kappa::storage {

enum class TimestampType { kCreateTime, kLogAppendTime };
// Compact: the log cleaner keeps the latest record of every key (see
// clean_task.h).  Retention by time and size only applies when the policy
// includes delete, as in Kafka.
enum class CleanupPolicy { kDelete, kCompact, kCompactAndDelete };

struct LogConfig {
  static constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

  int64_t segment_bytes = 1 << 30;                     // segment.bytes
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;         // segment.ms
  int64_t segment_index_bytes = 10 << 20;              // segment.index.bytes
  int32_t index_interval_bytes = 4096;                 // index.interval.bytes
  int64_t retention_ms = 7LL * 24 * 3600 * 1000;       // retention.ms, -1 = keep forever
  int64_t retention_bytes = -1;                        // retention.bytes, -1 = no limit
  int64_t flush_messages = kNever;                     // flush.messages
  int64_t flush_ms = kNever;                           // flush.ms
  TimestampType message_timestamp_type = TimestampType::kCreateTime;  // message.timestamp.type
  CleanupPolicy cleanup_policy = CleanupPolicy::kDelete;              // cleanup.policy
  int32_t max_message_bytes = 1048588;                 // max.message.bytes (checked by the broker)
  // Compaction (cleanup.policy compact or compact,delete):
  int64_t delete_retention_ms = 24LL * 3600 * 1000;    // delete.retention.ms: how long a tombstone
                                                       // survives after the cleaner first passed it
  int64_t min_compaction_lag_ms = 0;                   // min.compaction.lag.ms: segments holding a
                                                       // newer record are not cleaned
  double min_cleanable_dirty_ratio = 0.5;              // min.cleanable.dirty.ratio: clean once the
                                                       // uncleaned share of the cleanable bytes
                                                       // reaches this

  bool deletes_by_retention() const { return cleanup_policy != CleanupPolicy::kCompact; }
  bool compacts() const { return cleanup_policy != CleanupPolicy::kDelete; }
  // Index entries a segment may hold before it must roll.
  int64_t max_index_entries(size_t entry_size) const {
    return segment_index_bytes / static_cast<int64_t>(entry_size);
  }
};

// StorageErrc::kInvalidConfig when a value is out of Kafka's range (e.g.
// segment.bytes must fit a 32-bit file position).
std::error_code validate(const LogConfig& config);

}  // namespace kappa::storage

#include "kappa/storage/log_config.h"

#include <limits>

#include "kappa/protocol/record_batch.h"
#include "kappa/storage/errors.h"
#include "kappa/storage/index_format.h"

namespace kappa::storage {

std::error_code validate(const LogConfig& c) {
  constexpr int64_t kMaxFilePosition = std::numeric_limits<int32_t>::max();
  bool ok = c.segment_bytes >= static_cast<int64_t>(protocol::batch_layout::kHeaderSize) &&
            c.segment_bytes <= kMaxFilePosition && c.segment_ms >= 1 &&
            c.segment_index_bytes >= static_cast<int64_t>(4 * TimeIndexEntry::kSize) &&
            c.segment_index_bytes <= kMaxFilePosition && c.index_interval_bytes >= 0 &&
            c.retention_ms >= -1 && c.retention_bytes >= -1 && c.flush_messages >= 1 && c.flush_ms >= 0 &&
            c.max_message_bytes >= 0 && c.delete_retention_ms >= 0 && c.min_compaction_lag_ms >= 0 &&
            c.min_cleanable_dirty_ratio >= 0 && c.min_cleanable_dirty_ratio <= 1;
  return ok ? std::error_code() : make_error_code(StorageErrc::kInvalidConfig);
}

}  // namespace kappa::storage

// Log retention: deleting whole segments from the front of the log, by
// age, by size and below the log start offset (DeleteRecords).

#include "kappa/storage/log.h"
#include "logger.h"
#include "segment.h"

namespace kappa::storage {

// How many of the oldest segments may go.  A segment may go only if all of
// it is below the high watermark and it is expired (retention.ms), pushes
// the log over retention.bytes, or lies wholly below the log start.  With
// `now_ms` unset only the last rule applies.  The active segment counts
// unless it is empty (the caller rolls it first).
size_t Log::deletable_prefix(std::optional<int64_t> now_ms) const {
  const LogConfig& config = params_.config;
  const bool by_retention = now_ms && config.deletes_by_retention();
  int64_t excess = static_cast<int64_t>(size_bytes()) - config.retention_bytes;
  size_t count = 0;
  for (auto it = segments_.begin(); it != segments_.end(); ++it, ++count) {
    const Segment& segment = *it->second;
    auto next = std::next(it);
    int64_t upper = next == segments_.end() ? next_offset_ : next->first;
    if ((next == segments_.end() && segment.empty()) || upper > high_watermark_) break;
    bool expired = by_retention && config.retention_ms >= 0 && *now_ms - segment.largest_timestamp() > config.retention_ms;
    bool oversized = by_retention && config.retention_bytes >= 0 && excess >= static_cast<int64_t>(segment.size());
    bool below_start = upper <= log_start_offset_;
    if (!expired && !oversized && !below_start) break;
    excess -= static_cast<int64_t>(segment.size());
  }
  return count;
}

void Log::remove_segment_files(Segment& segment) {
  if (auto ec = segment.remove_files()) {
    logger().warn("[{}] cannot remove segment {}: {}", params_.topic_partition, segment.base_offset(), ec.message());
  }
  dir_dirty_ = true;
}

std::error_code Log::delete_oldest(size_t count, int64_t now_ms) {
  if (count == 0) return {};
  if (count == segments_.size()) {
    // Everything may go, including the active segment: roll so that an
    // empty active segment remains.
    if (auto ec = roll(now_ms, next_offset_)) return ec;
  }
  for (size_t i = 0; i < count; ++i) {
    auto segment = std::move(segments_.begin()->second);
    segments_.erase(segments_.begin());
    remove_segment_files(*segment);
  }
  log_start_offset_ = std::max(log_start_offset_, segments_.begin()->first);
  high_watermark_ = std::max(high_watermark_, log_start_offset_);
  if (auto ec = epochs_.truncate_from_start(log_start_offset_)) {
    logger().warn("[{}] cannot write the leader epoch checkpoint (retried at flush): {}", params_.topic_partition,
                  ec.message());
  }
  logger().info("[{}] deleted {} segment(s); log start offset is now {}", params_.topic_partition, count,
                log_start_offset_);
  return {};
}

Result<size_t> Log::apply_retention(int64_t now_ms) {
  if (auto ec = check_writable()) return ec;
  size_t count = deletable_prefix(now_ms);
  if (auto ec = delete_oldest(count, now_ms)) return ec;
  return count;
}

Result<int64_t> Log::delete_records_before(int64_t offset) {
  if (auto ec = check_writable()) return ec;
  if (offset > high_watermark_) return make_error_code(StorageErrc::kOffsetOutOfRange);
  if (offset <= log_start_offset_) return log_start_offset_;
  log_start_offset_ = offset;
  if (auto ec = delete_oldest(deletable_prefix(std::nullopt), params_.clock->wall_ms())) return ec;
  if (auto ec = epochs_.truncate_from_start(log_start_offset_)) {
    logger().warn("[{}] cannot write the leader epoch checkpoint (retried at flush): {}", params_.topic_partition,
                  ec.message());
  }
  return log_start_offset_;
}

}  // namespace kappa::storage

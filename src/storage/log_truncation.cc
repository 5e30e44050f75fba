// Log truncation for replication: dropping a divergent tail, or starting
// over at a new offset.

#include "kappa/storage/log.h"
#include "logger.h"
#include "segment.h"

namespace kappa::storage {

std::error_code Log::truncate_to(int64_t offset) {
  if (auto ec = check_writable()) return ec;
  if (offset >= next_offset_) return {};
  if (offset < log_start_offset_) return truncate_fully_and_start_at(offset);
  ++generation_;
  while (segments_.size() > 1 && segments_.rbegin()->first > offset) {
    auto segment = std::move(segments_.rbegin()->second);
    segments_.erase(std::prev(segments_.end()));
    remove_segment_files(*segment);
  }
  if (auto ec = active().truncate_to(offset)) {
    mark_failed("a failed truncation", ec);
    return ec;
  }
  int64_t old_end = next_offset_;
  next_offset_ = active().next_offset();
  // A batch that straddled the log start is gone whole.
  log_start_offset_ = std::min(log_start_offset_, next_offset_);
  recovery_point_ = std::min(recovery_point_, next_offset_);
  high_watermark_ = std::min(high_watermark_, next_offset_);
  cleaned_offset_ = std::min(cleaned_offset_, next_offset_);  // what follows will be new, dirty data
  if (auto ec = epochs_.truncate_from_end(next_offset_)) {
    logger().warn("[{}] cannot write the leader epoch checkpoint (retried at flush): {}", params_.topic_partition,
                  ec.message());
  }
  logger().info("[{}] truncated from {} to {}", params_.topic_partition, old_end, next_offset_);
  return {};
}

std::error_code Log::truncate_fully_and_start_at(int64_t offset) {
  if (auto ec = check_writable()) return ec;
  ++generation_;
  while (!segments_.empty()) {
    auto segment = std::move(segments_.begin()->second);
    segments_.erase(segments_.begin());
    remove_segment_files(*segment);
  }
  auto segment = Segment::create(*params_.fs, params_.dir, offset, SegmentOptions::from(params_.config),
                                 params_.clock->wall_ms());
  if (!segment) {
    mark_failed("creating a segment", segment.error());
    return segment.error();
  }
  segments_.emplace(offset, std::move(*segment));
  log_start_offset_ = next_offset_ = recovery_point_ = high_watermark_ = cleaned_offset_ = offset;
  delete_horizon_.reset();
  if (auto ec = epochs_.clear()) {
    logger().warn("[{}] cannot write the leader epoch checkpoint (retried at flush): {}", params_.topic_partition,
                  ec.message());
  }
  logger().info("[{}] truncated fully; the log starts again at {}", params_.topic_partition, offset);
  return {};
}

}  // namespace kappa::storage

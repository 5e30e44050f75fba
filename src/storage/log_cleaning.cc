// Log compaction, the owner thread's part: deciding that a round is due,
// snapshotting the cleanable range, and swapping the result in
// (docs/storage.md "Compaction").  The round itself is log_cleaner.cc.

#include <algorithm>

#include "kappa/storage/log.h"
#include "key_offset_map.h"
#include "log_cleaner.h"
#include "logger.h"
#include "segment.h"
#include "segment_swap.h"

namespace kappa::storage {

// The base offset of the first segment that may not be cleaned: the active
// one, one reaching past the high watermark, or one holding a record newer
// than min.compaction.lag.ms.
int64_t Log::cleanable_end(int64_t now_ms) const {
  const int64_t lag = params_.config.min_compaction_lag_ms;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    auto next = std::next(it);
    if (next == segments_.end() || next->first > high_watermark_) return it->first;
    if (lag > 0 && now_ms - it->second->largest_timestamp() < lag) return it->first;
  }
  return next_offset_;
}

std::optional<CleaningCandidate> Log::cleaning_candidate(int64_t now_ms) const {
  const LogConfig& config = params_.config;
  if (!config.compacts() || cleaning_ || closed_ || failed_ || segments_.empty()) return std::nullopt;
  const int64_t end = cleanable_end(now_ms);
  const int64_t first_dirty = std::max(cleaned_offset_, log_start_offset_);
  uint64_t clean = 0;
  uint64_t dirty = 0;
  for (auto it = segments_.begin(); it != segments_.end() && it->first < end; ++it) {
    (it->second->next_offset() <= first_dirty ? clean : dirty) += it->second->size();
  }
  CleaningCandidate c;
  c.dirty_bytes = dirty;
  c.dirty_ratio = dirty == 0 ? 0.0 : static_cast<double>(dirty) / static_cast<double>(clean + dirty);
  c.tombstones_due = delete_horizon_ && now_ms >= *delete_horizon_ && end > segments_.begin()->first;
  const bool dirty_enough = dirty > 0 && c.dirty_ratio >= config.min_cleanable_dirty_ratio && end != stalled_end_;
  if (!dirty_enough && !c.tombstones_due) return std::nullopt;
  return c;
}

Result<std::optional<CleanTask>> Log::prepare_cleaning(int64_t now_ms, const CleanerConfig& cleaner) {
  auto candidate = cleaning_candidate(now_ms);
  if (!candidate) return std::optional<CleanTask>();
  auto job = std::make_unique<CleanJob>();
  job->fs = params_.fs;
  job->dir = params_.dir;
  job->topic_partition = params_.topic_partition;
  job->segment_options = SegmentOptions::from(params_.config);
  job->segment_bytes = params_.config.segment_bytes;
  job->delete_retention_ms = params_.config.delete_retention_ms;
  job->now_ms = now_ms;
  job->first_dirty = std::max(cleaned_offset_, log_start_offset_);
  job->cleanable_end = cleanable_end(now_ms);
  job->tombstones_due = candidate->tombstones_due;
  job->max_keys = KeyOffsetMap::keys_for_memory(cleaner.dedupe_buffer_bytes, cleaner.dedupe_load_factor);
  job->load_factor = cleaner.dedupe_load_factor;
  job->generation = generation_;
  for (auto it = segments_.begin(); it != segments_.end() && it->first < job->cleanable_end; ++it) {
    const Segment& s = *it->second;
    job->segments.push_back(
        {s.base_offset(), s.next_offset(), s.size(), s.created_ms(), s.index_entries(), s.log_file(), &s});
  }
  cleaning_ = true;
  return std::optional(CleanTask(std::move(job)));
}

// The snapshot's segments are all still in the log, unchanged.
bool Log::snapshot_intact(const CleanJob& job) const {
  if (job.generation != generation_) return false;
  return std::all_of(job.segments.begin(), job.segments.end(), [&](const SegmentSnapshot& s) {
    auto it = segments_.find(s.base_offset);
    return it != segments_.end() && it->second.get() == s.identity && it->second->size() == s.size;
  });
}

// Swaps the cleaned segments in, in offset order, each replacing its group.
// Stopping after any group is safe (see segment_swap.h): a record is only
// dropped because of a later record or an expired tombstone of its key, and
// those lie in the same or a later group, whose old segments still hold them.
std::error_code Log::swap_in(CleanJob& job) {
  for (size_t g = 0; g < job.cleaned.size(); ++g) {
    CleanedSegment& c = job.cleaned[g];
    std::vector<int64_t> replaced;
    for (size_t i = c.first; i < c.end; ++i) replaced.push_back(job.segments[i].base_offset);
    bool committed = false;
    auto ec = swap_in_cleaned_segment(*params_.fs, params_.dir, replaced.front(), replaced, committed);
    if (ec && committed) {
      mark_failed("an interrupted segment swap", ec);
      return ec;
    }
    if (ec) {
      for (size_t rest = g; rest < job.cleaned.size(); ++rest) {
        discard_cleaned_segment(*params_.fs, params_.dir, job.cleaned[rest].segment->base_offset());
      }
      return ec;
    }
    for (int64_t base : replaced) segments_.erase(base);
    c.segment->clear_file_suffix();
    segments_.emplace(replaced.front(), std::move(c.segment));
    dir_dirty_ = true;
  }
  return {};
}

Result<CleanerStats> Log::complete_cleaning(CleanTask& task, std::error_code run_result) {
  KAPPA_ASSERT(task.job_ && cleaning_, "[{}] complete_cleaning without a prepared task", params_.topic_partition);
  CleanJob& job = *task.job_;
  cleaning_ = false;
  if (!run_result && (closed_ || failed_ || !snapshot_intact(job))) run_result = StorageErrc::kCleaningAborted;
  if (run_result) {
    job.discard();
    return run_result;
  }
  const bool rewrote = !job.cleaned.empty();
  if (auto ec = swap_in(job)) {
    logger().warn("[{}] cannot swap in cleaned segments: {}", params_.topic_partition, ec.message());
    return ec;
  }
  cleaned_offset_ = std::max(cleaned_offset_, job.cleaned_up_to);
  if (rewrote) delete_horizon_ = job.next_delete_horizon;
  stalled_end_ = job.cleaned_up_to == job.first_dirty ? job.cleanable_end : -1;
  const CleanerStats& s = job.stats;
  logger().info(
      "[{}] cleaned up to offset {}: {} segment(s) of {} bytes into {} of {} bytes; {} keys; removed {} superseded, "
      "{} tombstone(s), {} null-key and {} aborted record(s)",
      params_.topic_partition, cleaned_offset_, s.segments_read, s.bytes_read, s.segments_written, s.bytes_written,
      s.map_keys, s.records_removed, s.tombstones_removed, s.null_keys_removed, s.aborted_removed);
  return s;
}

}  // namespace kappa::storage

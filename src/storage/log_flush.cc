// Log flushing: the owner thread prepares a FlushTask, any thread runs its
// fsyncs, the owner thread completes it by moving the recovery point.

#include "kappa/storage/flush_task.h"
#include "kappa/storage/log.h"
#include "logger.h"
#include "segment.h"

namespace kappa::storage {

std::error_code FlushTask::run() const {
  for (const auto& file : files_) {
    if (auto ec = file->sync()) return ec;
  }
  for (const auto& dir : dirs_) {
    if (auto ec = fs_->sync_directory(dir)) return ec;
  }
  return {};
}

bool Log::flush_due(int64_t now_ms) const {
  if (closed_ || failed_) return false;
  const LogConfig& config = params_.config;
  int64_t unflushed = unflushed_messages();
  return rolled_since_flush_ || epochs_.dirty() ||
         (unflushed > 0 && (unflushed >= config.flush_messages || now_ms - last_flush_ms_ >= config.flush_ms));
}

Result<FlushTask> Log::prepare_flush() {
  if (closed_) return make_error_code(StorageErrc::kLogClosed);
  if (auto ec = epochs_.persist()) return ec;
  FlushTask task;
  task.fs_ = params_.fs;
  task.offset_ = next_offset_;
  task.generation_ = generation_;
  for (auto& [base, segment] : segments_) {
    if (!segment->dirty()) continue;
    if (auto ec = segment->persist_indexes()) return ec;
    segment->add_files(task.files_);
    segment->mark_flushed();
  }
  if (dir_dirty_) task.dirs_.push_back(params_.dir);
  dir_dirty_ = rolled_since_flush_ = false;
  return task;
}

void Log::complete_flush(const FlushTask& task, std::error_code run_result) {
  last_flush_ms_ = params_.clock->wall_ms();
  if (run_result) {
    mark_failed("a failed fsync", run_result);
    return;
  }
  // A truncation since prepare_flush() may have replaced offsets below
  // task.offset() with data this task did not sync.
  if (task.generation_ != generation_) return;
  recovery_point_ = std::max(recovery_point_, std::min(task.offset_, next_offset_));
}

std::error_code Log::flush() {
  auto task = prepare_flush();
  if (!task) return task.error();
  auto ec = task->run();
  complete_flush(*task, ec);
  return ec;
}

std::error_code Log::close(CloseMode mode) {
  if (closed_) return {};
  std::error_code result;
  if (mode == CloseMode::kFlush && !segments_.empty()) {
    active().seal();
    result = flush();
  }
  closed_ = true;
  return result;
}

}  // namespace kappa::storage

#include "kappa/storage/clean_task.h"

#include "kappa/storage/errors.h"
#include "log_cleaner.h"

namespace kappa::storage {

std::error_code validate(const CleanerConfig& config) {
  const bool ok = config.dedupe_load_factor > 0 && config.dedupe_load_factor <= 1;
  return ok ? std::error_code() : make_error_code(StorageErrc::kInvalidConfig);
}

CleanTask::CleanTask() = default;
CleanTask::CleanTask(std::unique_ptr<CleanJob> job) : job_(std::move(job)) {}
CleanTask::~CleanTask() = default;
CleanTask::CleanTask(CleanTask&&) noexcept = default;
CleanTask& CleanTask::operator=(CleanTask&&) noexcept = default;

std::error_code CleanTask::run() {
  KAPPA_ASSERT(job_, "run() of an empty CleanTask");
  return job_->run();
}

void CleanTask::cancel() {
  if (job_) job_->cancelled.store(true, std::memory_order_relaxed);
}

const CleanerStats& CleanTask::stats() const {
  static const CleanerStats kNone;
  return job_ ? job_->stats : kNone;
}

}  // namespace kappa::storage

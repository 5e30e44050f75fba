// The broker's periodic work: retention, the time-based flush policy,
// checkpoints, and — on controller quorum voters — broker session checks
// and preferred-leader rebalancing while this node is the active controller.
#include "broker/broker.h"
#include "broker/isr_manager.h"
#include "kappa/async/run_blocking.h"
#include "kappa/async/spawn.h"
#include "kappa/common/log.h"

namespace kappa::broker {
namespace {
auto& log() {
  static auto logger = logging::get("broker");
  return logger;
}
}  // namespace

void Broker::start_housekeeping() {
  auto ms = [](int64_t v) { return std::chrono::milliseconds(v); };
  if (logs_) {
    spawn_logged(io_, every(ms(config_.get_long("log.retention.check.interval.ms")), &Broker::run_retention),
                 "retention");
    spawn_logged(io_, every(ms(config_.get_long("log.flush.scheduler.interval.ms")), &Broker::run_flush_policy),
                 "flush policy");
    spawn_logged(io_, every(ms(60'000), &Broker::run_checkpoints), "checkpoints");
    if (config_.get_bool("log.cleaner.enable")) spawn_logged(io_, run_cleaner(), "log cleaner");
    spawn_logged(io_, every_async(ms(250), &Broker::run_isr_changes), "ISR changes");
  }
  if (quorum_) {
    spawn_logged(io_, every_async(ms(200), &Broker::run_controller_duties), "controller duties");
    if (config_.get_bool("auto.leader.rebalance.enable")) {
      spawn_logged(io_,
                   every_async(ms(config_.get_long("leader.imbalance.check.interval.seconds") * 1000),
                               &Broker::run_leader_rebalance),
                   "leader rebalance");
    }
  }
}

awaitable<void> Broker::every(std::chrono::milliseconds period, void (Broker::*task)()) {
  asio::steady_timer timer(io_);
  while (!stopping_) {
    timer.expires_after(period);
    co_await timer.async_wait(use_tuple);
    if (stopping_) break;
    (this->*task)();
  }
}

awaitable<void> Broker::every_async(std::chrono::milliseconds period, awaitable<void> (Broker::*task)()) {
  asio::steady_timer timer(io_);
  while (!stopping_) {
    timer.expires_after(period);
    co_await timer.async_wait(use_tuple);
    if (stopping_) break;
    co_await (this->*task)();
  }
}

void Broker::run_retention() {
  size_t deleted = logs_->run_retention(SystemClock::instance().wall_ms());
  if (deleted) log()->info("retention deleted {} segments", deleted);
  // Deleted partitions' directories go on the blocking pool: unlinking
  // gigabytes of segments (and dropping their cached pages) takes seconds.
  if (removing_dirs_) return;
  auto removal = std::make_shared<storage::LogManager::RemovalTask>(logs_->take_removed_dirs());
  if (removal->dirs.empty()) return;
  removing_dirs_ = true;
  asio::co_spawn(io_, run_blocking(pool_, [removal] { return removal->run(); }),
                 [this, removal](std::exception_ptr e, std::vector<std::filesystem::path> failed) {
                   removing_dirs_ = false;
                   logs_->restore_removed_dirs(e ? removal->dirs : std::move(failed));
                 });
}

void Broker::run_flush_policy() {
  for (auto& pending : logs_->flush_policy(SystemClock::instance().wall_ms())) {
    auto task = std::make_shared<storage::FlushTask>(std::move(pending.task));
    auto target = pending.log;
    asio::co_spawn(io_, run_blocking(pool_, [task] { return task->run(); }),
                   [task, target](std::exception_ptr e, std::error_code ec) {
                     if (e) ec = std::make_error_code(std::errc::io_error);
                     target->complete_flush(*task, ec);
                   });
  }
}

void Broker::run_checkpoints() {
  if (checkpoint_running_) return;
  checkpoint_running_ = true;
  auto task = std::make_shared<storage::CheckpointTask>(logs_->prepare_checkpoints());
  asio::co_spawn(io_, run_blocking(pool_, [task] { return task->run(); }),
                 [this](std::exception_ptr, std::error_code ec) {
                   checkpoint_running_ = false;
                   if (ec) log()->warn("cannot write checkpoints: {}", ec.message());
                 });
}

// Compaction, one round at a time: the round is prepared and completed on
// the event loop, the reading and rewriting run on the blocking pool.
awaitable<void> Broker::run_cleaner() {
  asio::steady_timer timer(io_);
  const auto backoff = std::chrono::milliseconds(config_.get_long("log.cleaner.backoff.ms"));
  while (!stopping_) {
    auto pending = logs_->prepare_cleaning(SystemClock::instance().wall_ms());
    if (!pending) {
      timer.expires_after(backoff);
      co_await timer.async_wait(use_tuple);
      continue;
    }
    cleaning_ = std::make_shared<storage::CleanTask>(std::move(pending->task));
    auto task = cleaning_;
    auto run = run_blocking(pool_, [task] { return task->run(); });  // own statement: see run_blocking.h
    auto ec = co_await std::move(run);
    auto stats = pending->log->complete_cleaning(*task, ec);
    cleaning_.reset();
    if (stats && stats->segments_written > 0) {
      log()->info("compacted {}: {} records and {} tombstones removed, {} -> {} bytes",
                  fmt::format("{}", pending->log->topic_partition()), stats->records_removed,
                  stats->tombstones_removed, stats->bytes_read, stats->bytes_written);
    }
  }
}

awaitable<void> Broker::run_isr_changes() {
  if (serving_) co_await isr_manager_->run_once();
}

awaitable<void> Broker::run_controller_duties() {
  const bool active = is_active_controller();
  if (active && !was_active_controller_) {
    log()->info("node {} is now the active controller", node_id());
    lifecycle_->on_activated();
  }
  was_active_controller_ = active;
  if (active) co_await lifecycle_->check_sessions();
}

awaitable<void> Broker::run_leader_rebalance() {
  if (is_active_controller()) co_await lifecycle_->rebalance_leaders();
}

}  // namespace kappa::broker

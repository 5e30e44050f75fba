#include "kappa/storage/log_manager.h"

#include <algorithm>

#include <fmt/format.h>

#include "kappa/storage/checkpoint_format.h"
#include "kappa/storage/file_names.h"
#include "logger.h"

namespace kappa::storage {
namespace {

std::span<const uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// A missing checkpoint is empty; a damaged one is logged and treated as
// empty, so its logs fall back to full validation.
OffsetMap read_offsets(FileSystem& fs, const std::filesystem::path& path) {
  auto read = fs.read_durable(path);
  if (read.status == DurableReadStatus::kMissing) return {};
  std::optional<OffsetMap> parsed;
  if (read.status == DurableReadStatus::kOk) {
    parsed = parse_offset_checkpoint(std::string(read.payload.begin(), read.payload.end()));
    if (!parsed) read.error = "unparsable payload";
  }
  if (!parsed) {
    logger().warn("ignoring damaged checkpoint {} ({})", path.string(), read.error);
    return {};
  }
  return *parsed;
}

std::optional<int64_t> lookup(const OffsetMap& offsets, const TopicPartition& tp) {
  auto it = offsets.find(tp);
  if (it == offsets.end()) return std::nullopt;
  return it->second;
}

}  // namespace

std::error_code CheckpointTask::run() const {
  for (const auto& [path, text] : files_) {
    if (auto ec = fs_->write_durable(path, bytes_of(text))) return ec;
  }
  return {};
}

LogManager::LogManager(LogManagerConfig config, FileSystem& fs, const Clock& clock)
    : config_(std::move(config)), fs_(fs), clock_(clock) {}

LogManager::~LogManager() = default;

Result<std::unique_ptr<LogManager>> LogManager::open(LogManagerConfig config, FileSystem& fs, const Clock& clock) {
  if (config.log_dirs.empty()) return make_error_code(StorageErrc::kInvalidConfig);
  if (auto ec = validate(config.default_config)) return ec;
  if (auto ec = validate(config.cleaner)) return ec;
  std::unique_ptr<LogManager> manager(new LogManager(std::move(config), fs, clock));
  for (size_t i = 0; i < manager->config_.log_dirs.size(); ++i) {
    if (auto ec = manager->load_dir(i)) return ec;
  }
  return manager;
}

std::error_code LogManager::load_dir(size_t dir_index) {
  const auto& dir = config_.log_dirs[dir_index];
  if (auto ec = fs_.create_directories(dir)) return ec;
  const auto marker = dir / kCleanShutdownFile;
  const bool clean = fs_.read_durable(marker).status == DurableReadStatus::kOk;
  if (fs_.exists(marker)) {  // from here on a crash must look unclean
    if (auto ec = fs_.remove(marker)) return ec;
    if (auto ec = fs_.sync_directory(dir)) return ec;
  }
  const OffsetMap recovery_points = read_offsets(fs_, dir / kRecoveryPointCheckpointFile);
  const OffsetMap log_starts = read_offsets(fs_, dir / kLogStartOffsetCheckpointFile);
  const OffsetMap high_watermarks = read_offsets(fs_, dir / kHighWatermarkCheckpointFile);
  const OffsetMap cleaned = read_offsets(fs_, dir / kCleanerCheckpointFile);
  auto names = fs_.list(dir);
  if (!names) return names.error();
  std::sort(names->begin(), names->end());
  size_t loaded = 0;
  for (const auto& name : *names) {
    const auto path = dir / name;
    if (is_delete_dir_name(name)) removed_dirs_.push_back(path);
    if (name.ends_with(kTempSuffix)) (void)fs_.remove(path);
    if (config_.excluded_dirs.count(name)) continue;
    auto tp = TopicPartition::parse_dir_name(name);
    if (!tp || !fs_.is_directory(path)) continue;
    if (auto it = logs_.find(*tp); it != logs_.end()) {
      logger().error("{} is in both {} and {}", *tp, it->second.log->dir().string(), path.string());
      return std::make_error_code(std::errc::file_exists);
    }
    LogParams params{path,  *tp, config_.config_for ? config_.config_for(*tp) : config_.default_config,
                     &fs_,  &clock_, clean, lookup(recovery_points, *tp), lookup(log_starts, *tp),
                     lookup(cleaned, *tp), lookup(high_watermarks, *tp)};
    auto log = Log::open(std::move(params));
    if (!log) {
      logger().error("cannot load {}: {}", path.string(), log.error().message());
      return log.error();
    }
    logs_.emplace(*tp, Entry{std::shared_ptr<Log>(std::move(*log)), dir_index});
    ++loaded;
  }
  logger().info("loaded {} log(s) from {} after {} shutdown", loaded, dir.string(), clean ? "a clean" : "an unclean");
  return {};
}

std::shared_ptr<Log> LogManager::get(const TopicPartition& tp) const {
  auto it = logs_.find(tp);
  return it == logs_.end() ? nullptr : it->second.log;
}

size_t LogManager::least_loaded_dir() const {
  std::vector<size_t> counts(config_.log_dirs.size());
  for (const auto& [tp, entry] : logs_) ++counts[entry.dir_index];
  return static_cast<size_t>(std::min_element(counts.begin(), counts.end()) - counts.begin());
}

Result<std::shared_ptr<Log>> LogManager::get_or_create(const TopicPartition& tp, const LogConfig& config) {
  if (auto log = get(tp)) return log;
  if (!is_valid_topic_name(tp.topic) || tp.partition.value() < 0) {
    return make_error_code(StorageErrc::kInvalidTopicPartition);
  }
  size_t dir_index = least_loaded_dir();
  const auto& dir = config_.log_dirs[dir_index];
  auto log = Log::open(
      LogParams{dir / tp.dir_name(), tp, config, &fs_, &clock_, false, std::nullopt, std::nullopt, std::nullopt});
  if (!log) return log.error();
  if (auto ec = fs_.sync_directory(dir)) return ec;
  auto shared = std::shared_ptr<Log>(std::move(*log));
  logs_.emplace(tp, Entry{shared, dir_index});
  logger().info("created log {} in {}", tp, dir.string());
  return shared;
}

std::error_code LogManager::remove(const TopicPartition& tp) {
  auto it = logs_.find(tp);
  if (it == logs_.end()) return {};
  Log& log = *it->second.log;
  (void)log.close(Log::CloseMode::kDiscard);
  const auto dir = log.dir();
  const auto id = fmt::format("{:x}{:04x}", clock_.wall_ms(), ++removals_ & 0xffff);
  const auto target = dir.parent_path() / delete_dir_name(dir.filename().string(), id);
  if (auto ec = fs_.rename(dir, target)) return ec;
  if (auto ec = fs_.sync_directory(dir.parent_path())) return ec;
  removed_dirs_.push_back(target);
  logs_.erase(it);
  logger().info("removed log {}; its files go at the next cleanup", tp);
  return {};
}

std::vector<TopicPartition> LogManager::partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, entry] : logs_) out.push_back(tp);
  return out;
}

LogManager::RemovalTask LogManager::take_removed_dirs() {
  return RemovalTask{&fs_, std::exchange(removed_dirs_, {})};
}

void LogManager::restore_removed_dirs(std::vector<std::filesystem::path> failed) {
  removed_dirs_.insert(removed_dirs_.end(), std::make_move_iterator(failed.begin()),
                       std::make_move_iterator(failed.end()));
}

std::vector<std::filesystem::path> LogManager::RemovalTask::run() const {
  std::vector<std::filesystem::path> failed;
  for (const auto& path : dirs) {
    if (auto ec = fs->remove_all(path)) {
      logger().warn("cannot remove {} (will retry): {}", path.string(), ec.message());
      failed.push_back(path);
    }
  }
  return failed;
}

size_t LogManager::run_retention(int64_t now_ms) {
  size_t deleted = 0;
  for (const auto& [tp, entry] : logs_) {
    if (entry.log->failed() || entry.log->closed()) continue;
    auto count = entry.log->apply_retention(now_ms);
    if (!count) {
      logger().warn("[{}] retention failed: {}", tp, count.error().message());
      continue;
    }
    deleted += *count;
  }
  return deleted;
}

std::vector<PendingFlush> LogManager::flush_policy(int64_t now_ms) {
  std::vector<PendingFlush> due;
  for (const auto& [tp, entry] : logs_) {
    if (!entry.log->flush_due(now_ms)) continue;
    auto task = entry.log->prepare_flush();
    if (!task) {
      logger().warn("[{}] cannot prepare a flush: {}", tp, task.error().message());
      continue;
    }
    due.push_back({entry.log, std::move(*task)});
  }
  return due;
}

CheckpointTask LogManager::prepare_checkpoints() const {
  const size_t dirs = config_.log_dirs.size();
  std::vector<OffsetMap> recovery_points(dirs), log_starts(dirs), cleaned(dirs), high_watermarks(dirs);
  for (const auto& [tp, entry] : logs_) {
    high_watermarks[entry.dir_index][tp] = entry.log->high_watermark();
    recovery_points[entry.dir_index][tp] = entry.log->recovery_point();
    log_starts[entry.dir_index][tp] = entry.log->log_start_offset();
    if (entry.log->config().compacts()) cleaned[entry.dir_index][tp] = entry.log->cleaned_offset();
  }
  CheckpointTask task;
  task.fs_ = &fs_;
  for (size_t i = 0; i < dirs; ++i) {
    const auto& dir = config_.log_dirs[i];
    task.files_.emplace_back(dir / kRecoveryPointCheckpointFile, format_offset_checkpoint(recovery_points[i]));
    task.files_.emplace_back(dir / kLogStartOffsetCheckpointFile, format_offset_checkpoint(log_starts[i]));
    task.files_.emplace_back(dir / kCleanerCheckpointFile, format_offset_checkpoint(cleaned[i]));
    task.files_.emplace_back(dir / kHighWatermarkCheckpointFile, format_offset_checkpoint(high_watermarks[i]));
  }
  return task;
}

std::optional<PendingClean> LogManager::prepare_cleaning(int64_t now_ms) {
  if (!config_.cleaner.enable) return std::nullopt;
  std::shared_ptr<Log> best;
  CleaningCandidate best_candidate;
  for (const auto& [tp, entry] : logs_) {
    auto c = entry.log->cleaning_candidate(now_ms);
    if (!c) continue;
    bool better = !best || c->tombstones_due > best_candidate.tombstones_due ||
                  (c->tombstones_due == best_candidate.tombstones_due && c->dirty_ratio > best_candidate.dirty_ratio);
    if (better) {
      best = entry.log;
      best_candidate = *c;
    }
  }
  if (!best) return std::nullopt;
  auto task = best->prepare_cleaning(now_ms, config_.cleaner);
  if (!task) {
    logger().warn("[{}] cannot prepare cleaning: {}", best->topic_partition(), task.error().message());
    return std::nullopt;
  }
  if (!*task) return std::nullopt;
  return PendingClean{best, std::move(**task)};
}

size_t LogManager::run_cleaner(int64_t now_ms, size_t max_rounds) {
  size_t rounds = 0;
  for (; rounds < max_rounds; ++rounds) {
    auto pending = prepare_cleaning(now_ms);
    if (!pending) break;
    auto done = pending->log->complete_cleaning(pending->task, pending->task.run());
    if (!done) {
      logger().warn("[{}] cleaning failed: {}", pending->log->topic_partition(), done.error().message());
      break;
    }
  }
  return rounds;
}

std::error_code LogManager::shutdown() {
  std::vector<bool> clean(config_.log_dirs.size(), true);
  std::error_code first_error;
  auto note = [&](std::error_code ec) {
    if (ec && !first_error) first_error = ec;
  };
  for (const auto& [tp, entry] : logs_) {
    auto ec = entry.log->close();
    if (ec || entry.log->failed()) {
      logger().error("[{}] did not close cleanly: {}", tp, ec ? ec.message() : "log failed earlier");
      clean[entry.dir_index] = false;
      note(ec ? ec : make_error_code(StorageErrc::kLogFailed));
    }
  }
  if (auto ec = write_checkpoints()) {
    logger().error("cannot write checkpoints: {}", ec.message());
    clean.assign(clean.size(), false);
    note(ec);
  }
  delete_removed_dirs();
  for (size_t i = 0; i < clean.size(); ++i) {
    if (clean[i]) note(fs_.write_durable(config_.log_dirs[i] / kCleanShutdownFile, {}));
  }
  logger().info("shut down {} log(s)", logs_.size());
  logs_.clear();
  return first_error;
}

}  // namespace kappa::storage

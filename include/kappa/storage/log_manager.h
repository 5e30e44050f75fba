#pragma once
// LogManager: every partition log under the broker's log.dirs.
//
// On open it removes each log dir's clean-shutdown marker, reads the
// recovery-point, log-start and cleaner checkpoints (a damaged checkpoint is
// logged and ignored: those logs are validated from their first segment, or
// cleaned from their start) and loads every <topic>-<partition> directory,
// one after another, recovering each (see Log::open).  Directories of
// deleted partitions (…-delete) are removed later (take_removed_dirs).
//
// The broker drives it with periodic hooks:
//   run_retention(now)        retention for every log
//   take_removed_dirs()       the directories of removed partitions, as a
//                             RemovalTask to run off the event loop (deleting
//                             gigabytes takes seconds); give back what
//                             failed with restore_removed_dirs()
//   flush_policy(now)         the logs whose flush.messages / flush.ms is due,
//                             each with a prepared FlushTask
//   prepare_cleaning(now)     the compacted log most worth cleaning, with a
//                             prepared CleanTask (retry log.cleaner.backoff.ms
//                             later when it returns nothing, as Kafka does)
//   prepare_checkpoints()     recovery points, log starts and cleaner
//                             checkpoints to write (Kafka: every 60 s)
//   shutdown()                flush and close every log, write the
//                             checkpoints, then the clean-shutdown markers
//
// Thread-safety: owned and used by one thread, like the logs it hands out;
// only FlushTask::run(), CleanTask::run()/cancel(), CheckpointTask::run()
// and RemovalTask::run() may run elsewhere.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "kappa/common/clock.h"
#include "kappa/storage/clean_task.h"
#include "kappa/storage/file_system.h"
#include "kappa/storage/flush_task.h"
#include "kappa/storage/log.h"
#include "kappa/storage/log_config.h"
#include "kappa/storage/result.h"
#include "kappa/storage/topic_partition.h"

namespace kappa::storage {

struct LogManagerConfig {
  std::vector<std::filesystem::path> log_dirs;
  LogConfig default_config;
  // The config of a partition found on disk at startup; default_config if
  // unset.  (Topic configs live in the metadata log, not here.)
  std::function<LogConfig(const TopicPartition&)> config_for;
  // Directory names under a log dir that are not partition logs even though
  // they look like one (the KRaft-style metadata log, __cluster_metadata-0).
  std::set<std::string> excluded_dirs;
  CleanerConfig cleaner;
};

// A flush the policy asks for.  Send only `task` to a worker thread; call
// log->complete_flush(task, result) back on the owner thread.
struct PendingFlush {
  std::shared_ptr<Log> log;
  FlushTask task;
};

// A cleaning round to run.  Send only `task` to a worker thread (one round
// at a time); call log->complete_cleaning(task, result) back on the owner
// thread — always, even if run() was never called (pass
// std::errc::operation_canceled): until then the log starts no other round.
struct PendingClean {
  std::shared_ptr<Log> log;
  CleanTask task;
};

// Checkpoint files captured on the owner thread, written by run() on any
// thread (each write is temp file + fsync + rename + directory fsync).
class CheckpointTask {
 public:
  std::error_code run() const;

 private:
  friend class LogManager;
  FileSystem* fs_ = nullptr;
  std::vector<std::pair<std::filesystem::path, std::string>> files_;
};

class LogManager {
 public:
  // `fs` and `clock` must outlive the manager.  Fails if a log dir cannot be
  // read, a partition appears in two log dirs, or a log cannot be loaded.
  static Result<std::unique_ptr<LogManager>> open(LogManagerConfig config, FileSystem& fs, const Clock& clock);
  // Does not flush: call shutdown() first for a clean stop.
  ~LogManager();

  // nullptr if the partition has no log here.
  std::shared_ptr<Log> get(const TopicPartition& tp) const;
  // The existing log, or a new empty one in the log dir holding the fewest.
  Result<std::shared_ptr<Log>> get_or_create(const TopicPartition& tp, const LogConfig& config);
  Result<std::shared_ptr<Log>> get_or_create(const TopicPartition& tp) {
    return get_or_create(tp, config_.default_config);
  }
  // Closes the log and renames its directory to <tp>.<id>-delete; the files
  // go with the next removal task.  Holders of the Log see kLogClosed.
  std::error_code remove(const TopicPartition& tp);
  std::vector<TopicPartition> partitions() const;
  size_t size() const { return logs_.size(); }
  const std::vector<std::filesystem::path>& log_dirs() const { return config_.log_dirs; }

  // Returns the number of segments deleted (failures are logged).
  size_t run_retention(int64_t now_ms);
  std::vector<PendingFlush> flush_policy(int64_t now_ms);
  // The compacted log most worth cleaning now (tombstones past their
  // horizon first, then the highest dirty ratio at or above its
  // min.cleanable.dirty.ratio), snapshotted into a task; nullopt if none is
  // due or log.cleaner.enable is off.  No I/O.
  std::optional<PendingClean> prepare_cleaning(int64_t now_ms);
  // Up to `max_rounds` rounds of prepare_cleaning, run and complete on the
  // calling thread (blocking; for tests, tools and single-threaded
  // callers).  A round cleans one log; its dirty part is bounded by the
  // dedupe buffer.  Returns the rounds that completed (failures are logged).
  size_t run_cleaner(int64_t now_ms, size_t max_rounds = 1);
  // Deletes the directories of removed partitions; returns those that could
  // not be deleted (logged), for restore_removed_dirs.
  struct RemovalTask {
    FileSystem* fs = nullptr;
    std::vector<std::filesystem::path> dirs;
    std::vector<std::filesystem::path> run() const;
  };
  RemovalTask take_removed_dirs();
  void restore_removed_dirs(std::vector<std::filesystem::path> failed);
  // take_removed_dirs().run() on the calling thread (tests, shutdown).
  void delete_removed_dirs() { restore_removed_dirs(take_removed_dirs().run()); }
  CheckpointTask prepare_checkpoints() const;
  std::error_code write_checkpoints() const { return prepare_checkpoints().run(); }
  // Flushes and closes every log, writes the checkpoints and, in each log
  // dir whose logs all closed cleanly, the clean-shutdown marker.
  std::error_code shutdown();

 private:
  struct Entry {
    std::shared_ptr<Log> log;
    size_t dir_index = 0;
  };

  LogManager(LogManagerConfig config, FileSystem& fs, const Clock& clock);
  std::error_code load_dir(size_t dir_index);
  size_t least_loaded_dir() const;

  LogManagerConfig config_;
  FileSystem& fs_;
  const Clock& clock_;
  std::map<TopicPartition, Entry> logs_;
  std::vector<std::filesystem::path> removed_dirs_;  // awaiting deletion
  uint64_t removals_ = 0;
};

}  // namespace kappa::storage

#pragma once
// FlushTask: the blocking half of a log flush, split off so fsync can run on
// a worker thread while the event-loop thread keeps appending.
//
//   auto task = log.prepare_flush();        // owner thread: writes pending
//                                           // index entries, captures files
//   auto ec = task->run();                  // any thread: fsyncs (blocks)
//   log.complete_flush(*task, ec);          // owner thread: recovery point
//
// The task holds shared references to the files, so a segment deleted or a
// log truncated meanwhile is harmless: run() syncs the files as they are,
// and complete_flush() ignores a task prepared before a truncation.
//
// Thread-safety: run() may be called from any one thread; the task must not
// be used by two threads at once.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

namespace kappa::storage {

class File;
class FileSystem;

class FlushTask {
 public:
  FlushTask() = default;

  // fsyncs every captured file, then every captured directory (new or
  // removed segment files).  Stops at the first failure.
  std::error_code run() const;

  // Once run() succeeds, every offset below this is durable.
  int64_t offset() const { return offset_; }
  bool empty() const { return files_.empty() && dirs_.empty(); }

 private:
  friend class Log;

  FileSystem* fs_ = nullptr;
  std::vector<std::shared_ptr<File>> files_;
  std::vector<std::filesystem::path> dirs_;
  int64_t offset_ = 0;
  uint64_t generation_ = 0;  // the log's truncation count when prepared
};

}  // namespace kappa::storage

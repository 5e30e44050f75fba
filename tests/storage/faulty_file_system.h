#pragma once
// A FileSystem that forwards to the real one but fails chosen operations,
// for disk-full and I/O-error tests.  A failing write may first write a
// prefix of its data, like a real short write on a full disk.
//
// crash_after(n) models a process dying after n more operations that change
// the disk (creating opens, writes, truncations, fsyncs, renames, unlinks,
// directory fsyncs, durable writes): every later one fails with EIO and
// does nothing, so the files are exactly as the crash left them.

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>

#include "kappa/storage/file_system.h"

namespace kappa::storage::test {

enum class FaultOp { kWrite, kTruncate, kSync, kOpen, kRename, kWriteDurable };

class FaultyFileSystem final : public FileSystem {
 public:
  struct Fault {
    FaultOp op;
    int countdown;             // fail the countdown-th matching call (1 = next)
    int error;                 // errno
    size_t partial_bytes = 0;  // a failing write first writes this much
    std::string path_part;     // only paths containing this
    bool sticky = false;       // keep failing after the first failure
  };

  void inject(Fault fault) {
    std::lock_guard lock(mu_);
    faults_.push_back(std::move(fault));
  }
  void clear() {
    std::lock_guard lock(mu_);
    faults_.clear();
    ops_left_ = -1;
  }
  void crash_after(int ops) {
    std::lock_guard lock(mu_);
    ops_left_ = ops;
  }
  // True once the crash point has passed (and counts the refused call).
  bool dead() {
    std::lock_guard lock(mu_);
    if (ops_left_ < 0) return false;
    if (ops_left_ == 0) {
      ++failures_;
      return true;
    }
    --ops_left_;
    return false;
  }
  static std::error_code eio() { return std::make_error_code(std::errc::io_error); }
  int failures() const { return failures_; }

  // Returns the fault to apply to this call, if any.
  std::optional<Fault> check(FaultOp op, const std::filesystem::path& path) {
    std::lock_guard lock(mu_);
    for (auto it = faults_.begin(); it != faults_.end(); ++it) {
      if (it->op != op || path.string().find(it->path_part) == std::string::npos) continue;
      if (--it->countdown > 0) continue;
      Fault fault = *it;
      if (!it->sticky) faults_.erase(it);
      ++failures_;
      return fault;
    }
    return std::nullopt;
  }

  Result<std::shared_ptr<File>> open(const std::filesystem::path& path, OpenMode mode) override;
  bool exists(const std::filesystem::path& path) override { return real().exists(path); }
  std::error_code remove(const std::filesystem::path& path) override {
    if (dead()) return eio();
    return real().remove(path);
  }
  std::error_code remove_all(const std::filesystem::path& path) override {
    if (dead()) return eio();
    return real().remove_all(path);
  }
  std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (auto f = check(FaultOp::kRename, from)) return {f->error, std::generic_category()};
    if (dead()) return eio();
    return real().rename(from, to);
  }
  std::error_code create_directories(const std::filesystem::path& path) override {
    if (dead()) return eio();
    return real().create_directories(path);
  }
  Result<std::vector<std::string>> list(const std::filesystem::path& dir) override { return real().list(dir); }
  bool is_directory(const std::filesystem::path& path) override { return real().is_directory(path); }
  std::error_code sync_directory(const std::filesystem::path& dir) override {
    if (dead()) return eio();
    return real().sync_directory(dir);
  }
  std::error_code write_durable(const std::filesystem::path& path, std::span<const uint8_t> payload) override {
    if (auto f = check(FaultOp::kWriteDurable, path)) return {f->error, std::generic_category()};
    if (dead()) return eio();
    return real().write_durable(path, payload);
  }
  DurableReadResult read_durable(const std::filesystem::path& path) override { return real().read_durable(path); }

 private:
  static FileSystem& real() { return FileSystem::posix(); }

  std::mutex mu_;
  std::vector<Fault> faults_;
  std::atomic<int> failures_{0};
  int ops_left_ = -1;  // crash_after(): -1 = never
};

class FaultyFile final : public File {
 public:
  FaultyFile(std::shared_ptr<File> inner, FaultyFileSystem& fs) : inner_(std::move(inner)), fs_(fs) {}

  int fd() const override { return inner_->fd(); }
  const std::filesystem::path& path() const override { return inner_->path(); }
  std::error_code write_at(uint64_t offset, std::span<const uint8_t> data) override {
    if (auto f = fs_.check(FaultOp::kWrite, path())) {
      (void)inner_->write_at(offset, data.first(std::min(f->partial_bytes, data.size())));
      return {f->error, std::generic_category()};
    }
    if (fs_.dead()) return FaultyFileSystem::eio();
    return inner_->write_at(offset, data);
  }
  Result<size_t> read_at(uint64_t offset, std::span<uint8_t> data) const override {
    return inner_->read_at(offset, data);
  }
  std::error_code truncate(uint64_t size) override {
    if (auto f = fs_.check(FaultOp::kTruncate, path())) return {f->error, std::generic_category()};
    if (fs_.dead()) return FaultyFileSystem::eio();
    return inner_->truncate(size);
  }
  std::error_code sync() override {
    if (auto f = fs_.check(FaultOp::kSync, path())) return {f->error, std::generic_category()};
    if (fs_.dead()) return FaultyFileSystem::eio();
    return inner_->sync();
  }
  Result<uint64_t> size() const override { return inner_->size(); }

 private:
  std::shared_ptr<File> inner_;
  FaultyFileSystem& fs_;
};

inline Result<std::shared_ptr<File>> FaultyFileSystem::open(const std::filesystem::path& path, OpenMode mode) {
  if (auto f = check(FaultOp::kOpen, path)) return std::error_code(f->error, std::generic_category());
  if (mode != OpenMode::kOpenExisting && !real().exists(path) && dead()) return eio();
  auto file = real().open(path, mode);
  if (!file) return file.error();
  return std::shared_ptr<File>(std::make_shared<FaultyFile>(*file, *this));
}

}  // namespace kappa::storage::test

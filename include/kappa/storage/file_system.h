#pragma once
// The storage engine's only way to the operating system: every open, pwrite,
// pread, ftruncate, fsync, rename, unlink and directory listing goes through
// File and FileSystem, so tests can wrap them and inject ENOSPC/EIO at a
// chosen call (tests/storage/faulty_file_system.h).
//
// Thread-safety: FileSystem::posix() and its files keep no state besides the
// descriptor, so they are safe for concurrent use; in particular File::sync()
// may run on a worker thread while the owner thread writes to the same file.
// A File closes its descriptor when the last shared_ptr to it goes away;
// that is how a Records file slice keeps a deleted segment readable.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "kappa/common/durable_file.h"
#include "kappa/storage/result.h"

namespace kappa::storage {

class File {
 public:
  virtual ~File() = default;

  // The descriptor, for sendfile(2) slices; valid while this File lives.
  virtual int fd() const = 0;
  virtual const std::filesystem::path& path() const = 0;

  // Writes all of `data` at `offset`.  On error a prefix may have been
  // written; the caller truncates it away.
  virtual std::error_code write_at(uint64_t offset, std::span<const uint8_t> data) = 0;
  // Reads up to data.size() bytes at `offset`; fewer only at end of file.
  virtual Result<size_t> read_at(uint64_t offset, std::span<uint8_t> data) const = 0;
  virtual std::error_code truncate(uint64_t size) = 0;
  // fsync(2): data and metadata reach stable storage.
  virtual std::error_code sync() = 0;
  virtual Result<uint64_t> size() const = 0;
};

enum class OpenMode {
  kCreate,        // create an empty file; fails if it exists
  kCreateOrOpen,  // open, creating it if missing
  kOpenExisting,  // fails with ENOENT if missing
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Files are always opened read-write.
  virtual Result<std::shared_ptr<File>> open(const std::filesystem::path& path, OpenMode mode) = 0;
  virtual bool exists(const std::filesystem::path& path) = 0;
  // Unlinks a file; a missing file is not an error.
  virtual std::error_code remove(const std::filesystem::path& path) = 0;
  // Removes a directory tree; a missing one is not an error.
  virtual std::error_code remove_all(const std::filesystem::path& path) = 0;
  virtual std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual std::error_code create_directories(const std::filesystem::path& path) = 0;
  // Names (not paths) of the entries of `dir`, in no particular order.
  virtual Result<std::vector<std::string>> list(const std::filesystem::path& dir) = 0;
  virtual bool is_directory(const std::filesystem::path& path) = 0;
  virtual std::error_code sync_directory(const std::filesystem::path& dir) = 0;

  // Small checksummed files (kappa/common/durable_file.h).
  virtual std::error_code write_durable(const std::filesystem::path& path, std::span<const uint8_t> payload) = 0;
  virtual DurableReadResult read_durable(const std::filesystem::path& path) = 0;

  // The real file system; lives for the whole process.
  static FileSystem& posix();
};

}  // namespace kappa::storage

// FileSystem::posix(): the real file system behind the storage seam.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "kappa/storage/file_system.h"

namespace kappa::storage {
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  int fd() const override { return fd_; }
  const std::filesystem::path& path() const override { return path_; }

  std::error_code write_at(uint64_t offset, std::span<const uint8_t> data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return last_error();
      if (n == 0) return std::make_error_code(std::errc::io_error);
      done += static_cast<size_t>(n);
    }
    return {};
  }

  Result<size_t> read_at(uint64_t offset, std::span<uint8_t> data) const override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pread(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return last_error();
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  std::error_code truncate(uint64_t size) override {
    return ::ftruncate(fd_, static_cast<off_t>(size)) == 0 ? std::error_code() : last_error();
  }

  std::error_code sync() override { return ::fsync(fd_) == 0 ? std::error_code() : last_error(); }

  Result<uint64_t> size() const override {
    struct stat st{};
    if (::fstat(fd_, &st) != 0) return last_error();
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  int fd_;
  std::filesystem::path path_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::shared_ptr<File>> open(const std::filesystem::path& path, OpenMode mode) override {
    int flags = O_RDWR | O_CLOEXEC;
    if (mode == OpenMode::kCreate) flags |= O_CREAT | O_EXCL;
    if (mode == OpenMode::kCreateOrOpen) flags |= O_CREAT;
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return last_error();
    return std::shared_ptr<File>(std::make_shared<PosixFile>(fd, path));
  }

  bool exists(const std::filesystem::path& path) override {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
  }

  std::error_code remove(const std::filesystem::path& path) override {
    if (::unlink(path.c_str()) == 0 || errno == ENOENT) return {};
    return last_error();
  }

  std::error_code remove_all(const std::filesystem::path& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    return ec;
  }

  std::error_code rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return ::rename(from.c_str(), to.c_str()) == 0 ? std::error_code() : last_error();
  }

  std::error_code create_directories(const std::filesystem::path& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    return ec;
  }

  Result<std::vector<std::string>> list(const std::filesystem::path& dir) override {
    std::error_code ec;
    std::vector<std::string> names;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    if (ec) return ec;
    return names;
  }

  bool is_directory(const std::filesystem::path& path) override {
    std::error_code ec;
    return std::filesystem::is_directory(path, ec);
  }

  std::error_code sync_directory(const std::filesystem::path& dir) override {
    try {
      fsync_directory(dir);
      return {};
    } catch (const std::system_error& e) {
      return e.code();
    }
  }

  std::error_code write_durable(const std::filesystem::path& path, std::span<const uint8_t> payload) override {
    try {  // durable_file.h reports failures as exceptions; this is the edge
      write_durable_file(path, payload);
      return {};
    } catch (const std::system_error& e) {
      return e.code();
    }
  }

  DurableReadResult read_durable(const std::filesystem::path& path) override { return read_durable_file(path); }
};

}  // namespace

FileSystem& FileSystem::posix() {
  static PosixFileSystem instance;
  return instance;
}

}  // namespace kappa::storage

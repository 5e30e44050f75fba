#include "kappa/line_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace kappa::cli {

LineSource::LineSource(asio::any_io_executor executor, const std::string& path) : buffer_(64 * 1024) {
  fd_ = path.empty() || path == "-" ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error("cannot open " + (path.empty() ? std::string("stdin") : path) + ": " + std::strerror(errno));
  struct stat st {};
  // epoll cannot watch regular files or /dev/null: those are read directly.
  regular_ = ::fstat(fd_, &st) == 0 && !::isatty(fd_) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode);
  if (!regular_) {
    stream_.emplace(executor, fd_);
    fd_ = -1;  // owned by the descriptor now
  }
}

LineSource::~LineSource() {
  if (fd_ >= 0) ::close(fd_);
}

void LineSource::split(std::vector<std::string>& out) {
  size_t start = 0;
  for (size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
    out.emplace_back(pending_, start, nl - start);
  }
  pending_.erase(0, start);
}

awaitable<std::vector<std::string>> LineSource::next() {
  std::vector<std::string> out;
  while (out.empty() && !eof_) {
    size_t n = 0;
    if (regular_) {
      ssize_t r = ::read(fd_, buffer_.data(), buffer_.size());
      if (r < 0 && errno == EINTR) continue;
      n = r > 0 ? static_cast<size_t>(r) : 0;
      eof_ = r <= 0;
      co_await asio::post(co_await asio::this_coro::executor, use_awaitable);  // let the loop run
    } else {
      auto [ec, got] = co_await stream_->async_read_some(asio::buffer(buffer_), use_tuple);
      n = got;
      eof_ = static_cast<bool>(ec);
    }
    pending_.append(buffer_.data(), n);
    split(out);
    if (eof_ && !pending_.empty()) out.push_back(std::exchange(pending_, {}));
  }
  co_return out;
}

}  // namespace kappa::cli

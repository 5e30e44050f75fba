#pragma once
// LineSource: the lines of a file or of stdin, read without blocking the
// event loop. Pipes, terminals and sockets are read asynchronously, so the
// producer keeps sending (linger timers, acknowledgements) while waiting
// for input; regular files are read in chunks between which the loop runs.
// Lines end at '\n' (not included); a last line without one counts too.
// Not thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "kappa/async/asio.h"

namespace kappa::cli {

class LineSource {
 public:
  // Throws std::runtime_error if `path` cannot be opened ("" or "-": stdin).
  LineSource(asio::any_io_executor executor, const std::string& path);
  ~LineSource();

  // The next lines (at least one), or an empty vector at the end of input.
  awaitable<std::vector<std::string>> next();

 private:
  void split(std::vector<std::string>& out);

  int fd_ = -1;
  bool regular_ = false;
  bool eof_ = false;
  std::optional<asio::posix::stream_descriptor> stream_;
  std::string pending_;  // bytes after the last complete line
  std::vector<char> buffer_;
};

}  // namespace kappa::cli

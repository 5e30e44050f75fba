#include "broker/outbound_frame.h"

#include <sys/sendfile.h>

#include <vector>

namespace kappa::broker {
namespace {

awaitable<void> send_file(tcp::socket& socket, const protocol::FileSlice& slice) {
  if (!socket.native_non_blocking()) socket.native_non_blocking(true);
  off_t offset = static_cast<off_t>(slice.offset);
  size_t left = slice.size;
  while (left > 0) {
    ssize_t n = ::sendfile(socket.native_handle(), slice.fd, &offset, left);
    if (n > 0) {
      left -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      co_await socket.async_wait(tcp::socket::wait_write, use_awaitable);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    // n == 0: the file is shorter than the slice (truncated underneath us);
    // the frame length is already on the wire, so the connection must go.
    throw boost::system::system_error(n == 0 ? EIO : errno, boost::system::generic_category(), "sendfile");
  }
}

}  // namespace

awaitable<size_t> send_frame(tcp::socket& socket, const protocol::Writer& frame) {
  const auto& buf = frame.buffer();
  std::vector<asio::const_buffer> pending;
  size_t from = 0;
  auto flush = [&]() -> awaitable<void> {
    if (!pending.empty()) {
      co_await asio::async_write(socket, pending, use_awaitable);
      pending.clear();
    }
  };
  for (const auto& ins : frame.inserts()) {
    if (ins.at > from) pending.emplace_back(buf.data() + from, ins.at - from);
    from = ins.at;
    if (ins.records.in_memory()) {
      pending.emplace_back(ins.records.bytes().data(), ins.records.bytes().size());
    } else if (ins.records.in_file()) {
      co_await flush();
      co_await send_file(socket, ins.records.file());
    }
  }
  if (buf.size() > from) pending.emplace_back(buf.data() + from, buf.size() - from);
  co_await flush();
  co_return frame.size();
}

}  // namespace kappa::broker

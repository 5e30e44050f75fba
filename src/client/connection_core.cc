#include "client/connection_core.h"

#include <algorithm>

#include <fmt/format.h>

#include "kappa/protocol/api_table.h"
#include "kappa/protocol/header.h"

namespace kappa::client::detail {
namespace {

constexpr size_t kMaxWriteBatchBytes = size_t{1} << 20;

int32_t read_be32(const uint8_t* p) {
  return static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]});
}

// The frame's pieces as buffers: its own bytes split around record inserts.
// File inserts (not produced by clients) are read into `scratch`.
void append_buffers(const protocol::Writer& w, std::vector<asio::const_buffer>& out,
                    std::vector<std::vector<uint8_t>>& scratch) {
  const auto& buf = w.buffer();
  size_t from = 0;
  for (const auto& ins : w.inserts()) {
    if (ins.at > from) out.emplace_back(buf.data() + from, ins.at - from);
    from = ins.at;
    if (ins.records.in_memory()) {
      out.emplace_back(ins.records.bytes().data(), ins.records.bytes().size());
    } else if (ins.records.in_file()) {
      scratch.push_back(ins.records.to_vector());
      out.emplace_back(scratch.back().data(), scratch.back().size());
    }
  }
  if (buf.size() > from) out.emplace_back(buf.data() + from, buf.size() - from);
}

}  // namespace

ConnectionCore::ConnectionCore(tcp::socket socket, std::string broker, size_t max_response_bytes)
    : socket_(std::move(socket)),
      broker_(std::move(broker)),
      max_response_bytes_(max_response_bytes),
      write_wakeup_(socket_.get_executor()),
      watchdog_timer_(socket_.get_executor()) {}

void ConnectionCore::start() {
  auto self = shared_from_this();
  auto on_exit = [self](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      self->close(client_error(ClientErrc::kDisconnected, self->broker_, fmt::format("internal error: {}", ex.what())));
    }
  };
  asio::co_spawn(socket_.get_executor(), read_loop(), on_exit);
  asio::co_spawn(socket_.get_executor(), write_loop(), on_exit);
  asio::co_spawn(socket_.get_executor(), watchdog(), on_exit);
}

std::string ConnectionCore::describe(const Pending& p) const {
  const auto* spec = protocol::find_api(static_cast<int16_t>(p.key));
  return fmt::format("{} v{} request (correlation id {})", spec ? spec->name : "unknown", p.version,
                     p.correlation_id);
}

awaitable<Result<ResponseFrame>> ConnectionCore::call(std::shared_ptr<protocol::Writer> frame, protocol::ApiKey key,
                                                      int16_t version, bool expect_response,
                                                      std::chrono::milliseconds timeout) {
  if (closed_) {
    auto code = closed_->is(ClientErrc::kClosed) ? ClientErrc::kClosed : ClientErrc::kDisconnected;
    co_return client_error(code, broker_, fmt::format("connection already closed: {}", closed_->to_string()));
  }
  auto p = std::make_shared<Pending>(socket_.get_executor());
  p->correlation_id = next_correlation_id_;
  next_correlation_id_ = next_correlation_id_ == INT32_MAX ? 1 : next_correlation_id_ + 1;
  p->key = key;
  p->version = version;
  p->expect_response = expect_response;
  p->timeout = timeout;
  p->deadline = Clock::now() + timeout;
  frame->patch_i32(0, static_cast<int32_t>(frame->size() - 4));
  frame->patch_i32(8, p->correlation_id);
  p->frame = std::move(frame);
  pending_.push_back(p);
  write_queue_.push_back(p);
  write_wakeup_.cancel();
  if (p->deadline < watchdog_timer_.expiry()) watchdog_timer_.cancel();
  if (!p->result) {
    auto [ec] = co_await p->done.async_receive(use_tuple);
    if (ec && !p->result) co_return client_error(ClientErrc::kClosed, broker_, describe(*p) + " was cancelled");
  }
  co_return std::move(*p->result);
}

void ConnectionCore::complete(const PendingPtr& p, Result<ResponseFrame> result) {
  if (p->result) return;
  p->result.emplace(std::move(result));
  p->done.try_send(boost::system::error_code{});
}

awaitable<void> ConnectionCore::read_loop() {
  while (!closed_) {
    uint8_t size_buf[4];
    auto [ec, n] = co_await asio::async_read(socket_, asio::buffer(size_buf), use_tuple);
    if (closed_) co_return;
    if (ec) {
      close(client_error(ClientErrc::kDisconnected, broker_,
                         ec == asio::error::eof ? "connection closed by the broker" : ec.message()));
      co_return;
    }
    const int32_t size = read_be32(size_buf);
    if (size < 4 || static_cast<size_t>(size) > max_response_bytes_) {
      close(client_error(ClientErrc::kMalformedResponse, broker_,
                         fmt::format("response frame of {} bytes is outside [4, {}]", size, max_response_bytes_)));
      co_return;
    }
    auto frame = std::make_shared<protocol::FrameBytes>(static_cast<size_t>(size));
    auto [ec2, n2] = co_await asio::async_read(socket_, asio::buffer(*frame), use_tuple);
    if (closed_) co_return;
    if (ec2) {
      close(client_error(ClientErrc::kDisconnected, broker_, fmt::format("truncated response: {}", ec2.message())));
      co_return;
    }
    on_response(std::move(frame));
  }
}

void ConnectionCore::on_response(std::shared_ptr<protocol::FrameBytes> frame) {
  const int32_t correlation_id = read_be32(frame->data());
  auto it = std::find_if(pending_.begin(), pending_.end(), [](const PendingPtr& p) { return p->expect_response; });
  if (it == pending_.end() || (*it)->correlation_id != correlation_id) {
    std::string expected = it == pending_.end() ? "no request is waiting" : describe(**it) + " is next";
    close(client_error(ClientErrc::kMalformedResponse, broker_,
                       fmt::format("unexpected response with correlation id {}: {}", correlation_id, expected)));
    return;
  }
  PendingPtr p = *it;
  pending_.erase(it);
  size_t offset = 4;
  const auto* spec = protocol::find_api(static_cast<int16_t>(p->key));
  if (spec && spec->response_header_version(p->version) >= 1) {
    try {
      protocol::Reader r(std::span<const uint8_t>(*frame).subspan(4));
      protocol::skip_header_tags(r);
      offset += r.position();
    } catch (const protocol::DecodeError& e) {
      complete(p, malformed_response(broker_, p->key, p->version, e.what()));
      return;
    }
  }
  complete(p, ResponseFrame{std::move(frame), offset});
}

awaitable<void> ConnectionCore::write_loop() {
  while (!closed_) {
    if (write_queue_.empty()) {
      write_wakeup_.expires_at(Clock::time_point::max());
      co_await write_wakeup_.async_wait(use_tuple);
      continue;
    }
    std::vector<PendingPtr> batch;
    std::vector<asio::const_buffer> buffers;
    std::vector<std::vector<uint8_t>> scratch;
    size_t bytes = 0;
    while (!write_queue_.empty() && bytes < kMaxWriteBatchBytes) {
      batch.push_back(std::move(write_queue_.front()));
      write_queue_.pop_front();
      bytes += batch.back()->frame->size();
    }
    scratch.reserve(batch.size());  // buffers point into scratch: no reallocation
    for (const auto& p : batch) append_buffers(*p->frame, buffers, scratch);
    auto [ec, n] = co_await asio::async_write(socket_, buffers, use_tuple);
    if (closed_) co_return;
    if (ec) {
      close(client_error(ClientErrc::kDisconnected, broker_, fmt::format("write failed: {}", ec.message())));
      co_return;
    }
    for (const auto& p : batch) {
      p->frame.reset();
      if (p->expect_response) continue;
      std::erase(pending_, p);
      complete(p, ResponseFrame{});
    }
  }
}

awaitable<void> ConnectionCore::watchdog() {
  while (!closed_) {
    const Pending* earliest = nullptr;
    for (const auto& p : pending_) {
      if (!earliest || p->deadline < earliest->deadline) earliest = p.get();
    }
    if (earliest && earliest->deadline <= Clock::now()) {
      close(client_error(ClientErrc::kTimedOut, broker_,
                         fmt::format("no response to {} within {} ms; connection closed", describe(*earliest),
                                     earliest->timeout.count())));
      co_return;
    }
    watchdog_timer_.expires_at(earliest ? earliest->deadline : Clock::time_point::max());
    co_await watchdog_timer_.async_wait(use_tuple);
  }
}

void ConnectionCore::close(Error reason) {
  if (closed_) return;
  closed_ = reason;
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  write_wakeup_.cancel();
  watchdog_timer_.cancel();
  auto pending = std::move(pending_);
  pending_.clear();
  write_queue_.clear();
  // The request that timed out is the earliest deadline; it gets the reason
  // itself, the rest learn why their connection went away.
  const Pending* culprit = nullptr;
  if (reason.is(ClientErrc::kTimedOut)) {
    for (const auto& p : pending) {
      if (!culprit || p->deadline < culprit->deadline) culprit = p.get();
    }
  }
  for (const auto& p : pending) {
    if (p.get() == culprit) {
      complete(p, reason);
      continue;
    }
    auto code = reason.is(ClientErrc::kClosed) ? ClientErrc::kClosed : ClientErrc::kDisconnected;
    std::string cause = reason.is(ClientErrc::kTimedOut) ? "connection closed after another request timed out"
                                                         : reason.detail;
    complete(p, client_error(code, broker_, fmt::format("{} (while waiting for the {})", cause, describe(*p))));
  }
}

Error malformed_response(const std::string& broker, protocol::ApiKey key, int16_t version, const char* what) {
  const auto* spec = protocol::find_api(static_cast<int16_t>(key));
  return client_error(ClientErrc::kMalformedResponse, broker,
                      fmt::format("cannot decode {} v{} response: {}", spec ? spec->name : "unknown", version, what));
}

}  // namespace kappa::client::detail

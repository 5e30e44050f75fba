#include "broker/connection.h"

#include <fmt/format.h>

#include "broker/api_registry.h"
#include "broker/broker.h"
#include "broker/outbound_frame.h"
#include "broker/request_context.h"
#include "kappa/common/log.h"
#include "kappa/protocol/error_code.h"
#include "kappa/protocol/header.h"

namespace kappa::broker {
namespace {

using namespace asio::experimental::awaitable_operators;
auto& log() {
  static auto logger = logging::get("network");
  return logger;
}

std::string endpoint_text(const tcp::socket& s) {
  boost::system::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  return fmt::format("{}:{}", ep.address().to_string(), ep.port());
}

// ApiVersions reply for a version we do not know: v0 body, header v0 (KIP-511).
std::shared_ptr<protocol::Writer> unsupported_api_versions(int32_t correlation_id) {
  auto w = std::make_shared<protocol::Writer>();
  const auto& spec = protocol::api_spec(protocol::ApiKey::kApiVersions);
  w->i32(0);
  protocol::encode_response_header(*w, correlation_id, 0);
  w->i16(protocol::code_of(protocol::ErrorCode::kUnsupportedVersion));
  w->i32(1);
  w->i16(static_cast<int16_t>(spec.key));
  w->i16(spec.advertised_min);
  w->i16(spec.advertised_max);
  w->patch_i32(0, static_cast<int32_t>(w->size() - 4));
  return w;
}

awaitable<void> wait_for(AsyncResult<bool>& event) {
  (void)co_await event.wait(std::chrono::steady_clock::time_point::max());
}

}  // namespace

Connection::Connection(Broker& broker, tcp::socket socket, protocol::Listener listener, std::string listener_name)
    : broker_(broker),
      socket_(std::move(socket)),
      listener_(listener),
      listener_name_(std::move(listener_name)),
      peer_(endpoint_text(socket_)),
      out_(socket_.get_executor(), 64),
      idle_timer_(socket_.get_executor()) {}

awaitable<void> Connection::run() {
  auto self = shared_from_this();
  asio::co_spawn(socket_.get_executor(), write_loop(), [self](std::exception_ptr e) {
    if (e) {
      self->close("writer failed", true);
      self->close_socket();
      self->finished_ = true;
    }
  });
  try {
    co_await read_loop();
  } catch (const std::exception& e) {
    close(fmt::format("internal error: {}", e.what()), true);
  }
  // Requests still finishing queue their responses first.
  if (!pending_.empty()) {
    auto last = pending_.back();
    co_await wait_for(last->done);
  }
  // The writer sends what is queued, then closes the socket.
  co_await queue(nullptr);
}

void Connection::request_stop() {
  stopping_ = true;
  idle_timer_.cancel();
}

void Connection::close(std::string_view reason, bool warn) {
  if (closed_) return;
  closed_ = true;
  if (warn) {
    log()->warn("closing connection from {} on {}: {}", peer_, listener_name_, reason);
  } else {
    log()->debug("connection from {} on {} closed: {}", peer_, listener_name_, reason);
  }
  idle_timer_.cancel();
}

void Connection::close_socket() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void Connection::force_close() {
  close("forced close", false);
  close_socket();
}

awaitable<void> Connection::read_loop() {
  const auto max_request = static_cast<int64_t>(broker_.config().get_long("socket.request.max.bytes"));
  const auto idle = std::chrono::milliseconds(broker_.config().get_long("connections.max.idle.ms"));
  while (!stopping_ && !closed_) {
    uint8_t size_buf[4];
    idle_timer_.expires_after(idle);
    auto result = co_await (asio::async_read(socket_, asio::buffer(size_buf), use_tuple) ||
                            idle_timer_.async_wait(use_tuple));
    if (result.index() == 1) {
      close(stopping_ ? "broker shutting down" : "idle timeout", false);
      co_return;
    }
    auto [ec, n] = std::get<0>(result);
    if (ec) {
      close(ec == asio::error::eof ? "closed by peer" : ec.message(), false);
      co_return;
    }
    const int32_t size = static_cast<int32_t>((uint32_t{size_buf[0]} << 24) | (uint32_t{size_buf[1]} << 16) |
                                              (uint32_t{size_buf[2]} << 8) | uint32_t{size_buf[3]});
    if (size < 0 || size > max_request) {
      close(fmt::format("request size {} is outside [0, socket.request.max.bytes={}]", size, max_request), true);
      co_return;
    }
    auto frame = std::make_shared<protocol::FrameBytes>(static_cast<size_t>(size));
    auto [ec2, n2] = co_await asio::async_read(socket_, asio::buffer(*frame), use_tuple);
    if (ec2) {
      close(fmt::format("truncated request: {}", ec2.message()), true);
      co_return;
    }
    // Bounded pipelining: wait for the oldest requests while too many, or
    // too many bytes, are pending.  Only a Produce overtakes earlier requests
    // still waiting: anything else (Metadata, Fetch, ...) waits for all of
    // them, so its answer never reflects older state than an earlier answer
    // on this connection (a client told NOT_LEADER must not then be told by
    // a Metadata answered meanwhile that this broker still leads).
    forget_done();
    const bool produce = frame->size() >= 2 && static_cast<int16_t>((*frame)[0] << 8 | (*frame)[1]) ==
                                                   static_cast<int16_t>(protocol::ApiKey::kProduce);
    while (!pending_.empty() && (!produce || pending_.size() >= kMaxInFlight ||
                                 pending_bytes_ + frame->size() > kMaxPendingBytes)) {
      auto oldest = pending_.front();
      co_await wait_for(oldest->done);
      forget_done();
    }
    auto prev = pending_.empty() ? nullptr : pending_.back();
    auto slot = std::make_shared<Slot>(socket_.get_executor(), frame->size());
    pending_.push_back(slot);
    pending_bytes_ += slot->bytes;
    auto self = shared_from_this();
    asio::co_spawn(socket_.get_executor(), handle_in_order(std::move(frame), std::move(prev), slot),
                   [self, slot](std::exception_ptr e) {
                     if (e) {
                       try {
                         std::rethrow_exception(e);
                       } catch (const std::exception& ex) {
                         self->close(fmt::format("internal error: {}", ex.what()), true);
                       }
                     }
                     slot->released.set(true);
                     slot->done.set(true);
                   });
    co_await wait_for(slot->released);
    if (closed_) co_return;
  }
  if (stopping_) close("broker shutting down", false);
}

void Connection::forget_done() {
  while (!pending_.empty() && pending_.front()->done.ready()) {
    pending_bytes_ -= pending_.front()->bytes;
    pending_.pop_front();
  }
}

awaitable<void> Connection::handle_in_order(Frame frame, std::shared_ptr<Slot> prev, std::shared_ptr<Slot> slot) {
  auto response = co_await handle(std::move(frame), *slot);
  if (prev) co_await wait_for(prev->done);  // in request order, with or without a response
  if (response) co_await queue(std::move(response));
  slot->released.set(true);
  slot->done.set(true);
}

awaitable<std::shared_ptr<protocol::Writer>> Connection::handle(Frame frame, Slot& slot) {
  protocol::Reader reader(std::span<const uint8_t>(frame->data(), frame->size()), frame);
  protocol::RequestHeader header;
  try {
    header = protocol::decode_request_header_prefix(reader);
  } catch (const protocol::DecodeError& e) {
    close(fmt::format("malformed request header: {}", e.what()), true);
    co_return nullptr;
  }
  const ApiHandler* handler = api_registry().find(header.api_key, listener_);
  if (!handler) {
    close(fmt::format("unknown or unavailable API key {} (version {})", header.api_key, header.api_version), true);
    co_return nullptr;
  }
  const protocol::ApiSpec& spec = *handler->spec;
  const auto started = std::chrono::steady_clock::now();
  // Unsupported versions share one series (version "-1"): a client cannot
  // create unbounded label sets.
  auto& series = broker_.metrics().request_series(header.api_key, spec.name,
                                                  spec.supports(header.api_version) ? header.api_version : -1);
  if (!spec.supports(header.api_version)) {
    broker_.metrics().request_failed(series, protocol::code_of(protocol::ErrorCode::kUnsupportedVersion));
    if (spec.key == protocol::ApiKey::kApiVersions && header.api_version > spec.max_version) {
      co_return unsupported_api_versions(header.correlation_id);
    }
    close(fmt::format("unsupported {} version {} (supported {}-{})", spec.name, header.api_version,
                      spec.min_version, spec.max_version),
          true);
    co_return nullptr;
  }
  auto response = std::make_shared<protocol::Writer>();
  RequestContext ctx{broker_, header, peer_, listener_, listener_name_, frame};
  ctx.release_reader = [s = &slot] { s->released.set(true); };  // the slot outlives the handler
  try {
    if (spec.is_flexible(header.api_version)) protocol::skip_header_tags(reader);
    response->i32(0);  // frame length, patched below
    protocol::encode_response_header(*response, header.correlation_id,
                                     spec.response_header_version(header.api_version));
    co_await handler->invoke(ctx, reader, *response);
  } catch (const protocol::DecodeError& e) {
    broker_.metrics().request_failed(series, protocol::code_of(protocol::ErrorCode::kInvalidRequest));
    close(fmt::format("malformed {} v{} request: {}", spec.name, header.api_version, e.what()), true);
    co_return nullptr;
  }
  broker_.metrics().request_done(
      series, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), ctx.error_code);
  if (ctx.suppress_response) co_return nullptr;
  response->patch_i32(0, static_cast<int32_t>(response->size() - 4));
  co_return response;
}

awaitable<void> Connection::queue(std::shared_ptr<protocol::Writer> response) {
  auto [ec] = co_await out_.async_send(boost::system::error_code{}, std::move(response), use_tuple);
  (void)ec;  // the channel is closed only when the connection is closing
}

awaitable<void> Connection::write_loop() {
  bool failed = false;
  while (true) {
    auto [ec, frame] = co_await out_.async_receive(use_tuple);
    if (ec || !frame) break;  // the reader is done: everything queued is sent
    if (failed) continue;
    auto [error, n] = co_await asio::co_spawn(socket_.get_executor(), send_frame(socket_, *frame), use_tuple);
    (void)n;
    if (error) {
      failed = true;
      close("write failed", false);
      close_socket();  // wakes the reader
    }
  }
  close_socket();
  finished_ = true;
}

}  // namespace kappa::broker

#include "broker/admin/admin_server.h"

#include <array>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "broker/admin/admin_routes.h"
#include "broker/broker.h"
#include "kappa/async/spawn.h"
#include "kappa/common/log.h"

namespace kappa::broker {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

constexpr size_t kMaxHeaderBytes = 8 * 1024;
constexpr size_t kMaxBodyBytes = 4 * 1024;
constexpr size_t kMaxSessions = 64;
constexpr int kMaxRequestsPerConnection = 100;
constexpr auto kIoTimeout = std::chrono::seconds(10);
constexpr size_t kMaxLingerBytes = 1024 * 1024;

auto& log() {
  static auto logger = logging::get("admin");
  return logger;
}

http::response<http::string_body> make_response(const AdminResponse& a, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(a.status), version};
  res.set(http::field::server, "kappa");
  res.set(http::field::content_type, a.content_type);
  if (!a.allow.empty()) res.set(http::field::allow, a.allow);
  res.keep_alive(keep_alive);
  res.body() = a.body;
  res.prepare_payload();
  return res;
}

// The status for a request the parser refused.
unsigned status_for(const beast::error_code& ec, bool header_done) {
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  if (ec == http::error::buffer_overflow) return header_done ? 413 : 431;
  return 400;
}

}  // namespace

AdminServer::AdminServer(Broker& broker, asio::io_context& io) : broker_(broker), io_(io) {}

AdminServer::~AdminServer() { stop(); }

void AdminServer::start(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) {
    throw std::runtime_error("admin.listener '" + host_port + "' is not host:port");
  }
  std::string host = host_port.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned port = 0;
  try {
    size_t used = 0;
    port = static_cast<unsigned>(std::stoul(host_port.substr(colon + 1), &used));
    if (used != host_port.size() - colon - 1 || port > 65535) throw std::invalid_argument("port");
  } catch (const std::exception&) {
    throw std::runtime_error("admin.listener '" + host_port + "' has no valid port");
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) throw std::runtime_error("admin.listener '" + host_port + "': bad address: " + ec.message());
  tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  acceptor_ = std::make_unique<tcp::acceptor>(io_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot bind admin.listener " + host_port + ": " + ec.message());
  port_ = acceptor_->local_endpoint().port();
  *stopped_ = false;
  spawn_logged(io_, accept_loop(), "admin listener");
  log()->info("admin HTTP listener on {}:{} (/metrics, /health, /v1/cluster)", host, port_);
}

void AdminServer::stop() {
  *stopped_ = true;
  if (acceptor_) {
    boost::system::error_code ec;
    acceptor_->close(ec);
  }
}

awaitable<void> AdminServer::accept_loop() {
  auto stopped = stopped_;
  while (!*stopped) {
    auto [ec, socket] = co_await acceptor_->async_accept(use_tuple);
    if (*stopped) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      log()->warn("admin accept failed: {}", ec.message());
      continue;
    }
    if (sessions_ >= kMaxSessions) {
      boost::system::error_code ignored;
      socket.close(ignored);
      continue;
    }
    spawn_logged(io_, session(std::move(socket)), "admin session");
  }
}

awaitable<void> AdminServer::session(tcp::socket socket) {
  auto stopped = stopped_;
  ++sessions_;
  struct Release {
    size_t& n;
    ~Release() { --n; }
  } release{sessions_};
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer(kMaxHeaderBytes + kMaxBodyBytes);
  for (int served = 0; served < kMaxRequestsPerConnection && !*stopped; ++served) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(kMaxBodyBytes);
    stream.expires_after(kIoTimeout);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == beast::error::timeout ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
      break;
    }
    if (*stopped) break;
    AdminResponse answer;
    bool keep_alive = false;
    unsigned version = 11;
    if (ec) {
      answer.status = status_for(ec, parser.is_header_done());
      answer.body = fmt::format("bad request: {}\n", ec.message());
    } else {
      const auto& req = parser.get();
      version = req.version();
      keep_alive = req.keep_alive() && served + 1 < kMaxRequestsPerConnection;
      try {
        answer = route_admin_request(broker_, std::string_view(req.method_string().data(), req.method_string().size()),
                                     std::string_view(req.target().data(), req.target().size()));
      } catch (const std::exception& e) {
        log()->error("admin request {} failed: {}", std::string(req.target().data(), req.target().size()), e.what());
        answer = AdminResponse{};
        answer.status = 500;
        answer.body = "internal error\n";
      }
    }
    auto res = make_response(answer, version, keep_alive);
    stream.expires_after(kIoTimeout);
    auto [wec, written] = co_await http::async_write(stream, res, use_tuple);
    if (wec) break;
    if (ec) {
      // Lingering close: the client may still be sending the request we
      // refused; closing with unread data would reset the connection and
      // could discard the answer before the client reads it.
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream.expires_after(std::chrono::seconds(1));
      std::array<char, 4096> scratch;
      for (size_t drained = 0; drained < kMaxLingerBytes;) {
        auto [rec, got] = co_await stream.async_read_some(asio::buffer(scratch), use_tuple);
        if (rec) break;
        drained += got;
      }
      break;
    }
    if (!keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.socket().close(ignored);
}

}  // namespace kappa::broker

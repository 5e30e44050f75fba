#include "broker/server.h"

#include <fmt/format.h>

#include "broker/broker.h"
#include "kappa/common/log.h"

namespace kappa::broker {
namespace {
auto& log() {
  static auto logger = logging::get("network");
  return logger;
}
}  // namespace

Server::Server(Broker& broker, asio::io_context& io) : broker_(broker), io_(io) {}

void Server::bind(protocol::Listener kind) {
  const auto& cfg = broker_.config();
  auto controller_names = cfg.get_list("controller.listener.names");
  for (const auto& ep : cfg.listeners()) {
    bool is_controller = std::find(controller_names.begin(), controller_names.end(), ep.name) != controller_names.end();
    if (is_controller != (kind == protocol::kListenerController)) continue;
    Acceptor a{ep, is_controller ? protocol::kListenerController : protocol::kListenerBroker,
               std::make_unique<tcp::acceptor>(io_)};
    try {
      auto host = ep.host.empty() ? std::string("0.0.0.0") : ep.host;
      tcp::resolver resolver(io_);
      auto results = resolver.resolve(host, std::to_string(ep.port));
      tcp::endpoint endpoint = *results.begin();
      a.acceptor->open(endpoint.protocol());
      a.acceptor->set_option(tcp::acceptor::reuse_address(true));
      a.acceptor->bind(endpoint);
      a.acceptor->listen(asio::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("cannot listen on {}://{}:{}: {}", ep.name, ep.host, ep.port, e.what()));
    }
    log()->info("listening on {}://{}:{}", ep.name, ep.host, a.acceptor->local_endpoint().port());
    acceptors_.push_back(std::move(a));
  }
}

void Server::accept(protocol::Listener kind) {
  accepting_ = true;
  for (auto& a : acceptors_) {
    if (a.kind != kind) continue;
    asio::co_spawn(io_, accept_loop(a), [name = a.endpoint.name](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log()->error("accept loop of {} stopped: {}", name, ex.what());
      }
    });
  }
}

uint16_t Server::bound_port(std::string_view listener_name) const {
  for (const auto& a : acceptors_) {
    if (a.endpoint.name == listener_name && a.acceptor->is_open()) return a.acceptor->local_endpoint().port();
  }
  return 0;
}

awaitable<void> Server::accept_loop(Acceptor& a) {
  const auto& cfg = broker_.config();
  const int snd = cfg.get_int("socket.send.buffer.bytes");
  const int rcv = cfg.get_int("socket.receive.buffer.bytes");
  while (accepting_) {
    auto [ec, socket] = co_await a.acceptor->async_accept(use_tuple);
    if (!accepting_) break;
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      log()->warn("accept on {} failed: {}", a.endpoint.name, ec.message());
      // Out of file descriptors and similar: back off instead of spinning.
      asio::steady_timer t(io_, std::chrono::milliseconds(100));
      co_await t.async_wait(use_tuple);
      continue;
    }
    boost::system::error_code opt_ec;
    socket.set_option(tcp::no_delay(true), opt_ec);
    if (snd > 0) socket.set_option(asio::socket_base::send_buffer_size(snd), opt_ec);
    if (rcv > 0) socket.set_option(asio::socket_base::receive_buffer_size(rcv), opt_ec);
    auto conn = std::make_shared<Connection>(broker_, std::move(socket), a.kind, a.endpoint.name);
    connections_.push_back(conn);
    auto it = std::prev(connections_.end());
    broker_.metrics().connection_opened();
    asio::co_spawn(io_, conn->run(), [this, it](std::exception_ptr) {
      connections_.erase(it);
      broker_.metrics().connection_closed();
    });
  }
}

void Server::stop_accepting() {
  accepting_ = false;
  for (auto& a : acceptors_) {
    boost::system::error_code ec;
    a.acceptor->close(ec);
  }
}

awaitable<void> Server::drain(std::chrono::milliseconds grace) {
  for (auto& c : connections_) c->request_stop();
  auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer t(io_);
  while (!connections_.empty() && std::chrono::steady_clock::now() < deadline) {
    t.expires_after(std::chrono::milliseconds(10));
    co_await t.async_wait(use_tuple);
  }
}

awaitable<void> Server::close_all() {
  asio::steady_timer t(io_);
  for (auto& c : connections_) c->force_close();
  while (!connections_.empty()) {
    t.expires_after(std::chrono::milliseconds(5));
    co_await t.async_wait(use_tuple);
  }
}

}  // namespace kappa::broker

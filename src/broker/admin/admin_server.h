#pragma once
// The HTTP admin listener (admin.listener = host:port; empty disables it):
// Boost.Beast on the broker's event loop, serving admin_routes.h.
//
// Bounded: request headers up to 8 KiB and bodies up to 4 KiB (431/413
// beyond), at most 64 concurrent connections (more are closed at once),
// 10 s to read a request or write a response, 100 requests per keep-alive
// connection.  Malformed requests get 400 and the connection is closed.

#include <cstdint>
#include <memory>
#include <string>

#include "broker/asio.h"

namespace kappa::broker {

class Broker;

class AdminServer {
 public:
  AdminServer(Broker& broker, asio::io_context& io);
  ~AdminServer();

  // Binds `host_port` ("127.0.0.1:9644", "[::1]:9644", ":9644" for every
  // interface) and starts accepting; throws std::runtime_error naming the
  // address on failure.
  void start(const std::string& host_port);
  // Stops accepting; connections end after their current request.
  void stop();
  uint16_t port() const { return port_; }

 private:
  awaitable<void> accept_loop();
  awaitable<void> session(tcp::socket socket);

  Broker& broker_;
  asio::io_context& io_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::shared_ptr<bool> stopped_ = std::make_shared<bool>(false);
  size_t sessions_ = 0;
  uint16_t port_ = 0;
};

}  // namespace kappa::broker

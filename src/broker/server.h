#pragma once
// Accepts connections on the configured listeners and tracks them so the
// broker can drain them on shutdown.

#include <chrono>
#include <list>
#include <memory>
#include <string>

#include "broker/asio.h"
#include "broker/connection.h"
#include "kappa/config/config.h"

namespace kappa::broker {

using kappa::config::ListenerEndpoint;

class Broker;

class Server {
 public:
  Server(Broker& broker, asio::io_context& io);

  // Binds every listener; throws std::runtime_error naming the listener on failure.
  void start();
  void stop_accepting();
  // Asks every connection to finish its request in flight and close; after
  // `grace` the rest are closed forcibly.
  awaitable<void> drain(std::chrono::milliseconds grace);
  size_t connection_count() const { return connections_.size(); }
  // The port a listener is bound to (useful with port 0).
  uint16_t bound_port(std::string_view listener_name) const;

 private:
  struct Acceptor {
    ListenerEndpoint endpoint;
    protocol::Listener kind;
    std::unique_ptr<tcp::acceptor> acceptor;
  };
  awaitable<void> accept_loop(Acceptor& acceptor);

  Broker& broker_;
  asio::io_context& io_;
  std::list<Acceptor> acceptors_;
  std::list<std::shared_ptr<Connection>> connections_;
  bool accepting_ = false;
};

}  // namespace kappa::broker

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

  // Binds the listeners of one kind (client-facing broker listeners or the
  // controller listener); throws std::runtime_error naming the listener on
  // failure.  Connections are accepted only after accept(kind).
  void bind(protocol::Listener kind);
  void accept(protocol::Listener kind);
  void stop_accepting();
  // Asks every connection to finish its request in flight and close, and
  // waits up to `grace` for them.
  awaitable<void> drain(std::chrono::milliseconds grace);
  // Closes the remaining connections and waits until their requests end.
  awaitable<void> close_all();
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

#pragma once
// Connections from this node to other nodes' controller listeners, one per
// peer, opened lazily and replaced when they break.  Shared by the Raft
// transport and the controller channel.

#include <chrono>
#include <map>
#include <memory>

#include "broker/asio.h"
#include "kappa/async/async_result.h"
#include "kappa/client/connection.h"

namespace kappa::broker {

class PeerPool {
 public:
  PeerPool(asio::any_io_executor exec, std::map<int32_t, client::BrokerAddress> peers, std::string client_id);

  // The open connection to `node`, connecting if needed; an error when the
  // node is unknown or unreachable (a failed connect is retried only after
  // a short back-off, so callers do not hammer a dead peer).
  awaitable<client::Result<std::shared_ptr<client::Connection>>> get(int32_t node);
  bool knows(int32_t node) const { return peers_.count(node) > 0; }
  std::vector<int32_t> nodes() const;
  void close_all();

 private:
  struct Peer {
    client::BrokerAddress address;
    std::shared_ptr<client::Connection> connection;
    std::chrono::steady_clock::time_point retry_after{};
    bool connecting = false;
    // Callers that arrived while a connect was in progress wait for it.
    std::vector<std::shared_ptr<AsyncResult<bool>>> waiting;
  };
  asio::any_io_executor exec_;
  std::map<int32_t, Peer> peers_;
  std::string client_id_;
};

}  // namespace kappa::broker

#include "broker/peer_pool.h"

namespace kappa::broker {

PeerPool::PeerPool(asio::any_io_executor exec, std::map<int32_t, client::BrokerAddress> peers, std::string client_id)
    : exec_(exec), client_id_(std::move(client_id)) {
  for (auto& [id, addr] : peers) peers_[id].address = std::move(addr);
}

std::vector<int32_t> PeerPool::nodes() const {
  std::vector<int32_t> out;
  for (const auto& [id, p] : peers_) out.push_back(id);
  return out;
}

awaitable<client::Result<std::shared_ptr<client::Connection>>> PeerPool::get(int32_t node) {
  auto it = peers_.find(node);
  if (it == peers_.end()) {
    co_return client::client_error(client::ClientErrc::kInvalidArgument, "", "unknown node " + std::to_string(node));
  }
  if (it->second.connecting) {
    auto done = std::make_shared<AsyncResult<bool>>(exec_);
    it->second.waiting.push_back(done);
    co_await done->wait(std::chrono::steady_clock::now() + std::chrono::seconds(2));
  }
  Peer& peer = peers_.at(node);
  if (peer.connection && peer.connection->is_open()) co_return peer.connection;
  const auto now = std::chrono::steady_clock::now();
  if (peer.connecting || now < peer.retry_after) {
    co_return client::client_error(client::ClientErrc::kConnectFailed, peer.address.to_string(),
                                   "peer unreachable (backing off)");
  }
  peer.connecting = true;
  client::ConnectionOptions options;
  options.client_id = client_id_;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.request_timeout = std::chrono::milliseconds(5000);
  auto conn = co_await client::Connection::connect(exec_, peer.address, options);
  // `peer` may have been invalidated only by close_all(), which keeps entries.
  Peer& p = peers_.at(node);
  p.connecting = false;
  for (auto& w : p.waiting) w->set(true);
  p.waiting.clear();
  if (!conn) {
    p.retry_after = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    co_return conn.error();
  }
  p.connection = *conn;
  co_return p.connection;
}

void PeerPool::close_all() {
  for (auto& [id, p] : peers_) {
    if (p.connection) p.connection->close();
    p.connection.reset();
  }
}

}  // namespace kappa::broker

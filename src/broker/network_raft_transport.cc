#include "broker/network_raft_transport.h"

#include "kappa/async/spawn.h"
#include "kappa/common/log.h"
#include "kappa/controller/raft_wire.h"

namespace kappa::broker {
namespace {
auto& log() {
  static auto logger = logging::get("quorum");
  return logger;
}
}  // namespace

NetworkRaftTransport::NetworkRaftTransport(asio::any_io_executor exec, PeerPool& peers, std::string cluster_id)
    : exec_(exec), peers_(peers), cluster_id_(std::move(cluster_id)) {}

void NetworkRaftTransport::send(raft::Message message) {
  if (stopped_) return;
  const int32_t to = message.to.value();
  Queue& q = queues_[to];
  if (q.messages.size() >= kMaxQueued) q.messages.pop_front();
  q.messages.push_back(std::move(message));
  if (q.draining) return;
  q.draining = true;
  asio::co_spawn(exec_, drain(to), [this, to](std::exception_ptr e) {
    queues_[to].draining = false;
    if (e) log()->error("raft sender to node {} failed", to);
  });
}

awaitable<void> NetworkRaftTransport::drain(int32_t peer) {
  while (!stopped_ && !queues_[peer].messages.empty()) {
    auto conn = co_await peers_.get(peer);
    if (!conn) {
      // Unreachable: drop what is queued; Raft retransmits what still matters.
      queues_[peer].messages.clear();
      co_return;
    }
    auto connection = *conn;
    // Pipeline everything queued on this connection; responses only report errors.
    while (!queues_[peer].messages.empty() && connection->is_open()) {
      auto request = controller::to_wire(queues_[peer].messages.front(), cluster_id_);
      queues_[peer].messages.pop_front();
      spawn_logged(
          exec_,
          [connection, request = std::move(request), peer]() -> awaitable<void> {
            auto r = co_await connection->send<protocol::KappaRaftMessageRequest, protocol::KappaRaftMessageResponse>(
                request);
            if (r && r->error_code != 0) {
              log()->warn("node {} refused a raft message: {} {}", peer, protocol::error_name(r->error_code),
                          r->error_message.value_or(""));
            }
          },
          "raft message send");
    }
  }
}

}  // namespace kappa::broker

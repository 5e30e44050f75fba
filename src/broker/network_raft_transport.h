#pragma once
// Carries Raft messages to the other quorum voters as KappaRaftMessage
// requests on their controller listeners.  Best effort, as Raft allows:
// each peer has a bounded queue (oldest messages are dropped when a peer is
// slow or unreachable) and a sender that pipelines requests on one
// connection, so messages to a peer leave in order.

#include <deque>
#include <map>

#include "broker/peer_pool.h"
#include "kappa/controller/raft_metadata_log.h"

namespace kappa::broker {

class NetworkRaftTransport final : public controller::RaftTransport {
 public:
  NetworkRaftTransport(asio::any_io_executor exec, PeerPool& peers, std::string cluster_id);
  void send(raft::Message message) override;
  void stop() { stopped_ = true; }

 private:
  static constexpr size_t kMaxQueued = 512;
  struct Queue {
    std::deque<raft::Message> messages;
    bool draining = false;
  };
  awaitable<void> drain(int32_t peer);

  asio::any_io_executor exec_;
  PeerPool& peers_;
  std::string cluster_id_;
  std::map<int32_t, Queue> queues_;
  bool stopped_ = false;
};

}  // namespace kappa::broker

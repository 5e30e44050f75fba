#pragma once
// Requests this node sends to the active controller: broker registration,
// heartbeats and metadata changes forwarded from clients.  It finds the
// active controller (this node's quorum view, or the leader a controller
// reported), retries other voters on NOT_CONTROLLER or an unreachable node
// until the deadline, and short-cuts through the local handler table when
// this node is the active controller itself.

#include <chrono>
#include <optional>

#include "broker/local_invoke.h"
#include "broker/partition_wait.h"
#include "broker/peer_pool.h"
#include "kappa/common/log.h"

namespace kappa::broker {

class ControllerChannel {
 public:
  ControllerChannel(Broker& broker, PeerPool& peers) : broker_(broker), peers_(peers) {}

  // The response of the active controller, or nullopt at the deadline.
  template <typename Req, typename Resp>
  awaitable<std::optional<Resp>> send(const Req& req, Deadline deadline);

 private:
  int32_t next_candidate();

  Broker& broker_;
  PeerPool& peers_;
  size_t rotation_ = 0;
  int32_t refused_ = -1;  // the last node that could not serve as controller
};

template <typename Req, typename Resp>
awaitable<std::optional<Resp>> ControllerChannel::send(const Req& req, Deadline deadline) {
  asio::steady_timer backoff(broker_.io());
  while (std::chrono::steady_clock::now() < deadline && !broker_.stopped()) {
    if (broker_.is_active_controller()) {
      auto local = co_await invoke_locally<Req, Resp>(broker_, req, Req::kMaxVersion, protocol::kListenerController);
      if (local && local->error_code != protocol::code_of(protocol::ErrorCode::kNotController)) co_return local;
    } else {
      int32_t target = broker_.controller_id();
      if (target < 0 || target == broker_.node_id() || target == refused_) target = next_candidate();
      if (target >= 0) {
        auto conn = co_await peers_.get(target);
        if (conn) {
          auto r = co_await (*conn)->template send<Req, Resp>(req);
          if (r && r->error_code != protocol::code_of(protocol::ErrorCode::kNotController)) {
            refused_ = -1;
            co_return std::move(*r);
          }
          refused_ = target;  // not (or no longer) the controller, or unreachable
        } else {
          refused_ = target;
        }
      }
    }
    backoff.expires_after(std::chrono::milliseconds(50));
    co_await backoff.async_wait(use_tuple);
  }
  co_return std::nullopt;
}

}  // namespace kappa::broker

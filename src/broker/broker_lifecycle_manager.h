#pragma once
// The broker's side of its lifecycle with the active controller (Kafka's
// BrokerLifecycleManager): register (a new incarnation per process start),
// then heartbeat every broker.heartbeat.interval.ms carrying the applied
// metadata offset.  The controller unfences the broker once that offset
// has caught up; only then does the broker serve clients.  On shutdown the
// heartbeats ask for a controlled shutdown and the broker waits until the
// controller has moved leadership away.

#include <chrono>
#include <functional>
#include <optional>

#include "broker/partition_wait.h"
#include "kappa/async/async_result.h"
#include "kappa/protocol/uuid.h"

namespace kappa::broker {

class Broker;

class BrokerLifecycleManager {
 public:
  // `on_unfenced` runs once, the first time the controller unfences us.
  BrokerLifecycleManager(Broker& broker, std::function<void()> on_unfenced);

  void start();
  // Asks for a controlled shutdown; returns when the controller agrees
  // (no partition led here any more) or at the deadline.
  awaitable<bool> controlled_shutdown(Deadline deadline);
  void stop() { stopped_ = true; }
  int64_t broker_epoch() const { return epoch_; }
  bool fenced() const { return fenced_; }
  bool registered() const { return registered_; }
  // When the controller last answered a heartbeat (nullopt: never).
  std::optional<std::chrono::steady_clock::time_point> last_heartbeat_ack() const { return last_ack_; }

 private:
  awaitable<void> run();
  awaitable<bool> register_once();
  awaitable<void> heartbeat_once();

  Broker& broker_;
  std::function<void()> on_unfenced_;
  protocol::Uuid incarnation_;
  int64_t epoch_ = -1;
  bool registered_ = false;
  bool fenced_ = true;
  bool unfenced_once_ = false;
  bool want_shutdown_ = false;
  bool stopped_ = false;
  std::shared_ptr<AsyncResult<bool>> shutdown_ready_;
  std::optional<std::chrono::steady_clock::time_point> last_ack_;
};

}  // namespace kappa::broker

#include "broker/broker_lifecycle_manager.h"

#include "broker/broker.h"
#include "broker/controller_channel.h"
#include "broker/meta_properties.h"
#include "kappa/async/spawn.h"
#include "kappa/common/log.h"
#include "kappa/protocol/msg/broker_heartbeat.h"
#include "kappa/protocol/msg/broker_registration.h"

namespace kappa::broker {
namespace {

using protocol::ErrorCode;

auto& log() {
  static auto logger = logging::get("broker");
  return logger;
}

}  // namespace

BrokerLifecycleManager::BrokerLifecycleManager(Broker& broker, std::function<void()> on_unfenced)
    : broker_(broker),
      on_unfenced_(std::move(on_unfenced)),
      incarnation_(*protocol::Uuid::parse(random_id())) {}

void BrokerLifecycleManager::start() { spawn_logged(broker_.io(), run(), "broker lifecycle"); }

awaitable<bool> BrokerLifecycleManager::register_once() {
  protocol::BrokerRegistrationRequest req;
  req.broker_id = broker_.node_id();
  req.cluster_id = broker_.cluster_id();
  req.incarnation_id = incarnation_;
  for (const auto& l : broker_.config().advertised_listeners()) {
    req.listeners.push_back({l.name, l.host, l.port, 0 /* PLAINTEXT */});
  }
  if (broker_.config().is_set("broker.rack")) req.rack = broker_.config().get("broker.rack");
  req.previous_broker_epoch = epoch_;
  auto resp = co_await broker_.channel().send<protocol::BrokerRegistrationRequest, protocol::BrokerRegistrationResponse>(
      req, std::chrono::steady_clock::now() + std::chrono::seconds(5));
  if (!resp) co_return false;
  if (resp->error_code != 0) {
    log()->error("the controller refused to register broker {}: {}", broker_.node_id(),
                 protocol::error_name(resp->error_code));
    co_return false;
  }
  epoch_ = resp->broker_epoch;
  registered_ = true;
  log()->info("registered with the controller as broker {} epoch {}", broker_.node_id(), epoch_);
  co_return true;
}

awaitable<void> BrokerLifecycleManager::heartbeat_once() {
  protocol::BrokerHeartbeatRequest req;
  req.broker_id = broker_.node_id();
  req.broker_epoch = epoch_;
  req.current_metadata_offset = broker_.image().offset();
  req.want_shut_down = want_shutdown_;
  const auto interval = std::chrono::milliseconds(broker_.config().get_int("broker.heartbeat.interval.ms"));
  auto resp = co_await broker_.channel().send<protocol::BrokerHeartbeatRequest, protocol::BrokerHeartbeatResponse>(
      req, std::chrono::steady_clock::now() + std::max(interval, std::chrono::milliseconds(1000)));
  if (!resp) {
    // No controller reachable (e.g. the whole quorum is stopping): there is
    // nobody to hand leadership to, so a controlled shutdown cannot wait.
    if (want_shutdown_ && shutdown_ready_) shutdown_ready_->set(false);
    co_return;
  }
  if (resp->error_code == protocol::code_of(ErrorCode::kStaleBrokerEpoch) ||
      resp->error_code == protocol::code_of(ErrorCode::kBrokerIdNotRegistered)) {
    registered_ = false;  // e.g. the controller lost our registration: register again
    co_return;
  }
  if (resp->error_code != 0) co_return;
  last_ack_ = std::chrono::steady_clock::now();
  fenced_ = resp->is_fenced;
  if (!fenced_ && !unfenced_once_) {
    unfenced_once_ = true;
    log()->info("broker {} is unfenced: serving clients", broker_.node_id());
    if (on_unfenced_) on_unfenced_();
  }
  if (want_shutdown_ && resp->should_shut_down && shutdown_ready_) shutdown_ready_->set(true);
}

awaitable<void> BrokerLifecycleManager::run() {
  asio::steady_timer timer(broker_.io());
  const auto interval = std::chrono::milliseconds(broker_.config().get_int("broker.heartbeat.interval.ms"));
  while (!stopped_) {
    if (!registered_) {
      if (!co_await register_once()) {
        timer.expires_after(std::chrono::milliseconds(200));
        co_await timer.async_wait(use_tuple);
        continue;
      }
    }
    co_await heartbeat_once();
    // Fenced brokers and brokers shutting down talk often, to move quickly.
    timer.expires_after(fenced_ || want_shutdown_ ? std::chrono::milliseconds(100) : interval);
    co_await timer.async_wait(use_tuple);
  }
}

awaitable<bool> BrokerLifecycleManager::controlled_shutdown(Deadline deadline) {
  if (!registered_ || fenced_) co_return true;  // nothing to hand over
  want_shutdown_ = true;
  shutdown_ready_ = std::make_shared<AsyncResult<bool>>(broker_.io().get_executor());
  auto ready = shutdown_ready_;
  auto ok = co_await ready->wait(deadline);
  co_return ok.value_or(false);
}

}  // namespace kappa::broker

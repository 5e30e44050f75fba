#pragma once
// The active controller's view of broker liveness (Kafka's
// BrokerHeartbeatManager + cluster control): registrations, heartbeats,
// fencing after broker.session.timeout.ms without a heartbeat, unfencing
// once a broker has caught up with the metadata log, and controlled
// shutdown (leadership moved away before the broker is told it may exit).
//
// Liveness is in memory only; a newly active controller gives every broker
// a full session timeout of grace.  Not thread-safe: event loop only.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kappa/common/clock.h"
#include "kappa/controller/controller.h"
#include "kappa/controller/partition_leadership.h"

namespace kappa::controller {

struct BrokerRegistration {
  int32_t broker_id = -1;
  protocol::Uuid incarnation;
  std::vector<metadata::BrokerEndpoint> endpoints;
  std::optional<std::string> rack;
};

struct BrokerHeartbeat {
  int32_t broker_id = -1;
  int64_t broker_epoch = -1;
  int64_t metadata_offset = -1;
  bool want_fence = false;
  bool want_shutdown = false;
};

struct HeartbeatReply {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  bool caught_up = false;
  bool fenced = true;
  bool should_shutdown = false;
};

class BrokerLifecycle {
 public:
  BrokerLifecycle(Controller& controller, const Clock& clock, int64_t session_timeout_ms, UncleanElection unclean);

  // Returns the broker epoch (registrations are idempotent per incarnation).
  awaitable<std::pair<protocol::ErrorCode, int64_t>> register_broker(BrokerRegistration registration);
  awaitable<HeartbeatReply> heartbeat(BrokerHeartbeat heartbeat);
  // Fences brokers whose session expired; call periodically on the active controller.
  awaitable<void> check_sessions();
  // Moves leadership back to preferred replicas (auto.leader.rebalance.enable).
  awaitable<void> rebalance_leaders();
  // This node just became the active controller.
  void on_activated();

 private:
  awaitable<void> fence(int32_t broker, int64_t epoch, const char* why);

  Controller& controller_;
  const Clock& clock_;
  int64_t session_timeout_ms_;
  UncleanElection unclean_;
  std::map<int32_t, int64_t> last_contact_ms_;
  std::map<int32_t, int64_t> registered_at_;  // metadata offset of the registration
};

}  // namespace kappa::controller

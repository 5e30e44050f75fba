#pragma once
// Replication, leader side: asks the active controller to change the ISR of
// partitions this broker leads (Kafka's AlterPartitionManager) — removing
// followers that fell behind for replica.lag.time.max.ms, adding followers
// that caught up.  Changes take effect when the controller's
// PartitionChangeRecord reaches this broker's metadata.

#include "broker/asio.h"

namespace kappa::broker {

class Broker;

class IsrManager {
 public:
  explicit IsrManager(Broker& broker) : broker_(broker) {}
  // One pass over the partitions this broker leads.
  awaitable<void> run_once();

 private:
  Broker& broker_;
  bool running_ = false;
};

}  // namespace kappa::broker

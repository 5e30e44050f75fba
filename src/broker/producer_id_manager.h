#pragma once
// Hands out producer ids to InitProducerId from blocks the active
// controller allocates in the metadata log (AllocateProducerIds), so ids
// are unique across the cluster and across restarts.

#include <cstdint>
#include <optional>

#include "broker/asio.h"
#include "kappa/async/async_mutex.h"

namespace kappa::broker {

class Broker;

class ProducerIdManager {
 public:
  explicit ProducerIdManager(Broker& broker);
  // A fresh producer id, or nullopt when no controller could allocate a block.
  awaitable<std::optional<int64_t>> next();

 private:
  Broker& broker_;
  AsyncMutex mutex_;
  int64_t next_ = 0;
  int64_t end_ = 0;  // exclusive
};

}  // namespace kappa::broker

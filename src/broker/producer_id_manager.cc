#include "broker/producer_id_manager.h"

#include "broker/broker.h"
#include "broker/broker_lifecycle_manager.h"
#include "broker/controller_channel.h"
#include "kappa/protocol/msg/allocate_producer_ids.h"

namespace kappa::broker {

ProducerIdManager::ProducerIdManager(Broker& broker) : broker_(broker), mutex_(broker.io().get_executor()) {}

awaitable<std::optional<int64_t>> ProducerIdManager::next() {
  auto guard = co_await mutex_.lock();
  if (next_ >= end_) {
    protocol::AllocateProducerIdsRequest req;
    req.broker_id = broker_.node_id();
    req.broker_epoch = broker_.broker_epoch();
    auto resp = co_await broker_.channel().send<protocol::AllocateProducerIdsRequest,
                                                protocol::AllocateProducerIdsResponse>(
        req, std::chrono::steady_clock::now() + std::chrono::seconds(10));
    if (!resp || resp->error_code != 0 || resp->producer_id_len <= 0) co_return std::nullopt;
    next_ = resp->producer_id_start;
    end_ = resp->producer_id_start + resp->producer_id_len;
  }
  co_return next_++;
}

}  // namespace kappa::broker

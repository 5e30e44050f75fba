#include "broker/partition_wait.h"

#include "broker/broker.h"
#include "kappa/replication/partition.h"
#include "kappa/replication/timed_waiter.h"

namespace kappa::broker {
namespace {

// Registers one waiter on several partitions for its lifetime.
class Registration {
 public:
  Registration(Broker& broker, const std::vector<storage::TopicPartition>& tps, replication::PartitionWaiter* w)
      : broker_(broker), tps_(tps), waiter_(w) {
    for (const auto& tp : tps_) {
      if (auto* p = broker_.replicas().get(tp.topic, tp.partition.value())) p->add_waiter(waiter_);
    }
  }
  ~Registration() {
    for (const auto& tp : tps_) {
      if (auto* p = broker_.replicas().get(tp.topic, tp.partition.value())) p->remove_waiter(waiter_);
    }
  }

 private:
  Broker& broker_;
  const std::vector<storage::TopicPartition>& tps_;
  replication::PartitionWaiter* waiter_;
};

}  // namespace

awaitable<protocol::ErrorCode> wait_for_high_watermark(Broker& broker, storage::TopicPartition tp, int64_t offset,
                                                       Deadline deadline, int32_t min_insync_replicas,
                                                       int32_t leader_epoch) {
  std::vector<storage::TopicPartition> tps{tp};
  while (true) {
    auto* p = broker.replicas().get(tp.topic, tp.partition.value());
    if (!p) co_return protocol::ErrorCode::kNotLeaderOrFollower;
    // The append belongs to `leader_epoch`: had this broker lost and regained
    // the leadership meanwhile, its log may have been truncated and refilled,
    // and a high watermark past `offset` would acknowledge other records.
    if (leader_epoch >= 0 && p->is_leader() && p->leader_epoch() != leader_epoch) {
      co_return protocol::ErrorCode::kNotLeaderOrFollower;
    }
    if (auto outcome = p->acks_all_outcome(offset, min_insync_replicas)) co_return *outcome;
    if (std::chrono::steady_clock::now() >= deadline || broker.stopping()) {
      co_return protocol::ErrorCode::kRequestTimedOut;
    }
    replication::TimedWaiter waiter(co_await asio::this_coro::executor);
    Registration reg(broker, tps, &waiter);
    co_await waiter.wait_until(deadline);
  }
}

awaitable<void> wait_for_change(Broker& broker, const std::vector<storage::TopicPartition>& partitions,
                                Deadline deadline) {
  if (std::chrono::steady_clock::now() >= deadline || broker.stopping()) co_return;
  replication::TimedWaiter waiter(co_await asio::this_coro::executor);
  Registration reg(broker, partitions, &waiter);
  co_await waiter.wait_until(deadline);
}

}  // namespace kappa::broker

#pragma once
// A PartitionWaiter a coroutine awaits: wait_until() returns once notify()
// was called (new data, a moved high watermark, a role change) or at the
// deadline.  Register it on the partitions with Partition::add_waiter for
// as long as it waits; it wakes once, so callers re-check their condition.

#include <chrono>

#include "kappa/async/asio.h"
#include "kappa/replication/partition.h"

namespace kappa::replication {

class TimedWaiter final : public PartitionWaiter {
 public:
  explicit TimedWaiter(asio::any_io_executor exec) : timer_(exec) {}
  void notify() override {
    notified_ = true;
    timer_.cancel();
  }
  asio::awaitable<void> wait_until(std::chrono::steady_clock::time_point deadline) {
    if (notified_) co_return;
    timer_.expires_at(deadline);
    co_await timer_.async_wait(use_tuple);
  }

 private:
  asio::steady_timer timer_;
  bool notified_ = false;
};

}  // namespace kappa::replication

#pragma once
// A mutex for coroutines on one executor: lock() suspends until the holder
// unlocks.  FIFO fairness is what Asio channels give (waiting senders are
// served in order).

#include "kappa/async/asio.h"

namespace kappa {

class AsyncMutex {
 public:
  explicit AsyncMutex(asio::any_io_executor exec) : slot_(exec, 1) {}

  class Guard {
   public:
    explicit Guard(AsyncMutex* m) : m_(m) {}
    Guard(Guard&& o) noexcept : m_(std::exchange(o.m_, nullptr)) {}
    Guard(const Guard&) = delete;
    ~Guard() {
      if (m_) m_->unlock();
    }

   private:
    AsyncMutex* m_;
  };

  awaitable<Guard> lock() {
    co_await slot_.async_send(boost::system::error_code{}, use_awaitable);
    co_return Guard(this);
  }

 private:
  void unlock() {
    slot_.try_receive([](boost::system::error_code) {});
  }
  asio::experimental::channel<void(boost::system::error_code)> slot_;
};

}  // namespace kappa

#pragma once
// A value that one coroutine waits for and some other code provides later,
// on the same executor: a one-shot promise/future for single-threaded
// event loops.  wait() returns the value, or nullopt at the deadline.

#include <chrono>
#include <optional>

#include "kappa/async/asio.h"

namespace kappa {

template <typename T>
class AsyncResult {
 public:
  explicit AsyncResult(asio::any_io_executor exec) : timer_(exec) {}

  // The first value set wins; later ones are ignored.
  void set(T value) {
    if (value_) return;
    value_ = std::move(value);
    timer_.cancel();
  }
  bool ready() const { return value_.has_value(); }

  awaitable<std::optional<T>> wait(std::chrono::steady_clock::time_point deadline) {
    while (!value_ && std::chrono::steady_clock::now() < deadline) {
      timer_.expires_at(deadline);
      co_await timer_.async_wait(use_tuple);
    }
    co_return value_;
  }

 private:
  asio::steady_timer timer_;
  std::optional<T> value_;
};

}  // namespace kappa

#pragma once
// retry(): runs an operation until it succeeds, fails for good, or its time
// budget is spent — the one retry loop shared by the cluster client, admin,
// producer and consumer.
//
//   auto r = co_await retry(ex, policy, [&]() -> awaitable<Result<T>> { ... },
//                           [&](const Error& e) { if (e.needs_metadata_refresh()) invalidate(); });
//
// An attempt is retried when its error is retriable() (error.h), or when
// `should_retry(error)` says so for the overload that takes it. Before a
// retry on_retry(error) runs and the loop sleeps: backoff, doubling up to
// backoff_max. When the next attempt would start after `total` has passed,
// the last error is returned with "(gave up after N attempts in T ms)"
// appended to its detail; its code is kept, so callers still see e.g.
// NOT_LEADER_OR_FOLLOWER.

#include <algorithm>
#include <chrono>
#include <type_traits>

#include <fmt/format.h>

#include "kappa/async/asio.h"
#include "kappa/client/result.h"

namespace kappa::client {

struct RetryPolicy {
  std::chrono::milliseconds backoff{100};
  std::chrono::milliseconds backoff_max{1'000};
  std::chrono::milliseconds total{30'000};
};

template <typename Attempt, typename OnRetry, typename ShouldRetry>
std::invoke_result_t<Attempt&> retry(asio::any_io_executor executor, RetryPolicy policy, Attempt attempt,
                                     OnRetry on_retry, ShouldRetry should_retry) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto backoff = policy.backoff;
  for (int attempts = 1;; ++attempts) {
    auto result = co_await attempt();
    if (result.ok() || !should_retry(result.error())) co_return result;
    const auto elapsed = Clock::now() - start;
    if (elapsed + backoff >= policy.total) {
      Error e = result.error();
      e.detail += fmt::format(" (gave up after {} attempts in {} ms)", attempts,
                              std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count());
      co_return e;
    }
    on_retry(result.error());
    asio::steady_timer timer(executor, backoff);
    co_await timer.async_wait(use_tuple);
    backoff = std::min(backoff * 2, policy.backoff_max);
  }
}

struct RetriableErrors {
  bool operator()(const Error& e) const { return e.retriable(); }
};

template <typename Attempt, typename OnRetry>
std::invoke_result_t<Attempt&> retry(asio::any_io_executor executor, RetryPolicy policy, Attempt attempt,
                                     OnRetry on_retry) {
  return retry(std::move(executor), policy, std::move(attempt), std::move(on_retry), RetriableErrors{});
}

}  // namespace kappa::client

#pragma once
// Runs blocking work (fsync, large file operations) on a thread pool and
// resumes the calling coroutine on its own executor, so the event loop
// never blocks.  Exceptions thrown by `fn` propagate to the caller.
//
// GCC 12 destroys a closure temporary of a co_await expression twice (its
// captures are released twice).  So this is a plain function, and callers
// create the awaitable in a statement of its own when `fn` owns anything:
//   auto task = run_blocking(pool, [t] { return t->run(); });
//   auto ec = co_await std::move(task);

#include <type_traits>

#include "kappa/async/asio.h"

namespace kappa {

template <typename Fn>
awaitable<std::invoke_result_t<Fn>> run_blocking(asio::thread_pool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn>;
  return asio::co_spawn(
      pool, [fn = std::move(fn)]() mutable -> awaitable<R> { co_return fn(); }, use_awaitable);
}

}  // namespace kappa

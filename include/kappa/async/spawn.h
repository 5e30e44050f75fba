#pragma once
// co_spawn for fire-and-forget coroutines that logs (instead of silently
// swallowing, as asio::detached would) an exception escaping the coroutine.

#include <string>

#include "kappa/async/asio.h"
#include "kappa/common/log.h"

namespace kappa {

template <typename Executor, typename Awaitable>
void spawn_logged(Executor&& exec, Awaitable&& task, std::string what) {
  asio::co_spawn(std::forward<Executor>(exec), std::forward<Awaitable>(task),
                 [what = std::move(what)](std::exception_ptr e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     logging::get("async")->error("{} failed: {}", what, ex.what());
                   }
                 });
}

}  // namespace kappa

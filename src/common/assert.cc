#include "kappa/common/assert.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace kappa {
namespace {
std::atomic<AssertionHook> g_hook{nullptr};
}  // namespace

void set_assertion_hook(AssertionHook hook) { g_hook.store(hook); }

namespace detail {

void assertion_failed(const char* file, int line, const char* condition, const std::string& message) {
  // stdio rather than the module loggers: it works before logging is set up
  // and nothing is left in an asynchronous buffer when we abort.
  std::fprintf(stderr, "%s:%d: assertion `%s` failed%s%s\n", file, line, condition,
               message.empty() ? "" : ": ", message.c_str());
  std::fflush(stderr);
  if (AssertionHook hook = g_hook.load()) hook();
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail
}  // namespace kappa

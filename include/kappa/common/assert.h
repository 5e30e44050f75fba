#pragma once
// Always-on assertions for broken invariants.  Unlike <cassert> they stay in
// release builds: a consensus or storage invariant that does not hold means
// continuing could corrupt replicated state, so the process stops.
//
//   KAPPA_ASSERT(commit <= last_index);
//   KAPPA_ASSERT(term >= term_, "term went back from {} to {}", term_, term);
//
// On failure: prints "file:line: assertion `cond` failed: message" to stderr,
// runs the assertion hook if one is set (tests use it to print a seed or a
// trace), then calls std::abort().

#include <string>

#include <fmt/format.h>

namespace kappa {

// Extra context printed after a failed assertion, before abort().  Set it from
// one thread before others start (tests, simulations); nullptr clears it.
using AssertionHook = void (*)();
void set_assertion_hook(AssertionHook hook);

namespace detail {
[[noreturn]] void assertion_failed(const char* file, int line, const char* condition,
                                   const std::string& message = {});
}  // namespace detail

}  // namespace kappa

#define KAPPA_ASSERT(cond, ...)                                                                              \
  do {                                                                                                       \
    if (!(cond)) [[unlikely]] {                                                                              \
      ::kappa::detail::assertion_failed(__FILE__, __LINE__, #cond __VA_OPT__(, ::fmt::format(__VA_ARGS__))); \
    }                                                                                                        \
  } while (0)

#pragma once
// Time as the code sees it.  Everything that needs "now" takes a Clock so
// simulations can drive time deterministically.

#include <chrono>
#include <cstdint>

namespace kappa {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (record timestamps, retention).
  virtual int64_t wall_ms() const = 0;
  // Monotonic milliseconds (timeouts, session expiry).
  virtual int64_t monotonic_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t wall_ms() const override;
  int64_t monotonic_ms() const override;
  static SystemClock& instance();
};

// A clock moved by hand; for tests and simulations.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : wall_(start_ms), mono_(0) {}
  int64_t wall_ms() const override { return wall_; }
  int64_t monotonic_ms() const override { return mono_; }
  void advance(int64_t ms) {
    wall_ += ms;
    mono_ += ms;
  }

 private:
  int64_t wall_;
  int64_t mono_;
};

}  // namespace kappa

#pragma once
// The replication simulation's time and randomness: a seeded generator and
// a queue of timed events over a ManualClock.  Events at the same time run
// in the order they were scheduled, so a seed replays exactly.

#include <cstdint>
#include <functional>
#include <queue>
#include <random>
#include <vector>

#include "kappa/common/clock.h"

namespace kappa::replication::sim {

class SimRandom {
 public:
  explicit SimRandom(uint64_t seed) : gen_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  // Uniform in [lo, hi].
  int64_t uniform(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(gen_); }
  double real() { return std::uniform_real_distribution<double>(0, 1)(gen_); }
  bool chance(double p) { return p > 0 && real() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(uniform(0, static_cast<int64_t>(v.size()) - 1))];
  }

 private:
  std::mt19937_64 gen_;
};

class EventQueue {
 public:
  explicit EventQueue(ManualClock& clock) : clock_(clock) {}

  int64_t now() const { return clock_.monotonic_ms(); }
  void at(int64_t time_ms, std::function<void()> fn) {
    events_.push(Event{std::max(time_ms, now()), seq_++, std::move(fn)});
  }
  void after(int64_t delay_ms, std::function<void()> fn) { at(now() + delay_ms, std::move(fn)); }

  // Runs the next event due at or before `until`, moving the clock to it.
  bool step(int64_t until) {
    if (events_.empty() || events_.top().time > until) return false;
    Event e = events_.top();
    events_.pop();
    if (e.time > now()) clock_.advance(e.time - now());
    e.fn();
    ++executed_;
    return true;
  }
  uint64_t executed() const { return executed_; }

 private:
  struct Event {
    int64_t time;
    uint64_t seq;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return a.time != b.time ? a.time > b.time : a.seq > b.seq; }
  };
  ManualClock& clock_;
  std::priority_queue<Event, std::vector<Event>, Later> events_;
  uint64_t seq_ = 0;
  uint64_t executed_ = 0;
};

}  // namespace kappa::replication::sim

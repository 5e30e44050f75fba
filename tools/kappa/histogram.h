#pragma once
// LatencyHistogram: latencies in microseconds in log-linear buckets (64 per
// power of two), so percentiles are within ~1.6% of the true value at any
// scale with a few KiB of memory, however many samples are recorded.
// Not thread-safe.

#include <cstdint>
#include <vector>

namespace kappa::cli {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(uint64_t micros);
  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }
  // The smallest bucket bound with at least `p` (0..1) of the samples at or
  // below it, capped at the maximum seen; 0 when empty.
  uint64_t percentile(double p) const;

 private:
  static size_t index_of(uint64_t v);
  static uint64_t upper_bound_of(size_t index);

  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace kappa::cli

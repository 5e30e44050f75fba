#include "kappa/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace kappa::cli {
namespace {

constexpr int kSubBits = 6;                    // 64 sub-buckets per power of two
constexpr uint64_t kLinear = 2u << kSubBits;   // values below 128 get a bucket each
constexpr size_t kBuckets = kLinear + (64 - kSubBits - 1) * (1u << kSubBits);

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

size_t LatencyHistogram::index_of(uint64_t v) {
  if (v < kLinear) return static_cast<size_t>(v);
  const int msb = 63 - std::countl_zero(v);
  const int shift = msb - kSubBits;  // >= 1
  const uint64_t top = v >> shift;   // in [64, 128)
  return kLinear + static_cast<size_t>(shift - 1) * (1u << kSubBits) + static_cast<size_t>(top - (1u << kSubBits));
}

uint64_t LatencyHistogram::upper_bound_of(size_t index) {
  if (index < kLinear) return index;
  const size_t rel = index - kLinear;
  const int shift = static_cast<int>(rel >> kSubBits) + 1;
  const uint64_t top = (rel & ((1u << kSubBits) - 1)) + (1u << kSubBits);
  return ((top + 1) << shift) - 1;
}

void LatencyHistogram::record(uint64_t micros) {
  ++buckets_[std::min(index_of(micros), kBuckets - 1)];
  ++count_;
  sum_ += micros;
  max_ = std::max(max_, micros);
}

uint64_t LatencyHistogram::percentile(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<uint64_t>(std::max(1.0, std::ceil(p * static_cast<double>(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(upper_bound_of(i), max_);
  }
  return max_;
}

}  // namespace kappa::cli

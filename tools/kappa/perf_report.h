#pragma once
// What `kappa perf produce|consume` measured, and how it is shown: a live
// line each second on a terminal, a final summary, or one JSON document.

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/json.hpp>

#include "kappa/histogram.h"

namespace kappa::cli {

struct PerfStats {
  std::string what;  // "produce" or "consume"
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t errors = 0;
  LatencyHistogram latency;  // produce: send to ack; consume: fetch round trip
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();

  double seconds() const;
  double records_per_second() const;
  double mb_per_second() const;
};

// "\r12000 records, 11987.2 records/s, 11.43 MB/s, p99 2.1 ms" (no newline).
std::string progress_line(const PerfStats& s);
std::string summary_text(const PerfStats& s);
boost::json::object summary_json(const PerfStats& s);

}  // namespace kappa::cli

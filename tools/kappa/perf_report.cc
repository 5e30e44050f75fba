#include "kappa/perf_report.h"

#include <fmt/format.h>

namespace kappa::cli {
namespace {

double ms(uint64_t micros) { return static_cast<double>(micros) / 1000.0; }

}  // namespace

double PerfStats::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double PerfStats::records_per_second() const {
  const double s = seconds();
  return s > 0 ? static_cast<double>(records) / s : 0.0;
}

double PerfStats::mb_per_second() const {
  const double s = seconds();
  return s > 0 ? static_cast<double>(bytes) / (1024.0 * 1024.0) / s : 0.0;
}

std::string progress_line(const PerfStats& s) {
  return fmt::format("\r{} records, {:.1f} records/s, {:.2f} MB/s, p50 {:.2f} ms, p99 {:.2f} ms, max {:.2f} ms\x1b[K",
                     s.records, s.records_per_second(), s.mb_per_second(), ms(s.latency.percentile(0.5)),
                     ms(s.latency.percentile(0.99)), ms(s.latency.max()));
}

std::string summary_text(const PerfStats& s) {
  const char* kind = s.what == "produce" ? "send to ack" : "fetch";
  return fmt::format(
      "{} records {} in {:.2f} s: {:.1f} records/s, {:.2f} MB/s, {} errors\n"
      "latency ({}): avg {:.2f} ms, p50 {:.2f} ms, p95 {:.2f} ms, p99 {:.2f} ms, p99.9 {:.2f} ms, max {:.2f} ms\n",
      s.records, s.what == "produce" ? "produced" : "consumed", s.seconds(), s.records_per_second(),
      s.mb_per_second(), s.errors, kind, s.latency.mean() / 1000.0, ms(s.latency.percentile(0.5)),
      ms(s.latency.percentile(0.95)), ms(s.latency.percentile(0.99)), ms(s.latency.percentile(0.999)),
      ms(s.latency.max()));
}

boost::json::object summary_json(const PerfStats& s) {
  boost::json::object latency{{"avg", s.latency.mean() / 1000.0},
                              {"p50", ms(s.latency.percentile(0.5))},
                              {"p95", ms(s.latency.percentile(0.95))},
                              {"p99", ms(s.latency.percentile(0.99))},
                              {"p99.9", ms(s.latency.percentile(0.999))},
                              {"max", ms(s.latency.max())},
                              {"samples", s.latency.count()}};
  return {{"command", s.what},
          {"records", s.records},
          {"bytes", s.bytes},
          {"errors", s.errors},
          {"elapsed_s", s.seconds()},
          {"records_per_sec", s.records_per_second()},
          {"mb_per_sec", s.mb_per_second()},
          {"latency_ms", latency}};
}

}  // namespace kappa::cli

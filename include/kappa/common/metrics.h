#pragma once
// A small metrics registry rendered in the Prometheus text exposition format.
//
// Families are identified by name; each family has one type and help text,
// and holds one series per label set.  Series references stay valid for the
// registry's lifetime, so hot paths look a series up once and then bump it.
// Collectors add computed series (log sizes, lag) at render time.
// Not thread-safe: used from the broker's event-loop thread only.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kappa::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double by = 1) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class Gauge {
 public:
  void set(double v) { value_ = v; }
  void add(double by) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

// Fixed upper bounds (seconds or any unit), cumulative as Prometheus wants.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  const std::vector<uint64_t>& counts() const { return counts_; }  // per bucket, not cumulative
  double sum() const { return sum_; }
  uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Default latency buckets in seconds: 0.1 ms .. 30 s.
std::vector<double> latency_buckets();

// Receives computed series from collectors.
class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual void gauge(const std::string& name, const std::string& help, const Labels& labels, double value) = 0;
  virtual void counter(const std::string& name, const std::string& help, const Labels& labels, double value) = 0;
};

class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = latency_buckets());
  void add_collector(std::function<void(Emitter&)> collector);
  std::string render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, Type type, const std::string& help);

  std::map<std::string, Family> families_;
  std::vector<std::function<void(Emitter&)>> collectors_;
};

// Escapes a label value for the exposition format (backslash, quote, newline).
std::string escape_label(const std::string& value);
// Escapes HELP text (backslash, newline).
std::string escape_help(const std::string& value);
// Formats a sample value: integers without a fraction, +Inf/-Inf/NaN.
std::string format_value(double v);

// The Content-Type of render()'s output.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace kappa::metrics

#pragma once
// The broker's metric families (names follow Prometheus conventions with a
// kappa_ prefix).  Hot paths hold pointers to series resolved once: a
// request's series are found by (API key, version) in a small table, a
// topic's byte counters by name without building label sets, so steady-state
// requests allocate nothing for metrics.  Computed series (log sizes, lag,
// partition counts) are added at scrape time by collectors
// (admin/broker_collectors.cc).  Event-loop thread only.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kappa/common/metrics.h"

namespace kappa::broker {

class BrokerMetrics {
 public:
  // The series of one (API, version): requests, latency and errors by code.
  struct RequestSeries {
    const char* api = "";
    int16_t version = 0;
    metrics::Counter* requests = nullptr;
    metrics::Histogram* latency = nullptr;
    std::map<int16_t, metrics::Counter*> errors;  // by error code, filled on first occurrence
  };

  BrokerMetrics();

  metrics::Registry& registry() { return registry_; }
  void connection_opened();
  void connection_closed();
  // The series of `api` at `version`, created on first use.
  RequestSeries& request_series(int16_t api_key, const char* api, int16_t version);
  // One finished request, its latency and its top-level error code (0 = none).
  void request_done(RequestSeries& s, double seconds, int16_t error_code);
  // A request the connection refused before a handler ran (malformed,
  // unsupported version): counted as a request with that error.
  void request_failed(RequestSeries& s, int16_t error_code);
  void bytes_in(std::string_view topic, double bytes);
  void bytes_out(std::string_view topic, double bytes);
  // The leader's ISR changes accepted by the controller.
  void isr_shrink() { isr_shrinks_->inc(); }
  void isr_expand() { isr_expands_->inc(); }

 private:
  void count_error(RequestSeries& s, int16_t error_code);
  metrics::Counter& topic_counter(std::map<std::string, metrics::Counter*, std::less<>>& cache, const char* family,
                                  const char* help, std::string_view topic);

  metrics::Registry registry_;
  metrics::Gauge* active_connections_;
  metrics::Counter* connections_total_;
  metrics::Counter* isr_shrinks_;
  metrics::Counter* isr_expands_;
  std::unordered_map<uint32_t, std::unique_ptr<RequestSeries>> requests_;  // key: api_key << 16 | version
  std::map<std::string, metrics::Counter*, std::less<>> bytes_in_;
  std::map<std::string, metrics::Counter*, std::less<>> bytes_out_;
};

}  // namespace kappa::broker

#pragma once
// The broker's metric families (names follow Prometheus conventions with a
// kappa_ prefix).  Hot paths hold references to series; computed series
// (log sizes, lag, partition counts) are added by collectors.

#include <array>
#include <string>

#include "kappa/common/metrics.h"

namespace kappa::broker {

class BrokerMetrics {
 public:
  BrokerMetrics();

  metrics::Registry& registry() { return registry_; }
  void connection_opened();
  void connection_closed();
  // One finished request: API name and version, whether it failed at the
  // connection level, and its latency.
  void request_done(const char* api, int16_t version, double seconds);
  void request_error(const char* api, int16_t version, const std::string& error);
  void bytes_in(const std::string& topic, double bytes);
  void bytes_out(const std::string& topic, double bytes);

 private:
  metrics::Registry registry_;
  metrics::Gauge* active_connections_;
  metrics::Counter* connections_total_;
};

}  // namespace kappa::broker

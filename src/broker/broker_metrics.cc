#include "broker/broker_metrics.h"

namespace kappa::broker {

BrokerMetrics::BrokerMetrics()
    : active_connections_(&registry_.gauge("kappa_active_connections", "Open client connections.")),
      connections_total_(&registry_.counter("kappa_connections_total", "Connections accepted since start.")) {}

void BrokerMetrics::connection_opened() {
  active_connections_->add(1);
  connections_total_->inc();
}

void BrokerMetrics::connection_closed() { active_connections_->add(-1); }

void BrokerMetrics::request_done(const char* api, int16_t version, double seconds) {
  metrics::Labels labels{{"api", api}, {"version", std::to_string(version)}};
  registry_.counter("kappa_requests_total", "Requests handled, by API and version.", labels).inc();
  registry_.histogram("kappa_request_latency_seconds", "Request latency, by API.", {{"api", api}}).observe(seconds);
}

void BrokerMetrics::request_error(const char* api, int16_t version, const std::string& error) {
  registry_
      .counter("kappa_request_errors_total", "Responses carrying an error code, by API, version and error.",
               {{"api", api}, {"version", std::to_string(version)}, {"error", error}})
      .inc();
}

void BrokerMetrics::bytes_in(const std::string& topic, double bytes) {
  registry_.counter("kappa_topic_bytes_in_total", "Record bytes appended, by topic.", {{"topic", topic}}).inc(bytes);
}

void BrokerMetrics::bytes_out(const std::string& topic, double bytes) {
  registry_.counter("kappa_topic_bytes_out_total", "Record bytes fetched, by topic.", {{"topic", topic}}).inc(bytes);
}

}  // namespace kappa::broker

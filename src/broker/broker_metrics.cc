#include "broker/broker_metrics.h"

#include "kappa/protocol/error_code.h"

namespace kappa::broker {

BrokerMetrics::BrokerMetrics()
    : active_connections_(&registry_.gauge("kappa_active_connections", "Open client and controller connections.")),
      connections_total_(&registry_.counter("kappa_connections_total", "Connections accepted since start.")),
      isr_shrinks_(&registry_.counter("kappa_isr_shrinks_total",
                                      "ISR shrinks of partitions led here, accepted by the controller.")),
      isr_expands_(&registry_.counter("kappa_isr_expands_total",
                                      "ISR expansions of partitions led here, accepted by the controller.")) {}

void BrokerMetrics::connection_opened() {
  active_connections_->add(1);
  connections_total_->inc();
}

void BrokerMetrics::connection_closed() { active_connections_->add(-1); }

BrokerMetrics::RequestSeries& BrokerMetrics::request_series(int16_t api_key, const char* api, int16_t version) {
  const uint32_t key = (static_cast<uint32_t>(static_cast<uint16_t>(api_key)) << 16) | static_cast<uint16_t>(version);
  auto it = requests_.find(key);
  if (it != requests_.end()) return *it->second;
  auto s = std::make_unique<RequestSeries>();
  s->api = api;
  s->version = version;
  s->requests = &registry_.counter("kappa_requests_total", "Requests handled, by API and version.",
                                   {{"api", api}, {"version", std::to_string(version)}});
  s->latency = &registry_.histogram("kappa_request_latency_seconds",
                                    "Time from reading a request to queueing its response, by API.", {{"api", api}});
  return *requests_.emplace(key, std::move(s)).first->second;
}

void BrokerMetrics::count_error(RequestSeries& s, int16_t error_code) {
  auto& slot = s.errors[error_code];
  if (!slot) {
    slot = &registry_.counter(
        "kappa_request_errors_total", "Requests answered with a top-level error or refused, by API, version and error.",
        {{"api", s.api}, {"version", std::to_string(s.version)}, {"error", std::string(protocol::error_name(error_code))}});
  }
  slot->inc();
}

void BrokerMetrics::request_done(RequestSeries& s, double seconds, int16_t error_code) {
  s.requests->inc();
  s.latency->observe(seconds);
  if (error_code != 0) count_error(s, error_code);
}

void BrokerMetrics::request_failed(RequestSeries& s, int16_t error_code) {
  s.requests->inc();
  count_error(s, error_code);
}

metrics::Counter& BrokerMetrics::topic_counter(std::map<std::string, metrics::Counter*, std::less<>>& cache,
                                               const char* family, const char* help, std::string_view topic) {
  auto it = cache.find(topic);
  if (it != cache.end()) return *it->second;
  auto& c = registry_.counter(family, help, {{"topic", std::string(topic)}});
  cache.emplace(std::string(topic), &c);
  return c;
}

void BrokerMetrics::bytes_in(std::string_view topic, double bytes) {
  topic_counter(bytes_in_, "kappa_topic_bytes_in_total", "Record bytes appended by producers, by topic.", topic)
      .inc(bytes);
}

void BrokerMetrics::bytes_out(std::string_view topic, double bytes) {
  topic_counter(bytes_out_, "kappa_topic_bytes_out_total", "Record bytes returned to fetchers, by topic.", topic)
      .inc(bytes);
}

}  // namespace kappa::broker

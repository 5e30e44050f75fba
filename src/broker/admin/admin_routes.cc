#include "broker/admin/admin_routes.h"

#include "broker/admin/cluster_json.h"
#include "broker/admin/health.h"
#include "broker/broker.h"

namespace kappa::broker {

AdminResponse route_admin_request(Broker& broker, std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  AdminResponse r;
  const bool known = path == "/metrics" || path == "/health" || path == "/v1/cluster";
  if (!known) {
    r.status = 404;
    r.body = "not found; try /metrics, /health or /v1/cluster\n";
    return r;
  }
  if (method != "GET") {
    r.status = 405;
    r.allow = "GET";
    r.body = "method not allowed\n";
    return r;
  }
  if (path == "/metrics") {
    r.content_type = metrics::kContentType;
    r.body = broker.metrics().registry().render();
  } else if (path == "/health") {
    auto health = check_health(broker);
    r.status = health.ready() ? 200 : 503;
    r.body = health.text();
  } else {
    r.content_type = "application/json";
    r.body = cluster_json(broker);
  }
  return r;
}

}  // namespace kappa::broker

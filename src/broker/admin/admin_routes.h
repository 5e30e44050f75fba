#pragma once
// The admin endpoints, independent of HTTP plumbing:
//   GET /metrics      Prometheus text exposition format 0.0.4
//   GET /health       200 "ready" or 503 with the reasons (see health.h)
//   GET /v1/cluster   JSON view of the cluster (see cluster_json.h)
// Any other path is 404; another method on a known path is 405.

#include <string>
#include <string_view>

namespace kappa::broker {

class Broker;

struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;  // the Allow header of a 405
};

// `method` is the request method as sent ("GET", ...); `target` the request
// target (a query string is ignored).
AdminResponse route_admin_request(Broker& broker, std::string_view method, std::string_view target);

}  // namespace kappa::broker

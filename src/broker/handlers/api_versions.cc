// ApiVersions: every API this listener serves, with the version range of its
// schema (Produce starts at 0 for librdkafka's feature checks).
#include <regex>

#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/api_versions.h"

namespace kappa::broker {
namespace {

// Kafka's rule for ClientSoftwareName/Version (KIP-511).
bool valid_software_field(const std::string& s) {
  static const std::regex re("[a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?");
  return std::regex_match(s, re);
}

}  // namespace

awaitable<protocol::ApiVersionsResponse> handle_api_versions(RequestContext& ctx,
                                                             protocol::ApiVersionsRequest& req) {
  protocol::ApiVersionsResponse resp;
  if (ctx.version() >= 3 &&
      (!valid_software_field(req.client_software_name) || !valid_software_field(req.client_software_version))) {
    resp.error_code = protocol::code_of(protocol::ErrorCode::kInvalidRequest);
  }
  for (const ApiHandler* h : api_registry().served(ctx.listener)) {
    protocol::ApiVersionsResponse::ApiVersion v;
    v.api_key = static_cast<int16_t>(h->spec->key);
    v.min_version = h->spec->advertised_min;
    v.max_version = h->spec->advertised_max;
    resp.api_keys.push_back(v);
  }
  co_return resp;
}

}  // namespace kappa::broker

#pragma once
// Helpers shared by the group handlers (JoinGroup ... ConsumerGroupDescribe).

#include <string>

#include "broker/request_context.h"

namespace kappa::broker {

// Kafka's clientHost: "/" + the client's address (no port).
inline std::string client_host(const RequestContext& ctx) {
  const std::string& peer = ctx.peer;
  const auto colon = peer.rfind(':');
  return "/" + (colon == std::string::npos ? peer : peer.substr(0, colon));
}

inline std::string client_id(const RequestContext& ctx) { return ctx.header.client_id.value_or(""); }

}  // namespace kappa::broker

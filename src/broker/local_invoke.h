#pragma once
// Runs a request through this node's own handler table, as if it had
// arrived on `listener` — used when this node is itself the target of a
// controller request (registration, heartbeat, forwarded change), so the
// local path and the network path share every line of validation.

#include <optional>
#include <string>

#include "broker/api_registry.h"
#include "broker/broker.h"
#include "kappa/protocol/header.h"

namespace kappa::broker {

// Encodes `req` at `version`, runs the handler, decodes the response.
// nullopt when no handler serves the API on `listener` or the version is
// outside its range.
template <typename Req, typename Resp>
awaitable<std::optional<Resp>> invoke_locally(Broker& broker, const Req& req, int16_t version,
                                              protocol::Listener listener) {
  const ApiHandler* handler = api_registry().find(static_cast<int16_t>(Req::kApiKey), listener);
  if (!handler || !handler->spec->supports(version)) co_return std::nullopt;
  protocol::Writer body;
  req.encode(body, version);
  auto frame = std::make_shared<std::vector<uint8_t>>(std::move(body.buffer()));
  protocol::RequestHeader header{static_cast<int16_t>(Req::kApiKey), version, 0, std::string("local")};
  static const std::string peer = "local";
  static const std::string name = "local";
  RequestContext ctx{broker, header, peer, listener, name, frame};
  protocol::Reader reader(std::span<const uint8_t>(frame->data(), frame->size()), frame);
  protocol::Writer out;
  co_await handler->invoke(ctx, reader, out);
  Resp resp;
  protocol::Reader response_reader(out.buffer());
  resp.decode(response_reader, version);
  co_return resp;
}

}  // namespace kappa::broker

#pragma once
// The handler table.  A handler is a coroutine `awaitable<Resp>(RequestContext&, Req&)`;
// registering it with add<Req, Resp, fn>() adds the shared machinery once:
// decoding the request at the header's version, encoding the response at the
// same version.  Only registered APIs are advertised in ApiVersions, with the
// version range from their generated schema — nothing is kept in sync by hand.

#include <cstdint>
#include <vector>

#include "broker/asio.h"
#include "broker/request_context.h"
#include "kappa/protocol/api_table.h"
#include "kappa/protocol/wire.h"

namespace kappa::broker {

struct ApiHandler {
  const protocol::ApiSpec* spec = nullptr;
  uint8_t listeners = protocol::kListenerBroker;
  awaitable<void> (*invoke)(RequestContext&, protocol::Reader&, protocol::Writer&) = nullptr;
  // Metadata changes: when this node is not the active controller the
  // request is forwarded there (KappaForward) instead of being handled.
  bool forward_to_controller = false;
};

// Whether this node handles controller-bound requests itself.
bool is_active_controller(RequestContext& ctx);
// Forwards the undecoded request body to the active controller and writes
// its response body, once this node's metadata includes the change.  False
// when no controller could be reached: the caller then handles the request
// locally, which answers NOT_CONTROLLER (retriable) per item.
awaitable<bool> forward_to_controller(RequestContext& ctx, std::span<const uint8_t> body, protocol::Writer& w);

namespace detail {
template <typename Req, typename Resp, awaitable<Resp> (*Fn)(RequestContext&, Req&), bool Forward>
awaitable<void> invoke(RequestContext& ctx, protocol::Reader& r, protocol::Writer& w) {
  if constexpr (Forward) {
    if (!is_active_controller(ctx)) {
      auto body = r.rest();
      if (co_await forward_to_controller(ctx, body, w)) co_return;
      r = protocol::Reader(body, ctx.frame);
    }
  }
  Req request;
  request.decode(r, ctx.version());
  Resp response = co_await Fn(ctx, request);
  if constexpr (requires { response.error_code; }) ctx.error_code = response.error_code;
  if (!ctx.suppress_response) response.encode(w, ctx.version());
}
}  // namespace detail

class ApiRegistry {
 public:
  template <typename Req, typename Resp, awaitable<Resp> (*Fn)(RequestContext&, Req&)>
  void add(uint8_t listeners = protocol::kListenerBroker) {
    handlers_.push_back(
        ApiHandler{&protocol::api_spec(Req::kApiKey), listeners, &detail::invoke<Req, Resp, Fn, false>, false});
  }
  // A metadata change that only the active controller may carry out.
  template <typename Req, typename Resp, awaitable<Resp> (*Fn)(RequestContext&, Req&)>
  void add_forwarded() {
    handlers_.push_back(ApiHandler{&protocol::api_spec(Req::kApiKey), protocol::kListenerBroker,
                                   &detail::invoke<Req, Resp, Fn, true>, true});
  }

  // nullptr when the API is not served on this kind of listener.
  const ApiHandler* find(int16_t api_key, protocol::Listener listener) const;
  // Everything served on `listener`, ordered by API key.
  std::vector<const ApiHandler*> served(protocol::Listener listener) const;

 private:
  std::vector<ApiHandler> handlers_;
};

// The registry with every handler of the broker.
const ApiRegistry& api_registry();

}  // namespace kappa::broker

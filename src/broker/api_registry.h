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
};

namespace detail {
template <typename Req, typename Resp, awaitable<Resp> (*Fn)(RequestContext&, Req&)>
awaitable<void> invoke(RequestContext& ctx, protocol::Reader& r, protocol::Writer& w) {
  Req request;
  request.decode(r, ctx.version());
  Resp response = co_await Fn(ctx, request);
  if (!ctx.suppress_response) response.encode(w, ctx.version());
}
}  // namespace detail

class ApiRegistry {
 public:
  template <typename Req, typename Resp, awaitable<Resp> (*Fn)(RequestContext&, Req&)>
  void add(uint8_t listeners = protocol::kListenerBroker) {
    handlers_.push_back(ApiHandler{&protocol::api_spec(Req::kApiKey), listeners, &detail::invoke<Req, Resp, Fn>});
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

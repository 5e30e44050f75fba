#pragma once
// Connection: one TCP connection to one broker, speaking Kafka's protocol
// with the generated message structs (kappa/protocol/msg/*.h).
//
//   BrokerAddress address{"127.0.0.1", 9092};
//   auto conn = co_await Connection::connect(ex, address);
//   if (!conn) co_return conn.error();
//   auto md = co_await (*conn)->send<MetadataRequest, MetadataResponse>(req);
//
// GCC 12 caveat for every coroutine API here: do not pass a brace-initialized
// aggregate temporary (`f({"a", 1})`, `f(Agg{...})`) or a capturing lambda
// inside a co_await expression — GCC 12 destroys it twice. Name it first. Braced lists inside
// coroutine lambdas do not compile at all ("array used as initializer").
//
// Contract:
// - connect() resolves, connects (connect_timeout) and, unless disabled,
//   negotiates versions with ApiVersions: it opens with the highest
//   ApiVersions version the codec knows; a broker that does not know it
//   answers with a v0-format UNSUPPORTED_VERSION body listing its own range,
//   and the handshake is retried once at the highest common version.
// - send() picks, per API, the highest version both sides support (or uses
//   the explicit `version`, which must be inside both ranges — the broker
//   would close the connection otherwise), assigns the next correlation id,
//   and pipelines: any number of requests may be in flight; they are written
//   in call order and responses are matched in that order (Kafka answers in
//   order; a mismatching correlation id closes the connection).
// - Every request has a timeout (0 = options.request_timeout). When it
//   expires the connection is closed — a late response could no longer be
//   matched — and every pending request fails: the expired one with
//   TIMED_OUT, the others with DISCONNECTED; both messages name the broker
//   and the request. A broken or closed socket fails everything pending with
//   DISCONNECTED. Nothing waits forever.
// - send_without_response() is for requests the broker never answers
//   (Produce with acks=0): it completes once the bytes are written.
// - Failures are values (Result); the only exceptions are programming
//   errors (e.g. encoding a field the chosen version cannot carry).
//
// Thread-safety and lifetime: not thread-safe. Create and use a Connection
// only from the thread running its executor (a single-threaded io_context or
// a strand). Destroying it (or close()) closes the socket and fails what is
// pending with CLOSED; in-flight send() coroutines may outlive the object.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/client/broker_address.h"
#include "kappa/client/broker_versions.h"
#include "kappa/client/result.h"
#include "kappa/protocol/frame_bytes.h"
#include "kappa/protocol/wire.h"

namespace kappa::client {

struct ConnectionOptions {
  std::string client_id = "kappa";
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{30'000};
  // Off: no ApiVersions on connect; send() then uses the codec's maximum.
  bool negotiate_versions = true;
  // Larger response frames are treated as a protocol error.
  size_t max_response_bytes = size_t{512} << 20;
};

namespace detail {
class ConnectionCore;

// A response body and the frame it lives in (decoded records point into it).
struct ResponseFrame {
  std::shared_ptr<const protocol::FrameBytes> frame;
  size_t body_offset = 0;
};

// A request frame with its header written (correlation id patched later).
std::shared_ptr<protocol::Writer> begin_request(protocol::ApiKey key, int16_t version, const std::string& client_id);
// Decodes a body with `decode`, mapping DecodeError to MALFORMED_RESPONSE.
template <typename Resp>
Result<Resp> decode_response(const ResponseFrame& frame, int16_t version, const std::string& broker);
}  // namespace detail

class Connection {
 public:
  static awaitable<Result<std::shared_ptr<Connection>>> connect(asio::any_io_executor executor, BrokerAddress address,
                                                                ConnectionOptions options);
  // (Not a default argument: GCC 12 double-destroys defaulted class-type
  // parameters of coroutines.)
  static awaitable<Result<std::shared_ptr<Connection>>> connect(asio::any_io_executor executor, BrokerAddress address) {
    return connect(std::move(executor), std::move(address), ConnectionOptions{});
  }
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  template <typename Req, typename Resp>
  awaitable<Result<Resp>> send(const Req& request, int16_t version = kAutoVersion,
                               std::chrono::milliseconds timeout = {});

  template <typename Req>
  awaitable<Result<void>> send_without_response(const Req& request, int16_t version = kAutoVersion,
                                                std::chrono::milliseconds timeout = {});

  // The version send() would use: `version` itself if both sides support
  // it, the negotiated one for kAutoVersion; else UNSUPPORTED_VERSION.
  Result<int16_t> choose_version(protocol::ApiKey key, int16_t version = kAutoVersion) const;
  const BrokerVersions& versions() const { return versions_; }
  bool supports(protocol::ApiKey key) const { return versions_.supports(key); }

  // Fails everything pending with CLOSED and closes the socket. Idempotent.
  void close();
  bool is_open() const;
  // Why the connection closed; nullopt while open.
  std::optional<Error> close_reason() const;
  // Requests written or queued and not yet answered.
  size_t in_flight() const;
  const std::string& broker() const { return broker_; }
  const BrokerAddress& address() const { return address_; }
  const ConnectionOptions& options() const { return options_; }

 private:
  Connection(std::shared_ptr<detail::ConnectionCore> core, BrokerAddress address, ConnectionOptions options);
  awaitable<Result<void>> handshake();
  awaitable<Result<detail::ResponseFrame>> round_trip(std::shared_ptr<protocol::Writer> frame, protocol::ApiKey key,
                                                      int16_t version, bool expect_response,
                                                      std::chrono::milliseconds timeout);

  std::shared_ptr<detail::ConnectionCore> core_;
  BrokerAddress address_;
  std::string broker_;
  ConnectionOptions options_;
  BrokerVersions versions_;
};

template <typename Req, typename Resp>
awaitable<Result<Resp>> Connection::send(const Req& request, int16_t version, std::chrono::milliseconds timeout) {
  static_assert(Req::kApiKey == Resp::kApiKey, "request and response of different APIs");
  auto v = choose_version(Req::kApiKey, version);
  if (!v) co_return v.error();
  auto frame = detail::begin_request(Req::kApiKey, *v, options_.client_id);
  request.encode(*frame, *v);
  std::string broker = broker_;
  auto response = co_await round_trip(std::move(frame), Req::kApiKey, *v, true, timeout);
  if (!response) co_return response.error();
  co_return detail::decode_response<Resp>(*response, *v, broker);
}

template <typename Req>
awaitable<Result<void>> Connection::send_without_response(const Req& request, int16_t version,
                                                          std::chrono::milliseconds timeout) {
  auto v = choose_version(Req::kApiKey, version);
  if (!v) co_return v.error();
  auto frame = detail::begin_request(Req::kApiKey, *v, options_.client_id);
  request.encode(*frame, *v);
  auto written = co_await round_trip(std::move(frame), Req::kApiKey, *v, false, timeout);
  if (!written) co_return written.error();
  co_return ok();
}

namespace detail {
Error malformed_response(const std::string& broker, protocol::ApiKey key, int16_t version, const char* what);

template <typename Resp>
Result<Resp> decode_response(const ResponseFrame& frame, int16_t version, const std::string& broker) {
  Resp out;
  try {
    std::span<const uint8_t> body(frame.frame->data() + frame.body_offset, frame.frame->size() - frame.body_offset);
    protocol::Reader reader(body, frame.frame);
    out.decode(reader, version);
  } catch (const protocol::DecodeError& e) {
    return malformed_response(broker, Resp::kApiKey, version, e.what());
  }
  return out;
}
}  // namespace detail

}  // namespace kappa::client

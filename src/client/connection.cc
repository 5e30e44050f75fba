#include "kappa/client/connection.h"

#include <fmt/format.h>

#include "client/connection_core.h"
#include "kappa/protocol/api_table.h"
#include "kappa/protocol/header.h"
#include "kappa/protocol/msg/api_versions.h"

namespace kappa::client {
namespace {

using namespace asio::experimental::awaitable_operators;
using protocol::ApiKey;

// KIP-511 software name/version (must match [a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?).
constexpr const char* kSoftwareName = "kappa-client";
constexpr const char* kSoftwareVersion = "0.1.0";

std::string range_text(const std::optional<VersionRange>& r) {
  return r ? fmt::format("{}-{}", r->min, r->max) : "none";
}

}  // namespace

namespace detail {
std::shared_ptr<protocol::Writer> begin_request(ApiKey key, int16_t version, const std::string& client_id) {
  auto w = std::make_shared<protocol::Writer>();
  w->buffer().reserve(256);  // also keeps GCC 12's -Wstringop-overflow quiet
  w->i32(0);                 // frame length, patched when queued
  protocol::RequestHeader header{static_cast<int16_t>(key), version, 0, client_id};
  protocol::encode_request_header(*w, header, protocol::api_spec(key).request_header_version(version));
  return w;
}
}  // namespace detail

Connection::Connection(std::shared_ptr<detail::ConnectionCore> core, BrokerAddress address, ConnectionOptions options)
    : core_(std::move(core)),
      address_(std::move(address)),
      broker_(address_.to_string()),
      options_(std::move(options)) {}

Connection::~Connection() { close(); }

awaitable<Result<std::shared_ptr<Connection>>> Connection::connect(asio::any_io_executor executor,
                                                                   BrokerAddress address, ConnectionOptions options) {
  const std::string broker = address.to_string();
  asio::steady_timer timer(executor);
  timer.expires_after(options.connect_timeout);
  auto timed_out = [&] {
    return client_error(ClientErrc::kConnectFailed, broker,
                        fmt::format("cannot connect: timed out after {} ms", options.connect_timeout.count()));
  };
  tcp::resolver resolver(executor);
  auto resolved = co_await (resolver.async_resolve(address.host, std::to_string(address.port), use_tuple) ||
                            timer.async_wait(use_tuple));
  if (resolved.index() == 1) co_return timed_out();
  auto [rec, endpoints] = std::get<0>(std::move(resolved));
  if (rec) co_return client_error(ClientErrc::kConnectFailed, broker, fmt::format("cannot resolve: {}", rec.message()));
  tcp::socket socket(executor);
  auto connected = co_await (asio::async_connect(socket, endpoints, use_tuple) || timer.async_wait(use_tuple));
  if (connected.index() == 1) co_return timed_out();
  auto [cec, endpoint] = std::get<0>(connected);
  if (cec) co_return client_error(ClientErrc::kConnectFailed, broker, fmt::format("cannot connect: {}", cec.message()));
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);

  auto core = std::make_shared<detail::ConnectionCore>(std::move(socket), broker, options.max_response_bytes);
  core->start();
  const bool negotiate = options.negotiate_versions;
  std::shared_ptr<Connection> conn(new Connection(std::move(core), std::move(address), std::move(options)));
  if (negotiate) {
    auto r = co_await conn->handshake();
    if (!r) co_return r.error();
  }
  co_return conn;
}

awaitable<Result<void>> Connection::handshake() {
  const auto& spec = protocol::api_spec(ApiKey::kApiVersions);
  int16_t version = spec.max_version;
  for (int attempt = 0; attempt < 3; ++attempt) {
    protocol::ApiVersionsRequest request;
    request.client_software_name = kSoftwareName;
    request.client_software_version = kSoftwareVersion;
    auto frame = detail::begin_request(ApiKey::kApiVersions, version, options_.client_id);
    request.encode(*frame, version);
    auto response = co_await round_trip(std::move(frame), ApiKey::kApiVersions, version, true, {});
    if (!response) co_return response.error();
    const auto& bytes = *response->frame;
    if (bytes.size() < response->body_offset + 2) {
      co_return detail::malformed_response(broker_, ApiKey::kApiVersions, version, "no error code");
    }
    const auto code = static_cast<int16_t>((bytes[response->body_offset] << 8) | bytes[response->body_offset + 1]);
    if (code == protocol::code_of(protocol::ErrorCode::kUnsupportedVersion)) {
      // KIP-511: a v0 body listing the broker's ApiVersions range.
      auto v0 = detail::decode_response<protocol::ApiVersionsResponse>(*response, 0, broker_);
      if (!v0) co_return v0.error();
      std::optional<int16_t> theirs;
      for (const auto& k : v0->api_keys) {
        if (k.api_key == static_cast<int16_t>(ApiKey::kApiVersions)) theirs = k.max_version;
      }
      if (!theirs || *theirs >= version || *theirs < spec.min_version) {
        co_return client_error(ClientErrc::kUnsupportedVersion, broker_,
                               fmt::format("ApiVersions v{} rejected and the broker offers no usable version", version));
      }
      version = std::min(*theirs, spec.max_version);
      continue;
    }
    auto parsed = detail::decode_response<protocol::ApiVersionsResponse>(*response, version, broker_);
    if (!parsed) co_return parsed.error();
    if (parsed->error_code != 0) co_return kafka_error(parsed->error_code, broker_, "ApiVersions failed");
    versions_ = BrokerVersions(*parsed);
    co_return ok();
  }
  co_return client_error(ClientErrc::kUnsupportedVersion, broker_, "ApiVersions negotiation did not converge");
}

Result<int16_t> Connection::choose_version(ApiKey key, int16_t version) const {
  const auto* spec = protocol::find_api(static_cast<int16_t>(key));
  const char* name = spec ? spec->name : "unknown API";
  if (version == kAutoVersion) {
    if (auto v = versions_.pick(key)) return *v;
    return client_error(ClientErrc::kUnsupportedVersion, broker_,
                        fmt::format("no common version of {} (broker {}, client {}-{})", name,
                                    range_text(versions_.range(key)), spec ? spec->min_version : 0,
                                    spec ? spec->max_version : -1));
  }
  if (!spec || !spec->supports(version)) {
    return client_error(ClientErrc::kInvalidArgument, broker_, fmt::format("the client cannot encode {} v{}", name, version));
  }
  if (!versions_.allows(key, version)) {
    return client_error(ClientErrc::kUnsupportedVersion, broker_,
                        fmt::format("{} v{} is not supported by the broker (it supports {})", name, version,
                                    range_text(versions_.range(key))));
  }
  return version;
}

awaitable<Result<detail::ResponseFrame>> Connection::round_trip(std::shared_ptr<protocol::Writer> frame, ApiKey key,
                                                                int16_t version, bool expect_response,
                                                                std::chrono::milliseconds timeout) {
  auto core = core_;  // the Connection may be destroyed while we wait
  if (timeout.count() <= 0) timeout = options_.request_timeout;
  co_return co_await core->call(std::move(frame), key, version, expect_response, timeout);
}

void Connection::close() {
  core_->close(client_error(ClientErrc::kClosed, broker_, "connection closed by the client"));
}

bool Connection::is_open() const { return core_->is_open(); }

std::optional<Error> Connection::close_reason() const { return core_->close_reason(); }

size_t Connection::in_flight() const { return core_->in_flight(); }

}  // namespace kappa::client

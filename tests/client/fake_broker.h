#pragma once
// FakeBroker: a tiny in-process Kafka server for client tests, on the
// test's io_context. It answers ApiVersions itself (with the ranges in
// `api_ranges`, replying in Kafka's v0 UNSUPPORTED_VERSION format to
// versions above `api_versions_max`) and hands every other request to
// `handler`, whose reply says what to send: a body, nothing, a close, or a
// frame with a wrong correlation id. With `batch` > 1 it reads that many
// requests before answering any (proves the client pipelines).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/client/broker_address.h"
#include "kappa/protocol/header.h"
#include "kappa/protocol/wire.h"

// gtest's ASSERT_* return from the function; coroutines must co_return.
#define CO_ASSERT_TRUE(cond)                                  \
  if (!(cond)) {                                              \
    ADD_FAILURE() << "assertion failed: " #cond;              \
    co_return;                                                \
  }
#define CO_ASSERT_FALSE(cond) CO_ASSERT_TRUE(!(cond))
#define CO_ASSERT_EQ(a, b) CO_ASSERT_TRUE((a) == (b))
#define CO_ASSERT_GE(a, b) CO_ASSERT_TRUE((a) >= (b))

namespace kappa::client::testing {

struct FakeRequest {
  protocol::RequestHeader header;
  std::vector<uint8_t> body;  // after the header
  // Decodes the body as `Req` at the request's version.
  template <typename Req>
  Req decode() const {
    protocol::Reader r(body);
    Req req;
    req.decode(r, header.api_version);
    return req;
  }
};

struct FakeReply {
  enum class Kind { kRespond, kNoResponse, kClose, kWrongCorrelationId };
  Kind kind = Kind::kRespond;
  std::vector<uint8_t> body;

  template <typename Resp>
  static FakeReply with(const Resp& response, int16_t version) {
    protocol::Writer w;
    response.encode(w, version);
    return {Kind::kRespond, w.flatten()};
  }
  static FakeReply none() { return {Kind::kNoResponse, {}}; }
  static FakeReply close() { return {Kind::kClose, {}}; }
};

class FakeBroker {
 public:
  explicit FakeBroker(asio::io_context& io);
  ~FakeBroker();

  BrokerAddress address() const { return {"127.0.0.1", port_}; }
  uint16_t port() const { return port_; }
  // Stops accepting and closes every connection.
  void stop();

  // Advertised ranges by API key; defaults to every API the codec knows.
  std::map<int16_t, std::pair<int16_t, int16_t>> api_ranges;
  int16_t api_versions_max = 4;
  bool answer_api_versions = true;
  size_t batch = 1;
  std::function<FakeReply(const FakeRequest&)> handler = [](const FakeRequest&) { return FakeReply::none(); };
  std::vector<FakeRequest> requests;  // every request received, in order
  int connections = 0;

 private:
  awaitable<void> accept_loop();
  awaitable<void> serve(std::shared_ptr<tcp::socket> socket);
  FakeReply api_versions_reply(const FakeRequest& req) const;

  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::vector<std::weak_ptr<tcp::socket>> sockets_;
};

// Runs `make()` (an awaitable<void>) on `io` until it finishes; fails the
// test if it does not within `limit`. Rethrows its exception.
void run_on(asio::io_context& io, std::function<awaitable<void>()> make,
            std::chrono::milliseconds limit = std::chrono::seconds(30));

}  // namespace kappa::client::testing

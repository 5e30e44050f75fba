#include "client/fake_broker.h"

#include <gtest/gtest.h>

#include "kappa/protocol/api_table.h"
#include "kappa/protocol/error_code.h"
#include "kappa/protocol/msg/api_versions.h"

namespace kappa::client::testing {
namespace {

std::vector<uint8_t> frame_of(int32_t correlation_id, int16_t header_version, const std::vector<uint8_t>& body) {
  protocol::Writer w;
  w.i32(0);
  protocol::encode_response_header(w, correlation_id, header_version);
  w.append(body.data(), body.size());
  w.patch_i32(0, static_cast<int32_t>(w.size() - 4));
  return w.flatten();
}

}  // namespace

FakeBroker::FakeBroker(asio::io_context& io) : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
  port_ = acceptor_.local_endpoint().port();
  for (const auto& spec : protocol::all_api_specs()) {
    api_ranges[static_cast<int16_t>(spec.key)] = {spec.min_version, spec.max_version};
  }
  asio::co_spawn(io, accept_loop(), asio::detached);
}

FakeBroker::~FakeBroker() { stop(); }

void FakeBroker::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  for (auto& weak : sockets_) {
    if (auto s = weak.lock()) s->close(ignored);
  }
}

awaitable<void> FakeBroker::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(use_tuple);
    if (ec) co_return;
    ++connections;
    auto s = std::make_shared<tcp::socket>(std::move(socket));
    sockets_.push_back(s);
    asio::co_spawn(acceptor_.get_executor(), serve(s), asio::detached);
  }
}

FakeReply FakeBroker::api_versions_reply(const FakeRequest& req) const {
  protocol::ApiVersionsResponse resp;
  int16_t version = req.header.api_version;
  if (version > api_versions_max) {
    resp.error_code = protocol::code_of(protocol::ErrorCode::kUnsupportedVersion);
    resp.api_keys.push_back({static_cast<int16_t>(protocol::ApiKey::kApiVersions), 0, api_versions_max});
    return FakeReply::with(resp, 0);
  }
  for (const auto& [key, range] : api_ranges) {
    int16_t max = key == static_cast<int16_t>(protocol::ApiKey::kApiVersions) ? api_versions_max : range.second;
    resp.api_keys.push_back({key, range.first, max});
  }
  return FakeReply::with(resp, version);
}

awaitable<void> FakeBroker::serve(std::shared_ptr<tcp::socket> socket) {
  std::vector<std::pair<FakeRequest, FakeReply>> held;
  while (true) {
    uint8_t size_buf[4];
    auto [ec, n] = co_await asio::async_read(*socket, asio::buffer(size_buf), use_tuple);
    if (ec) co_return;
    const uint32_t size = (uint32_t{size_buf[0]} << 24) | (uint32_t{size_buf[1]} << 16) |
                          (uint32_t{size_buf[2]} << 8) | size_buf[3];
    std::vector<uint8_t> frame(size);
    auto [ec2, n2] = co_await asio::async_read(*socket, asio::buffer(frame), use_tuple);
    if (ec2) co_return;
    protocol::Reader r(frame);
    FakeRequest req;
    req.header = protocol::decode_request_header_prefix(r);
    const auto* spec = protocol::find_api(req.header.api_key);
    if (spec && spec->is_flexible(req.header.api_version)) protocol::skip_header_tags(r);
    auto rest = r.rest();
    req.body.assign(rest.begin(), rest.end());
    requests.push_back(req);
    const bool is_api_versions = req.header.api_key == static_cast<int16_t>(protocol::ApiKey::kApiVersions);
    FakeReply reply;
    if (is_api_versions) {
      reply = answer_api_versions ? api_versions_reply(req) : FakeReply::none();
    } else {
      reply = handler(req);
    }
    held.emplace_back(std::move(req), std::move(reply));
    if (!is_api_versions && held.size() < batch) continue;
    for (auto& [request, answer] : held) {
      const auto& h = request.header;
      int16_t header_version = spec ? spec->response_header_version(h.api_version) : 0;
      switch (answer.kind) {
        case FakeReply::Kind::kNoResponse: continue;
        case FakeReply::Kind::kClose: {
          boost::system::error_code ignored;
          socket->close(ignored);
          co_return;
        }
        case FakeReply::Kind::kRespond:
        case FakeReply::Kind::kWrongCorrelationId: {
          int32_t id = answer.kind == FakeReply::Kind::kRespond ? h.correlation_id : h.correlation_id + 1000;
          auto out = frame_of(id, header_version, answer.body);
          auto [wec, wn] = co_await asio::async_write(*socket, asio::buffer(out), use_tuple);
          if (wec) co_return;
        }
      }
    }
    held.clear();
  }
}

void run_on(asio::io_context& io, std::function<awaitable<void>()> make, std::chrono::milliseconds limit) {
  bool done = false;
  std::exception_ptr error;
  asio::co_spawn(io, make(), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) io.run_one_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(done) << "the test coroutine did not finish within " << limit.count() << " ms";
  if (error) std::rethrow_exception(error);
}

}  // namespace kappa::client::testing

#pragma once
// ConnectionCore: the socket side of a client Connection. Three coroutines
// share it: the writer sends queued request frames in order (several per
// gathered write), the reader matches each response frame to the oldest
// request still waiting for one, and the watchdog closes the connection when
// the earliest deadline passes. Requests are completed through a one-slot
// channel each, so a waiting caller wakes exactly once: with the response or
// with the error that closed the connection.
//
// The coroutines hold a shared_ptr to the core, so it lives until close()
// has stopped them. Single-threaded: everything runs on the socket's executor.

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "kappa/async/asio.h"
#include "kappa/client/connection.h"
#include "kappa/client/result.h"
#include "kappa/protocol/api_key.h"
#include "kappa/protocol/wire.h"

namespace kappa::client::detail {

class ConnectionCore : public std::enable_shared_from_this<ConnectionCore> {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionCore(tcp::socket socket, std::string broker, size_t max_response_bytes);

  // Starts the reader, writer and watchdog coroutines.
  void start();
  // Queues `frame` (built by begin_request) and waits for its response, or
  // only for it to be written when !expect_response.
  awaitable<Result<ResponseFrame>> call(std::shared_ptr<protocol::Writer> frame, protocol::ApiKey key,
                                        int16_t version, bool expect_response, std::chrono::milliseconds timeout);
  // Fails every pending request (the one matching `culprit`, if any, with
  // `reason`; the others with DISCONNECTED mentioning it) and closes.
  void close(Error reason);

  bool is_open() const { return !closed_; }
  const std::optional<Error>& close_reason() const { return closed_; }
  size_t in_flight() const { return pending_.size(); }

 private:
  using Signal = asio::experimental::channel<void(boost::system::error_code)>;
  struct Pending {
    Pending(asio::any_io_executor ex) : done(ex, 1) {}
    int32_t correlation_id = 0;
    protocol::ApiKey key{};
    int16_t version = 0;
    bool expect_response = true;
    Clock::time_point deadline;
    std::chrono::milliseconds timeout{};
    std::shared_ptr<protocol::Writer> frame;  // released once written
    std::optional<Result<ResponseFrame>> result;
    Signal done;
  };
  using PendingPtr = std::shared_ptr<Pending>;

  awaitable<void> read_loop();
  awaitable<void> write_loop();
  awaitable<void> watchdog();
  void complete(const PendingPtr& p, Result<ResponseFrame> result);
  void on_response(std::shared_ptr<protocol::FrameBytes> frame);
  void fail_all(const Error& reason, const Pending* culprit);
  std::string describe(const Pending& p) const;

  tcp::socket socket_;
  std::string broker_;
  size_t max_response_bytes_;
  int32_t next_correlation_id_ = 1;
  std::deque<PendingPtr> pending_;      // call order; written or not
  std::deque<PendingPtr> write_queue_;  // not yet written
  asio::steady_timer write_wakeup_;
  asio::steady_timer watchdog_timer_;
  std::optional<Error> closed_;
};

}  // namespace kappa::client::detail

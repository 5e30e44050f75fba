#pragma once
// One client connection.  A reader coroutine reads length-prefixed frames and
// handles them in order, one at a time (as Kafka does), so responses leave
// in request order; a writer coroutine sends finished responses, so writing
// a large fetch overlaps with handling the next request.  One exception: a
// handler may release the reader early (RequestContext::release_reader; an
// acks=all produce does once its records are appended), so the next
// Produce requests are read and handled while it waits for the in-sync
// replicas; any other request waits until every earlier one is done.
// Responses still leave in request order (each waits for its
// predecessor's), and at most kMaxInFlight requests or kMaxPendingBytes of
// request frames are pending.
//
// Bad input closes the connection with one log line naming the peer and the
// reason: a negative or oversized frame length, a truncated or malformed
// request, an unknown API key, an unsupported version (except ApiVersions,
// which gets Kafka's v0-format UNSUPPORTED_VERSION reply).

#include <deque>
#include <memory>
#include <string>

#include "broker/asio.h"
#include "kappa/async/async_result.h"
#include "kappa/protocol/api_table.h"
#include "kappa/protocol/frame_bytes.h"
#include "kappa/protocol/wire.h"

namespace kappa::broker {

class Broker;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Broker& broker, tcp::socket socket, protocol::Listener listener, std::string listener_name);

  awaitable<void> run();
  // Finish the request in flight, then close.  Safe to call at any time on
  // the broker's thread.
  void request_stop();
  // Closes the socket now (shutdown grace period over).
  void force_close();
  // True once the writer has sent everything and closed the socket.
  bool finished() const { return finished_; }
  const std::string& peer() const { return peer_; }

 private:
  using Frame = std::shared_ptr<protocol::FrameBytes>;
  // One request being handled: `released` lets the reader go on, `done`
  // means its response (if any) is queued.
  struct Slot {
    Slot(asio::any_io_executor exec, size_t frame_bytes) : released(exec), done(exec), bytes(frame_bytes) {}
    AsyncResult<bool> released;
    AsyncResult<bool> done;
    size_t bytes;  // the request frame, held until done
  };
  // Bounds on the requests a connection holds at once: the reader waits for
  // the oldest while either is reached (a single larger request still goes).
  static constexpr size_t kMaxInFlight = 16;
  static constexpr size_t kMaxPendingBytes = 64 << 20;
  // Drops the finished requests at the front of pending_.
  void forget_done();
  awaitable<void> handle_in_order(Frame frame, std::shared_ptr<Slot> prev, std::shared_ptr<Slot> slot);
  using OutChannel = asio::experimental::channel<void(boost::system::error_code, std::shared_ptr<protocol::Writer>)>;

  awaitable<void> read_loop();
  awaitable<void> write_loop();
  // Runs one request; returns its response frame, or nullptr when there is
  // none (acks=0) or the request closed the connection.
  awaitable<std::shared_ptr<protocol::Writer>> handle(Frame frame, Slot& slot);
  awaitable<void> queue(std::shared_ptr<protocol::Writer> response);
  // Marks the connection as closing and logs why (once).
  void close(std::string_view reason, bool warn);
  void close_socket();

  Broker& broker_;
  tcp::socket socket_;
  protocol::Listener listener_;
  std::string listener_name_;
  std::string peer_;
  OutChannel out_;
  asio::steady_timer idle_timer_;
  std::deque<std::shared_ptr<Slot>> pending_;  // requests handled, oldest first
  size_t pending_bytes_ = 0;                   // their frames' sizes
  bool stopping_ = false;
  bool closed_ = false;
  bool finished_ = false;
};

}  // namespace kappa::broker

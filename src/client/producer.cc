#include "kappa/client/producer.h"

#include "client/producer_core.h"

namespace kappa::client {

Producer::Producer(Client& client, ProducerOptions options)
    : core_(std::make_shared<detail::ProducerCore>(client, std::move(options))) {
  core_->start();
}

Producer::~Producer() { core_->abort(); }

awaitable<Result<void>> Producer::send(ProducerRecord record, DeliveryCallback on_delivery) {
  auto core = core_;
  co_return co_await core->send(std::move(record), std::move(on_delivery));
}

awaitable<Result<RecordMetadata>> Producer::send_and_wait(ProducerRecord record) {
  auto core = core_;
  auto done = std::make_shared<asio::experimental::channel<void(boost::system::error_code)>>(
      co_await asio::this_coro::executor, 1);
  auto result = std::make_shared<std::optional<Result<RecordMetadata>>>();
  // A named callback: GCC 12 double-destroys a capturing lambda temporary
  // inside a co_await expression.
  DeliveryCallback callback = [done, result](const Result<RecordMetadata>& r) {
    result->emplace(r);
    done->try_send(boost::system::error_code{});
  };
  auto queued = co_await core->send(std::move(record), std::move(callback));
  if (!queued) co_return queued.error();
  if (!*result) co_await done->async_receive(use_tuple);
  if (!*result) co_return client_error(ClientErrc::kClosed, "", "the producer is closed");
  co_return std::move(**result);
}

awaitable<Result<void>> Producer::flush() {
  auto core = core_;
  co_return co_await core->flush();
}

awaitable<Result<void>> Producer::close() {
  auto core = core_;
  co_return co_await core->close();
}

size_t Producer::pending() const { return core_->pending(); }

}  // namespace kappa::client

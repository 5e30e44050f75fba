#pragma once
// ProducerCore: the state behind a Producer handle, shared with the sender
// coroutine and the request coroutines so that they outlive the handle.
//
// The sender loop drains ready batches from the accumulator, groups them by
// partition leader (from the client's metadata cache; a missing leader asks
// for a refresh) and spawns one Produce request per leader. Responses
// complete, retry (requeue with backoff) or fail each batch. Two timers act
// as condition variables: `wakeup_` wakes the sender (new batch, response,
// flush); `changed_` wakes send()/flush() waiting for buffer space or for
// the queue to empty. Single-threaded, on the client's executor.

#include <map>
#include <memory>
#include <optional>

#include "client/record_accumulator.h"
#include "kappa/async/asio.h"
#include "kappa/async/async_mutex.h"
#include "kappa/client/partitioner.h"
#include "kappa/client/producer.h"

namespace kappa::client::detail {

class ProducerCore : public std::enable_shared_from_this<ProducerCore> {
 public:
  ProducerCore(Client& client, ProducerOptions options);

  void start();
  awaitable<Result<void>> send(ProducerRecord record, DeliveryCallback callback);
  awaitable<Result<void>> flush();
  awaitable<Result<void>> close();
  // The handle is gone: queued records fail with CLOSED now, batches in
  // flight report their outcome when it arrives (never retried), the sender
  // stops.
  void abort();
  size_t pending() const { return accumulator_.queued_records(); }

 private:
  awaitable<void> sender_loop();
  awaitable<void> send_to_leader(int32_t node, std::vector<BatchPtr> batches);
  awaitable<void> refresh_metadata();
  awaitable<Result<void>> ensure_producer_id();
  awaitable<Result<int32_t>> choose_partition(const ProducerRecord& record);

  void close_batch(ProducerBatch& batch);
  void complete(ProducerBatch& batch, int64_t base_offset, int64_t log_append_time);
  void fail(ProducerBatch& batch, const Error& error);
  void retry_or_fail(BatchPtr batch, const Error& error);
  // Starts one metadata refresh for the queued topics unless one is running.
  void request_metadata_refresh();
  void wake() { wakeup_.cancel(); }
  void notify() { changed_.cancel(); }

  Client& client_;
  ProducerOptions options_;
  RecordAccumulator accumulator_;
  Partitioner partitioner_;
  std::map<TopicPartition, int> in_flight_;
  std::map<TopicPartition, int32_t> next_sequence_;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  AsyncMutex init_lock_;
  asio::steady_timer wakeup_;
  asio::steady_timer changed_;
  int flush_waiters_ = 0;
  bool closing_ = false;
  bool aborted_ = false;
  bool sender_done_ = false;
  bool refreshing_ = false;
  std::optional<Error> first_error_;
};

}  // namespace kappa::client::detail

#pragma once
// Producer: batches records per partition and sends them to partition
// leaders as v2 record batches (RecordBatchBuilder) with the chosen
// compression.
//
//   Producer producer(client, {.acks = -1, .compression = Compression::kLz4});
//   co_await producer.send(record, [](const Result<RecordMetadata>& r) { ... });
//   co_await producer.flush();
//   co_await producer.close();
//
// Batching: a partition's batch is sent when it reaches batch_size bytes,
// when it is `linger` old, or on flush()/close(). All ready batches for one
// leader go in one Produce request. Partitioning: partitioner.h.
//
// Delivery: every record's callback runs exactly once, on the executor:
// with its offset (-1 for acks=0), or with the error that failed it.
// Retriable errors (leader moved, topic not yet visible, disconnects) are
// retried with backoff until delivery_timeout after the record was queued.
// With max_in_flight = 1 (default) each partition has one request in flight,
// so retries never reorder records; with more, a retried batch may land
// after a later one (as with Kafka's non-idempotent producer), and a retry
// after a lost response may duplicate a batch.
//
// Idempotence (options.idempotent): the producer asks for a producer id
// with InitProducerId before its first send and numbers every batch per
// partition, so the broker drops duplicates from retries (one request in
// flight per partition; no epoch bump yet, so after a batch fails for good
// later ones fail with OUT_OF_ORDER_SEQUENCE_NUMBER). It needs acks=-1
// and a broker that offers InitProducerId; otherwise send() fails with
// NOT_AVAILABLE naming the broker. (Kappa brokers do not offer it yet.)
//
// Thread-safety and lifetime: not thread-safe; use from the client's
// executor. `client` must outlive the Producer and any batch in flight.
// Destroying it without close() fails what is still queued with CLOSED at
// once; batches already in flight report their outcome when it arrives, so
// callbacks must not refer to the Producer itself. Callbacks must not throw.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "kappa/async/asio.h"
#include "kappa/client/client.h"
#include "kappa/client/records.h"
#include "kappa/client/result.h"
#include "kappa/protocol/record_batch.h"

namespace kappa::client {

using DeliveryCallback = std::function<void(const Result<RecordMetadata>&)>;

struct ProducerOptions {
  int16_t acks = -1;  // 0, 1 or -1 (all in-sync replicas)
  protocol::Compression compression = protocol::Compression::kNone;
  std::optional<int> compression_level;
  std::chrono::milliseconds linger{5};
  size_t batch_size = 16 * 1024;           // bytes before compression
  size_t buffer_memory = size_t{32} << 20;  // send() waits while more is queued
  int max_in_flight = 1;                    // Produce requests per partition
  std::chrono::milliseconds delivery_timeout{120'000};
  bool idempotent = false;
};

namespace detail {
class ProducerCore;
}

class Producer {
 public:
  Producer(Client& client, ProducerOptions options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues `record` (waiting while the buffer is full). Fails at once for
  // an unknown topic (after the retry budget), a partition out of range, or
  // a closed producer; delivery results go to `on_delivery`.
  awaitable<Result<void>> send(ProducerRecord record, DeliveryCallback on_delivery);
  awaitable<Result<void>> send(ProducerRecord record) { return send(std::move(record), DeliveryCallback{}); }
  // send() and wait for the acknowledgement.
  awaitable<Result<RecordMetadata>> send_and_wait(ProducerRecord record);
  // Sends everything queued without waiting for linger and waits until no
  // record is queued or in flight. Returns the first delivery error since
  // the previous flush, if any.
  awaitable<Result<void>> flush();
  // flush(), then stops; later sends fail with CLOSED.
  awaitable<Result<void>> close();

  // Records queued or in flight.
  size_t pending() const;

 private:
  std::shared_ptr<detail::ProducerCore> core_;
};

}  // namespace kappa::client

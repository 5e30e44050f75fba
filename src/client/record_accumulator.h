#pragma once
// RecordAccumulator: the producer's per-partition queues of batches.
// append() adds a record to the partition's open batch (starting a new one
// when it would grow past batch_size); drain() hands the sender the oldest
// batch of every partition that is ready — full, lingered long enough, or
// flushing — and allowed to send; requeue() puts a batch back at the front
// for a retry. A batch is finished (encoded, compressed) when it leaves the
// queue for the first time, so retries resend the same bytes.
// Not thread-safe.

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "kappa/client/producer.h"
#include "kappa/client/records.h"
#include "kappa/protocol/record_batch_builder.h"

namespace kappa::client::detail {

using ProducerClock = std::chrono::steady_clock;

struct ProducerBatch {
  struct Pending {
    DeliveryCallback callback;
    int64_t timestamp = 0;
  };

  ProducerBatch(TopicPartition tp, const ProducerOptions& options, ProducerClock::time_point now);
  bool closed() const { return !bytes.empty(); }
  int32_t record_count() const { return static_cast<int32_t>(records.size()); }
  // Encodes the batch; `sequence` >= 0 numbers it for idempotence.
  void close(int64_t producer_id, int16_t producer_epoch, int32_t sequence);

  TopicPartition tp;
  protocol::RecordBatchBuilder builder;
  std::vector<uint8_t> bytes;  // the encoded batch once closed
  std::vector<Pending> records;
  size_t memory = 0;  // bytes counted against buffer_memory
  ProducerClock::time_point created;
  ProducerClock::time_point deadline;
  int attempts = 0;
};

using BatchPtr = std::unique_ptr<ProducerBatch>;

class RecordAccumulator {
 public:
  explicit RecordAccumulator(const ProducerOptions& options) : options_(options) {}

  // An upper bound of the bytes `record` adds to a batch.
  static size_t estimate(const ProducerRecord& record);
  // True if `tp` has an open batch that can take `size` more bytes.
  bool has_room(const TopicPartition& tp, size_t size) const;
  // Returns true when the sender should look again: a batch was started
  // (its linger timer begins) or filled up.
  bool append(const TopicPartition& tp, int64_t timestamp, const ProducerRecord& record, DeliveryCallback callback,
              ProducerClock::time_point now);

  // Removes and returns the ready front batches of partitions for which
  // `may_send(tp)` is true, closing them with `close(batch)` first.
  std::vector<BatchPtr> drain(ProducerClock::time_point now, bool flushing,
                              const std::function<bool(const TopicPartition&)>& may_send,
                              const std::function<void(ProducerBatch&)>& close);
  // Puts a batch back at the front of its partition for a retry at `not_before`.
  void requeue(BatchPtr batch, ProducerClock::time_point not_before);
  // Removes queued batches whose delivery deadline passed.
  std::vector<BatchPtr> expire(ProducerClock::time_point now);
  // Removes everything (for shutdown).
  std::vector<BatchPtr> take_all();

  // The next time after `now` at which a batch becomes ready or expires
  // without new input (linger or backoff end, delivery deadline).
  std::optional<ProducerClock::time_point> next_ready(ProducerClock::time_point now) const;
  // Topic-partitions with queued batches.
  std::vector<TopicPartition> partitions() const;
  size_t queued_bytes() const { return queued_bytes_; }
  size_t queued_records() const { return queued_records_; }
  // Called by the producer when a batch leaves for good (acked or failed).
  void release(const ProducerBatch& batch);

 private:
  struct Queue {
    std::deque<BatchPtr> batches;
    ProducerClock::time_point retry_at{};
  };
  bool ready(const Queue& q, ProducerClock::time_point now, bool flushing) const;

  const ProducerOptions& options_;
  std::map<TopicPartition, Queue> queues_;
  size_t queued_bytes_ = 0;    // queued or in flight
  size_t queued_records_ = 0;  // queued or in flight
};

}  // namespace kappa::client::detail

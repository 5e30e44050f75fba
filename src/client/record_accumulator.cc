#include "client/record_accumulator.h"

#include <algorithm>

namespace kappa::client::detail {
namespace {

protocol::BytesView view(const std::optional<std::string>& s) {
  return s ? protocol::BytesView(*s) : protocol::BytesView();
}

}  // namespace

// Payload plus the varint framing of the record and its headers.
size_t RecordAccumulator::estimate(const ProducerRecord& r) {
  size_t n = 24 + (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
  for (const auto& h : r.headers) n += 10 + h.key.size() + (h.value ? h.value->size() : 0);
  return n;
}

ProducerBatch::ProducerBatch(TopicPartition tp_, const ProducerOptions& options, ProducerClock::time_point now)
    : tp(std::move(tp_)), created(now), deadline(now + options.delivery_timeout) {
  builder.options().compression = options.compression;
  builder.options().compression_level = options.compression_level;
}

void ProducerBatch::close(int64_t producer_id, int16_t producer_epoch, int32_t sequence) {
  if (closed()) return;
  auto& o = builder.options();
  o.producer_id = producer_id;
  o.producer_epoch = producer_epoch;
  o.base_sequence = sequence;
  bytes = builder.finish();
}

bool RecordAccumulator::has_room(const TopicPartition& tp, size_t size) const {
  auto it = queues_.find(tp);
  if (it == queues_.end() || it->second.batches.empty()) return false;
  const ProducerBatch& b = *it->second.batches.back();
  return !b.closed() && (b.builder.empty() || b.builder.uncompressed_size() + size <= options_.batch_size);
}

bool RecordAccumulator::append(const TopicPartition& tp, int64_t timestamp, const ProducerRecord& record,
                               DeliveryCallback callback, ProducerClock::time_point now) {
  const size_t size = estimate(record);
  const bool started = !has_room(tp, size);
  Queue& q = queues_[tp];
  if (started) q.batches.push_back(std::make_unique<ProducerBatch>(tp, options_, now));
  ProducerBatch& b = *q.batches.back();
  std::vector<protocol::RecordHeader> headers;
  headers.reserve(record.headers.size());
  for (const auto& h : record.headers) headers.push_back({h.key, view(h.value)});
  b.builder.append(timestamp, view(record.key), view(record.value), headers);
  b.records.push_back({std::move(callback), timestamp});
  b.memory += size;
  queued_bytes_ += size;
  ++queued_records_;
  return started || b.builder.uncompressed_size() >= options_.batch_size;
}

bool RecordAccumulator::ready(const Queue& q, ProducerClock::time_point now, bool flushing) const {
  if (q.batches.empty() || now < q.retry_at) return false;
  const ProducerBatch& front = *q.batches.front();
  if (flushing || front.closed() || q.batches.size() > 1) return true;
  return front.builder.uncompressed_size() >= options_.batch_size || now >= front.created + options_.linger;
}

std::vector<BatchPtr> RecordAccumulator::drain(ProducerClock::time_point now, bool flushing,
                                               const std::function<bool(const TopicPartition&)>& may_send,
                                               const std::function<void(ProducerBatch&)>& close) {
  std::vector<BatchPtr> out;
  for (auto& [tp, q] : queues_) {
    if (!ready(q, now, flushing) || !may_send(tp)) continue;
    BatchPtr b = std::move(q.batches.front());
    q.batches.pop_front();
    close(*b);
    out.push_back(std::move(b));
  }
  std::erase_if(queues_, [](const auto& kv) { return kv.second.batches.empty(); });
  return out;
}

void RecordAccumulator::requeue(BatchPtr batch, ProducerClock::time_point not_before) {
  Queue& q = queues_[batch->tp];
  q.retry_at = not_before;
  q.batches.push_front(std::move(batch));
}

std::vector<BatchPtr> RecordAccumulator::expire(ProducerClock::time_point now) {
  std::vector<BatchPtr> out;
  for (auto& [tp, q] : queues_) {
    while (!q.batches.empty() && q.batches.front()->deadline <= now) {
      out.push_back(std::move(q.batches.front()));
      q.batches.pop_front();
    }
  }
  std::erase_if(queues_, [](const auto& kv) { return kv.second.batches.empty(); });
  return out;
}

std::vector<BatchPtr> RecordAccumulator::take_all() {
  std::vector<BatchPtr> out;
  for (auto& [tp, q] : queues_) {
    for (auto& b : q.batches) out.push_back(std::move(b));
  }
  queues_.clear();
  return out;
}

std::optional<ProducerClock::time_point> RecordAccumulator::next_ready(ProducerClock::time_point now) const {
  std::optional<ProducerClock::time_point> next;
  auto consider = [&](ProducerClock::time_point at) {
    if (at > now && (!next || at < *next)) next = at;
  };
  for (const auto& [tp, q] : queues_) {
    if (q.batches.empty()) continue;
    consider(q.retry_at);
    consider(q.batches.front()->created + options_.linger);
    consider(q.batches.front()->deadline);
  }
  return next;
}

std::vector<TopicPartition> RecordAccumulator::partitions() const {
  std::vector<TopicPartition> out;
  for (const auto& [tp, q] : queues_) out.push_back(tp);
  return out;
}

void RecordAccumulator::release(const ProducerBatch& batch) {
  queued_bytes_ -= std::min(queued_bytes_, batch.memory);
  queued_records_ -= std::min(queued_records_, batch.records.size());
}

}  // namespace kappa::client::detail

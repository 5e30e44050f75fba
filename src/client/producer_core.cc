#include "client/producer_core.h"

#include <chrono>
#include <random>

#include <fmt/format.h>

#include "kappa/common/log.h"
#include "kappa/protocol/msg/init_producer_id.h"
#include "kappa/protocol/msg/produce.h"

namespace kappa::client::detail {
namespace {

using protocol::ErrorCode;
using namespace std::chrono_literals;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Error closed_error() { return client_error(ClientErrc::kClosed, "", "the producer is closed"); }

Error expired_error(const ProducerBatch& b, std::chrono::milliseconds timeout) {
  return client_error(ClientErrc::kTimedOut, "",
                      fmt::format("{} record(s) for {}-{} expired after {} ms without being acknowledged",
                                  b.records.size(), b.tp.topic, b.tp.partition, timeout.count()));
}

void log_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    logging::get("client")->error("producer request failed: {}", ex.what());
  }
}

}  // namespace

ProducerCore::ProducerCore(Client& client, ProducerOptions options)
    : client_(client),
      options_(std::move(options)),
      accumulator_(options_),
      partitioner_(std::random_device{}()),
      init_lock_(client.executor()),
      wakeup_(client.executor()),
      changed_(client.executor()) {
  changed_.expires_at(asio::steady_timer::time_point::max());
  // Sequence numbers stay gap-free only if a retried batch is the one in flight.
  if (options_.idempotent) options_.max_in_flight = 1;
  options_.max_in_flight = std::max(1, options_.max_in_flight);
}

void ProducerCore::start() {
  asio::co_spawn(client_.executor(), sender_loop(), [self = shared_from_this()](std::exception_ptr e) {
    log_failure(e);
    self->sender_done_ = true;
    self->notify();
  });
}

awaitable<Result<int32_t>> ProducerCore::choose_partition(const ProducerRecord& record) {
  auto md = client_.metadata();
  const TopicInfo* cached = md ? md->topic(record.topic) : nullptr;
  int32_t count = cached ? cached->partition_count() : 0;
  if (!cached) {
    auto info = co_await client_.topic(record.topic, /*wait=*/true);
    if (!info) co_return info.error();
    count = info->partition_count();
  }
  if (count <= 0) {
    co_return kafka_error(ErrorCode::kUnknownTopicOrPartition, "", fmt::format("Topic '{}' has no partitions.", record.topic));
  }
  if (record.partition) {
    if (*record.partition < 0 || *record.partition >= count) {
      co_return client_error(ClientErrc::kInvalidArgument, "",
                             fmt::format("partition {} is out of range: topic '{}' has {} partition(s)",
                                         *record.partition, record.topic, count));
    }
    co_return *record.partition;
  }
  if (record.key) co_return Partitioner::for_key(*record.key, count);
  int32_t p = partitioner_.sticky(record.topic, count);
  if (!accumulator_.has_room({record.topic, p}, RecordAccumulator::estimate(record))) {
    p = partitioner_.advance(record.topic, count);
  }
  co_return p;
}

awaitable<Result<void>> ProducerCore::send(ProducerRecord record, DeliveryCallback callback) {
  auto self = shared_from_this();
  if (closing_ || aborted_) co_return closed_error();
  if (options_.idempotent) {
    auto init = co_await ensure_producer_id();
    if (!init) co_return init.error();
  }
  auto partition = co_await choose_partition(record);
  if (!partition) co_return partition.error();
  while (accumulator_.queued_bytes() >= options_.buffer_memory && !aborted_) {
    co_await changed_.async_wait(use_tuple);
  }
  if (aborted_) co_return closed_error();
  const int64_t timestamp = record.timestamp.value_or(wall_ms());
  TopicPartition tp{record.topic, *partition};
  if (accumulator_.append(tp, timestamp, record, std::move(callback), ProducerClock::now())) {
    // A batch started or filled up: let the sender run before queueing more,
    // so a fast caller cannot starve it (send would otherwise never suspend).
    wake();
    co_await asio::post(client_.executor(), use_awaitable);
  }
  co_return ok();
}

awaitable<Result<void>> ProducerCore::flush() {
  auto self = shared_from_this();
  ++flush_waiters_;
  wake();
  while (accumulator_.queued_records() > 0 && !aborted_ && !sender_done_) co_await changed_.async_wait(use_tuple);
  --flush_waiters_;
  auto error = std::exchange(first_error_, std::nullopt);
  if (aborted_) co_return closed_error();
  if (error) co_return *error;
  co_return ok();
}

awaitable<Result<void>> ProducerCore::close() {
  auto self = shared_from_this();
  closing_ = true;
  auto r = co_await flush();
  wake();
  while (!sender_done_) co_await changed_.async_wait(use_tuple);
  co_return r;
}

void ProducerCore::abort() {
  if (aborted_) return;
  aborted_ = true;
  closing_ = true;
  for (auto& b : accumulator_.take_all()) fail(*b, closed_error());
  wake();
  notify();
}

awaitable<Result<void>> ProducerCore::ensure_producer_id() {
  auto guard = co_await init_lock_.lock();
  if (producer_id_ >= 0) co_return ok();
  co_return co_await client_.with_retries([this]() -> awaitable<Result<void>> {
    auto conn = co_await client_.any_connection();
    if (!conn) co_return conn.error();
    if (!(*conn)->supports(protocol::ApiKey::kInitProducerId)) {
      co_return client_error(ClientErrc::kNotAvailable, (*conn)->broker(),
                             "idempotence needs InitProducerId, which this broker does not offer");
    }
    if (options_.acks != -1) {
      co_return client_error(ClientErrc::kInvalidArgument, "", "idempotence needs acks=all (-1)");
    }
    protocol::InitProducerIdRequest req;
    req.transaction_timeout_ms = 60'000;
    auto resp = co_await (*conn)->send<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(req);
    if (!resp) co_return resp.error();
    if (resp->error_code != 0) co_return kafka_error(resp->error_code, (*conn)->broker());
    producer_id_ = resp->producer_id;
    producer_epoch_ = resp->producer_epoch;
    co_return ok();
  });
}

void ProducerCore::close_batch(ProducerBatch& batch) {
  if (batch.closed()) return;
  int32_t sequence = -1;
  if (producer_id_ >= 0) {
    int32_t& next = next_sequence_[batch.tp];
    sequence = next;
    next = static_cast<int32_t>((int64_t{next} + batch.record_count()) & 0x7fffffff);
  }
  batch.close(producer_id_, producer_epoch_, sequence);
}

awaitable<void> ProducerCore::sender_loop() {
  while (!aborted_) {
    const auto now = ProducerClock::now();
    for (auto& b : accumulator_.expire(now)) fail(*b, expired_error(*b, options_.delivery_timeout));
    if (closing_ && accumulator_.queued_records() == 0) break;
    const bool flushing = flush_waiters_ > 0 || closing_;
    auto md = client_.metadata();
    bool need_metadata = false;
    auto may_send = [&](const TopicPartition& tp) {
      if (in_flight_[tp] >= options_.max_in_flight) return false;
      if (md && md->leader_for(tp.topic, tp.partition)) return true;
      need_metadata = true;
      return false;
    };
    auto batches = accumulator_.drain(now, flushing, may_send, [this](ProducerBatch& b) { close_batch(b); });
    std::map<int32_t, std::vector<BatchPtr>> by_leader;
    for (auto& b : batches) {
      ++in_flight_[b->tp];
      by_leader[*md->leader_for(b->tp.topic, b->tp.partition)].push_back(std::move(b));
    }
    for (auto& [node, list] : by_leader) {
      asio::co_spawn(client_.executor(), send_to_leader(node, std::move(list)), log_failure);
    }
    if (need_metadata) request_metadata_refresh();
    auto next = accumulator_.next_ready(now);
    wakeup_.expires_at(next ? *next : ProducerClock::time_point::max());
    co_await wakeup_.async_wait(use_tuple);
  }
}

void ProducerCore::request_metadata_refresh() {
  if (refreshing_ || aborted_) return;
  refreshing_ = true;
  asio::co_spawn(client_.executor(), refresh_metadata(), log_failure);
}

awaitable<void> ProducerCore::refresh_metadata() {
  auto self = shared_from_this();
  std::vector<std::string> topics;
  for (const auto& tp : accumulator_.partitions()) {
    if (topics.empty() || topics.back() != tp.topic) topics.push_back(tp.topic);
  }
  std::optional<std::vector<std::string>> wanted;  // nullopt: every topic
  if (!topics.empty()) wanted = std::move(topics);
  auto r = co_await client_.refresh_metadata(std::move(wanted));
  if (!r) {
    asio::steady_timer backoff(client_.executor(), client_.options().retry.backoff);
    co_await backoff.async_wait(use_tuple);
  }
  refreshing_ = false;
  wake();
}

awaitable<void> ProducerCore::send_to_leader(int32_t node, std::vector<BatchPtr> batches) {
  auto self = shared_from_this();
  protocol::ProduceRequest req;
  req.acks = options_.acks;
  const auto timeout = client_.options().connection.request_timeout;
  req.timeout_ms = static_cast<int32_t>(timeout.count());
  for (const auto& b : batches) {
    if (req.topic_data.empty() || req.topic_data.back().name != b->tp.topic) req.topic_data.push_back({b->tp.topic, {}});
    req.topic_data.back().partition_data.push_back({b->tp.partition, protocol::Records::from_memory(b->bytes, nullptr)});
  }
  std::optional<Error> failure;
  std::optional<protocol::ProduceResponse> response;
  std::string broker = client_.describe_node(node);
  auto conn = co_await client_.connection_to(node);
  if (!conn) {
    failure = conn.error();
  } else if (options_.acks == 0) {
    auto r = co_await (*conn)->send_without_response(req);
    if (!r) failure = r.error();
  } else {
    broker = (*conn)->broker();
    auto r = co_await (*conn)->send<protocol::ProduceRequest, protocol::ProduceResponse>(req, kAutoVersion,
                                                                                         timeout + 5s);
    if (r) response = std::move(*r);
    else failure = r.error();
  }
  for (const auto& b : batches) --in_flight_[b->tp];
  for (auto& b : batches) {
    if (failure) {
      retry_or_fail(std::move(b), *failure);
      continue;
    }
    if (!response) {  // acks=0: written is all we learn
      complete(*b, -1, -1);
      continue;
    }
    const protocol::ProduceResponse::PartitionProduceResponse* pr = nullptr;
    for (const auto& t : response->responses) {
      if (t.name != b->tp.topic) continue;
      for (const auto& p : t.partition_responses) {
        if (p.index == b->tp.partition) pr = &p;
      }
    }
    if (!pr) {
      fail(*b, client_error(ClientErrc::kMalformedResponse, broker, "the Produce response lacks a partition"));
    } else if (pr->error_code == 0 || pr->error_code == protocol::code_of(ErrorCode::kDuplicateSequenceNumber)) {
      complete(*b, pr->base_offset, pr->log_append_time_ms);
    } else {
      retry_or_fail(std::move(b), kafka_error(pr->error_code, broker, pr->error_message));
    }
  }
  wake();
  notify();
}

void ProducerCore::retry_or_fail(BatchPtr batch, const Error& error) {
  const auto now = ProducerClock::now();
  const auto& policy = client_.options().retry;
  auto backoff = std::min(policy.backoff * (1 << std::min(batch->attempts, 10)), policy.backoff_max);
  if (!error.retriable() || aborted_ || now + backoff >= batch->deadline) {
    fail(*batch, error);
    return;
  }
  ++batch->attempts;
  accumulator_.requeue(std::move(batch), now + backoff);
  if (error.needs_metadata_refresh()) {
    client_.invalidate_metadata();
    request_metadata_refresh();  // the cached leader is the one that just failed
  }
}

void ProducerCore::complete(ProducerBatch& batch, int64_t base_offset, int64_t log_append_time) {
  for (size_t i = 0; i < batch.records.size(); ++i) {
    const auto& r = batch.records[i];
    if (!r.callback) continue;
    RecordMetadata md{batch.tp.topic, batch.tp.partition, base_offset < 0 ? -1 : base_offset + static_cast<int64_t>(i),
                      log_append_time >= 0 ? log_append_time : r.timestamp};
    r.callback(md);
  }
  accumulator_.release(batch);
}

void ProducerCore::fail(ProducerBatch& batch, const Error& error) {
  if (!first_error_) first_error_ = error;
  for (const auto& r : batch.records) {
    if (r.callback) r.callback(error);
  }
  accumulator_.release(batch);
}

}  // namespace kappa::client::detail

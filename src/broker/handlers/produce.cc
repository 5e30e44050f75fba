// Produce (v3+): one magic-2 batch per partition, validated (header, CRC,
// record framing) and appended verbatim — only its base offset, leader epoch
// and, for LogAppendTime topics, max timestamp + CRC are patched in place in
// the request frame.  acks=0 gets no response; acks=-1 waits for the high
// watermark (the in-sync replicas) up to the request timeout.
#include <chrono>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/partition_lookup.h"
#include "broker/partition_wait.h"
#include "kappa/common/log.h"
#include "kappa/protocol/msg/produce.h"
#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_validation.h"

namespace kappa::broker {

using protocol::ErrorCode;
using protocol::ProduceResponse;
using PartitionResponse = ProduceResponse::PartitionProduceResponse;

namespace {

struct Pending {
  PartitionResponse* response;
  replication::Partition* partition;
  storage::TopicPartition tp;
  int64_t end_offset;  // the high watermark that acknowledges this append
  int32_t min_insync_replicas;
  int32_t leader_epoch;  // the epoch the batch was appended in
};

void set_error(PartitionResponse& r, ErrorCode e, std::string message = {}) {
  r.error_code = protocol::code_of(e);
  if (!message.empty()) r.error_message = std::move(message);
}

// Validates the partition's records: exactly one v2 batch that a client may write.
std::optional<std::pair<ErrorCode, std::string>> check_records(const protocol::Records& records, int16_t version,
                                                               int32_t max_message_bytes, bool compacted) {
  using R = std::pair<ErrorCode, std::string>;
  if (records.is_null() || records.size() == 0) return R{ErrorCode::kInvalidRecord, "no record batch"};
  auto bytes = records.bytes();
  auto size = protocol::peek_batch_size(bytes);
  if (!size || *size < protocol::batch_layout::kHeaderSize || *size > bytes.size()) {
    return R{ErrorCode::kCorruptMessage, "record batch length does not match the records size"};
  }
  if (*size < bytes.size()) {
    return R{ErrorCode::kInvalidRecord, "Produce requests with version 3 and above must have exactly one batch"};
  }
  if (bytes.size() > static_cast<size_t>(max_message_bytes)) {
    return R{ErrorCode::kMessageTooLarge,
             fmt::format("batch of {} bytes exceeds max.message.bytes ({})", bytes.size(), max_message_bytes)};
  }
  // Compressed batches are decompressed to check every record (as Kafka
  // does); the reader's buffer is reused across requests on this thread.
  thread_local protocol::RecordReader reader;
  auto v = protocol::validate_batch_records(bytes, reader);
  if (v.error != ErrorCode::kNone) return R{v.error, v.message};
  if (v.header.is_control()) return R{ErrorCode::kInvalidRecord, "clients cannot write control batches"};
  if (v.header.compression() == protocol::Compression::kZstd && version < 7) {
    return R{ErrorCode::kUnsupportedCompressionType, "zstd needs Produce v7 or later"};
  }
  if (v.header.is_transactional()) {
    return R{ErrorCode::kTransactionalIdAuthorizationFailed, "transactions are not supported by this broker"};
  }
  if (compacted) {  // compaction keeps the latest record per key: every record needs one
    bool keyless = false;
    if (reader.open(bytes)) return R{ErrorCode::kCorruptMessage, "unreadable records"};
    protocol::Record record;
    while (!keyless && reader.next(record)) keyless = record.key.is_null();
    if (keyless) return R{ErrorCode::kInvalidRecord, "Compacted topic cannot accept message without key."};
  }
  return std::nullopt;
}

}  // namespace

awaitable<ProduceResponse> handle_produce(RequestContext& ctx, protocol::ProduceRequest& req) {
  Broker& broker = ctx.broker;
  ProduceResponse resp;
  std::vector<Pending> pending;
  const bool valid_acks = req.acks == 0 || req.acks == 1 || req.acks == -1;
  resp.responses.reserve(req.topic_data.size());
  for (auto& topic : req.topic_data) {
    auto& tr = resp.responses.emplace_back();
    tr.name = topic.name;
    tr.partition_responses.reserve(topic.partition_data.size());
    const auto* image = broker.image().topic(topic.name);
    for (auto& pd : topic.partition_data) {
      auto& pr = tr.partition_responses.emplace_back();
      pr.index = pd.index;
      if (!valid_acks) {
        set_error(pr, ErrorCode::kInvalidRequiredAcks);
        continue;
      }
      if (req.transactional_id) {
        set_error(pr, ErrorCode::kTransactionalIdAuthorizationFailed, "transactions are not supported");
        continue;
      }
      if (topic.name == group::kOffsetsTopic) {  // only the group coordinator writes there
        set_error(pr, ErrorCode::kInvalidTopicException, "Cannot append to internal topic __consumer_offsets");
        continue;
      }
      auto found = find_leader(broker, topic.name, pd.index);
      if (!found.partition) {
        set_error(pr, found.error);
        continue;
      }
      auto topic_config = broker.topic_config(*image);
      const auto min_insync = static_cast<int32_t>(topic_config.get_long("min.insync.replicas"));
      if (auto bad = check_records(pd.records, ctx.version(),
                                   static_cast<int32_t>(topic_config.get_long("max.message.bytes")),
                                   found.partition->log().config().compacts())) {
        set_error(pr, bad->first, bad->second);
        continue;
      }
      // The frame is owned by this request alone; patching it in place avoids a copy.
      auto bytes = pd.records.bytes();
      std::span<uint8_t> batch(const_cast<uint8_t*>(bytes.data()), bytes.size());
      auto outcome = found.partition->append_as_leader(batch, req.acks, min_insync);
      if (outcome.error != ErrorCode::kNone) {
        set_error(pr, outcome.error, outcome.message);
        continue;
      }
      pr.base_offset = outcome.result.base_offset;
      pr.log_append_time_ms = outcome.result.log_append_time_ms;
      pr.log_start_offset = outcome.result.log_start_offset;
      if (!outcome.duplicate) broker.metrics().bytes_in(topic.name, static_cast<double>(bytes.size()));
      pending.push_back({&pr, found.partition, found.partition->topic_partition(), outcome.result.last_offset + 1,
                         min_insync, found.partition->leader_epoch()});
    }
  }
  // Durability first: a partition whose flush policy is due (e.g. flush.messages=1)
  // is fsynced before it is acknowledged.
  for (auto& p : pending) {
    auto* partition = broker.replicas().get(p.tp.topic, p.tp.partition.value());
    if (!partition) continue;
    if (auto ec = co_await broker.flush_if_due(partition->shared_log())) {
      set_error(*p.response, ErrorCode::kKafkaStorageError, ec.message());
    }
  }
  if (req.acks == -1) {
    // Appended (and flushed if due): the connection may read and append the
    // next request while this one waits for the in-sync replicas.
    if (ctx.release_reader) ctx.release_reader();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, req.timeout_ms));
    for (auto& p : pending) {
      if (p.response->error_code != 0) continue;
      ErrorCode e = co_await wait_for_high_watermark(broker, p.tp, p.end_offset, deadline, p.min_insync_replicas,
                                                     p.leader_epoch);
      if (e != ErrorCode::kNone) set_error(*p.response, e);
    }
  }
  if (req.acks == 0) ctx.suppress_response = true;
  co_return resp;
}

}  // namespace kappa::broker

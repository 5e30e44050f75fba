// Replication APIs: AlterPartition and AllocateProducerIds (controller
// listener: a leader's ISR change, a broker's block of producer ids) and
// OffsetForLeaderEpoch (followers finding where they diverge; consumers
// validating positions).
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/partition_lookup.h"
#include "kappa/controller/alter_partition.h"
#include "kappa/protocol/msg/allocate_producer_ids.h"
#include "kappa/protocol/msg/alter_partition.h"
#include "kappa/protocol/msg/offset_for_leader_epoch.h"

namespace kappa::broker {

using protocol::ErrorCode;

namespace {
constexpr int32_t kProducerIdBlockSize = 1000;
}

awaitable<protocol::AlterPartitionResponse> handle_alter_partition(RequestContext& ctx,
                                                                   protocol::AlterPartitionRequest& req) {
  protocol::AlterPartitionResponse resp;
  Broker& broker = ctx.broker;
  if (!broker.is_active_controller()) {
    resp.error_code = protocol::code_of(ErrorCode::kNotController);
    co_return resp;
  }
  // Plan every partition under one controller lock; each gets its own error.
  struct Item {
    protocol::AlterPartitionResponse::PartitionData* out;
    controller::IsrChange change;
  };
  std::vector<Item> items;
  for (auto& t : req.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.topic_name = t.topic_name;
    tr.topic_id = t.topic_id;
    const auto* topic = ctx.version() < 2 ? broker.image().topic(t.topic_name) : broker.image().topic(t.topic_id);
    tr.partitions.reserve(t.partitions.size());
    for (auto& p : t.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition_index = p.partition_index;
      controller::IsrChange c{req.broker_id, req.broker_epoch, topic ? topic->id : t.topic_id, p.partition_index,
                              p.leader_epoch, p.partition_epoch, p.new_isr,
                              std::vector<int64_t>(p.new_isr.size(), -1)};
      for (const auto& s : p.new_isr_with_epochs) {
        c.new_isr.push_back(s.broker_id);
        c.new_isr_epochs.push_back(s.broker_epoch);
      }
      items.push_back({&pr, std::move(c)});
    }
  }
  auto result = co_await broker.controller().execute(
      [&](const metadata::MetadataImage& image, std::vector<metadata::MetadataRecord>& out) {
        for (auto& item : items) {
          auto r = controller::plan_isr_change(image, item.change, out);
          item.out->error_code = protocol::code_of(r.error);
        }
        return controller::CommandResult{};
      });
  for (auto& item : items) {
    if (!result.ok() && item.out->error_code == 0) item.out->error_code = protocol::code_of(result.error);
    const auto* topic = broker.image().topic(item.change.topic_id);
    if (!topic || item.change.partition >= static_cast<int32_t>(topic->partitions.size())) continue;
    const auto& state = topic->partitions[static_cast<size_t>(item.change.partition)];
    item.out->leader_id = state.leader;
    item.out->leader_epoch = state.leader_epoch;
    item.out->isr = state.isr;
    item.out->partition_epoch = state.partition_epoch;
  }
  co_return resp;
}

awaitable<protocol::AllocateProducerIdsResponse> handle_allocate_producer_ids(
    RequestContext& ctx, protocol::AllocateProducerIdsRequest& req) {
  protocol::AllocateProducerIdsResponse resp;
  Broker& broker = ctx.broker;
  if (!broker.is_active_controller()) {
    resp.error_code = protocol::code_of(ErrorCode::kNotController);
    co_return resp;
  }
  int64_t start = -1;
  auto r = co_await broker.controller().execute(
      [&](const metadata::MetadataImage& image, std::vector<metadata::MetadataRecord>& out) {
        const auto* b = image.broker(req.broker_id);
        if (!b || b->epoch != req.broker_epoch) {
          return controller::CommandResult{ErrorCode::kStaleBrokerEpoch, "stale broker epoch"};
        }
        start = image.next_producer_id();
        out.emplace_back(protocol::ProducerIdsRecord{req.broker_id, req.broker_epoch, start + kProducerIdBlockSize});
        return controller::CommandResult{};
      });
  resp.error_code = protocol::code_of(r.error);
  if (r.ok()) {
    resp.producer_id_start = start;
    resp.producer_id_len = kProducerIdBlockSize;
  }
  co_return resp;
}

awaitable<protocol::OffsetForLeaderEpochResponse> handle_offset_for_leader_epoch(
    RequestContext& ctx, protocol::OffsetForLeaderEpochRequest& req) {
  protocol::OffsetForLeaderEpochResponse resp;
  for (const auto& t : req.topics) {
    auto& tr = resp.topics.emplace_back();
    tr.topic = t.topic;
    for (const auto& p : t.partitions) {
      auto& pr = tr.partitions.emplace_back();
      pr.partition = p.partition;
      auto found = find_leader(ctx.broker, t.topic, p.partition);
      ErrorCode error = found.error;
      if (found.partition) error = found.partition->check_leader_epoch(p.current_leader_epoch);
      if (error != ErrorCode::kNone) {
        pr.error_code = protocol::code_of(error);
        continue;
      }
      auto answer = found.partition->end_offset_for_epoch(p.leader_epoch);
      pr.leader_epoch = answer.epoch;
      pr.end_offset = answer.end_offset;
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

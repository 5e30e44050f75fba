#include "broker/isr_manager.h"

#include <fmt/ranges.h>

#include "broker/broker.h"
#include "broker/controller_channel.h"
#include "kappa/common/log.h"
#include "kappa/protocol/msg/alter_partition.h"

namespace kappa::broker {

awaitable<void> IsrManager::run_once() {
  if (running_) co_return;  // one AlterPartition at a time
  running_ = true;
  const int64_t lag_max = broker_.config().get_long("replica.lag.time.max.ms");
  protocol::AlterPartitionRequest req;
  req.broker_id = broker_.node_id();
  req.broker_epoch = broker_.broker_epoch();
  std::vector<storage::TopicPartition> sent;
  std::vector<int> direction;  // per sent partition: -1 shrink, +1 expand (for metrics)
  std::map<std::string, size_t> topic_index;
  for (auto& [tp, p] : broker_.replicas().partitions()) {
    auto isr = p->wanted_isr(lag_max);
    if (!isr) continue;
    logging::get("replication")
        ->info("[{}] asking the controller to change the ISR from [{}] to [{}]", fmt::format("{}", tp),
               fmt::join(p->state().isr, ","), fmt::join(*isr, ","));
    auto [it, added] = topic_index.try_emplace(tp.topic, req.topics.size());
    if (added) {
      auto& t = req.topics.emplace_back();
      t.topic_name = tp.topic;
      t.topic_id = p->topic_id();
    }
    protocol::AlterPartitionRequest::PartitionData pd;
    pd.partition_index = tp.partition.value();
    pd.leader_epoch = p->leader_epoch();
    pd.partition_epoch = p->state().partition_epoch;
    pd.new_isr = *isr;
    for (int32_t r : *isr) {
      // The epoch under which the member caught up (KIP-903), else the current one.
      const auto* b = broker_.image().broker(r);
      const int64_t tracked = r == broker_.node_id() ? -1 : p->tracked_broker_epoch(r);
      pd.new_isr_with_epochs.push_back({r, tracked >= 0 ? tracked : (b ? b->epoch : -1)});
    }
    req.topics[it->second].partitions.push_back(std::move(pd));
    direction.push_back(isr->size() < p->state().isr.size() ? -1 : 1);
    p->isr_change_sent(*isr);
    sent.push_back(tp);
  }
  if (!sent.empty()) {
    auto resp = co_await broker_.channel().send<protocol::AlterPartitionRequest, protocol::AlterPartitionResponse>(
        req, std::chrono::steady_clock::now() + std::chrono::seconds(5));
    for (size_t i = 0; i < sent.size(); ++i) {
      const auto& tp = sent[i];
      auto* p = broker_.replicas().get(tp.topic, tp.partition.value());
      if (!p) continue;
      int16_t error = resp ? resp->error_code : protocol::code_of(protocol::ErrorCode::kRequestTimedOut);
      if (resp && error == 0) {
        for (const auto& t : resp->topics) {
          for (const auto& pr : t.partitions) {
            if ((t.topic_name == tp.topic || t.topic_id == p->topic_id()) &&
                pr.partition_index == tp.partition.value()) {
              error = pr.error_code;
            }
          }
        }
      }
      if (error != 0) {
        logging::get("replication")
            ->warn("[{}] ISR change refused: {}", fmt::format("{}", tp), protocol::error_name(error));
        p->isr_change_sent(std::nullopt);  // try again on a later pass
      } else if (direction[i] < 0) {
        broker_.metrics().isr_shrink();
      } else {
        broker_.metrics().isr_expand();
      }
      // On success the pending change clears when the committed metadata arrives.
    }
  }
  running_ = false;
}

}  // namespace kappa::broker

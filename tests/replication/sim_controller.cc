#include "replication/sim_controller.h"

#include "kappa/controller/partition_leadership.h"

namespace kappa::replication::sim {

using protocol::ErrorCode;

SimController::SimController(const SimOptions& options, const Clock& clock)
    : options_(options), clock_(clock), topic_id_(protocol::Uuid::from_halves(0x5151, 0x7)) {
  std::vector<metadata::MetadataRecord> records;
  std::vector<int32_t> all;
  for (int32_t b = 1; b <= options.brokers; ++b) {
    protocol::RegisterBrokerRecord r;
    r.broker_id = b;
    r.incarnation_id = protocol::Uuid::from_halves(static_cast<uint64_t>(b), 0);
    r.broker_epoch = b;
    r.fenced = false;
    records.emplace_back(std::move(r));
    all.push_back(b);
  }
  protocol::TopicRecord t;
  t.name = kTopic;
  t.topic_id = topic_id_;
  records.emplace_back(t);
  protocol::PartitionRecord p;
  p.topic_id = topic_id_;
  p.partition_id = 0;
  p.replicas = all;
  p.isr = all;
  p.leader = 1;
  p.leader_epoch = 0;
  p.partition_epoch = 0;
  records.emplace_back(p);
  for (auto& r : records) image_.apply(r);
  for (int32_t b : all) last_contact_ms_[b] = clock_.monotonic_ms();
}

void SimController::commit(std::vector<metadata::MetadataRecord> records) {
  if (records.empty()) return;
  for (auto& r : records) image_.apply(r);
  ++version_;
  if (on_change) on_change(partition());
}

const metadata::PartitionState& SimController::partition() const { return *image_.partition(kTopic, 0); }

MetadataView SimController::view(int32_t broker) const {
  MetadataView v;
  v.version = version_;
  v.partition = partition();
  const auto* b = image_.broker(broker);
  v.fenced = !b || b->fenced;
  for (const auto& [id, info] : image_.brokers()) v.broker_epochs[id] = info.epoch;
  return v;
}

int64_t SimController::register_broker(int32_t broker, uint64_t incarnation) {
  const auto* existing = image_.broker(broker);
  int64_t max_epoch = 0;
  for (const auto& [id, b] : image_.brokers()) max_epoch = std::max(max_epoch, b.epoch);
  protocol::RegisterBrokerRecord r;
  r.broker_id = broker;
  r.incarnation_id = protocol::Uuid::from_halves(static_cast<uint64_t>(broker), incarnation);
  r.broker_epoch = max_epoch + 1;
  r.fenced = true;
  std::vector<metadata::MetadataRecord> out;
  out.emplace_back(r);
  // As BrokerLifecycle::register_broker: a broker that restarted before its
  // session expired leaves the ISR and its leaderships.
  if (existing) {
    for (auto& rec : controller::plan_broker_removal(image_, {broker}, nullptr)) out.push_back(std::move(rec));
  }
  commit(std::move(out));
  last_contact_ms_[broker] = clock_.monotonic_ms();
  registered_at_[broker] = version_;
  return r.broker_epoch;
}

ErrorCode SimController::heartbeat(int32_t broker, int64_t broker_epoch, int64_t applied_version) {
  const auto* b = image_.broker(broker);
  if (!b || b->epoch != broker_epoch) return ErrorCode::kStaleBrokerEpoch;
  last_contact_ms_[broker] = clock_.monotonic_ms();
  if (b->fenced && applied_version >= registered_at_[broker]) {
    std::vector<metadata::MetadataRecord> out;
    out.emplace_back(protocol::UnfenceBrokerRecord{broker, broker_epoch});
    for (auto& rec : controller::plan_broker_return(image_, broker)) out.push_back(std::move(rec));
    commit(std::move(out));
  }
  return ErrorCode::kNone;
}

ErrorCode SimController::alter_partition(int32_t broker, int64_t broker_epoch, int32_t leader_epoch,
                                         int32_t partition_epoch, const std::vector<int32_t>& new_isr,
                                         const std::vector<int64_t>& new_isr_epochs) {
  controller::IsrChange c;
  c.broker_id = broker;
  c.broker_epoch = broker_epoch;
  c.topic_id = topic_id_;
  c.partition = 0;
  c.leader_epoch = leader_epoch;
  c.partition_epoch = partition_epoch;
  c.new_isr = new_isr;
  c.new_isr_epochs = new_isr_epochs;
  std::vector<metadata::MetadataRecord> out;
  auto result = controller::plan_isr_change(image_, c, out);
  if (!result.ok()) return result.error;
  commit(std::move(out));
  return ErrorCode::kNone;
}

void SimController::check_sessions() {
  const int64_t now = clock_.monotonic_ms();
  for (const auto& [id, b] : std::map<int32_t, metadata::BrokerInfo>(image_.brokers())) {
    if (b.fenced || now - last_contact_ms_[id] <= options_.session_timeout_ms) continue;
    std::vector<metadata::MetadataRecord> out;
    out.emplace_back(protocol::FenceBrokerRecord{id, b.epoch});
    for (auto& rec : controller::plan_broker_removal(image_, {id}, nullptr)) out.push_back(std::move(rec));
    commit(std::move(out));
  }
}

}  // namespace kappa::replication::sim

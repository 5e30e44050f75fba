// GroupCoordinator: shards per led __consumer_offsets partition, their
// appends and commit waits, and the timers.  Loading is in
// coordinator_loader.cc, the request entry points in coordinator_api.cc.
#include "kappa/group/group_coordinator.h"

#include "group/coordinator_slot.h"
#include "kappa/common/log.h"
#include "kappa/group/group_partitioner.h"
#include "kappa/protocol/record_batch_builder.h"

namespace kappa::group {

using protocol::ErrorCode;

namespace {
auto& log() {
  static auto logger = logging::get("group");
  return logger;
}
}  // namespace

GroupConfig group_config_from(const config::BrokerConfig& c) {
  GroupConfig g;
  g.min_session_timeout_ms = c.get_int("group.min.session.timeout.ms");
  g.max_session_timeout_ms = c.get_int("group.max.session.timeout.ms");
  g.initial_rebalance_delay_ms = c.get_int("group.initial.rebalance.delay.ms");
  g.max_size = c.get_int("group.max.size");
  g.offsets_retention_ms = c.get_long("offsets.retention.minutes") * 60'000;
  g.offset_metadata_max_bytes = c.get_int("offset.metadata.max.bytes");
  g.offsets_commit_timeout_ms = c.get_int("offsets.commit.timeout.ms");
  const auto protocols = c.get_list("group.coordinator.rebalance.protocols");
  g.consumer_protocol_enabled = std::find(protocols.begin(), protocols.end(), "consumer") != protocols.end();
  g.consumer_session_timeout_ms = c.get_int("group.consumer.session.timeout.ms");
  g.consumer_heartbeat_interval_ms = c.get_int("group.consumer.heartbeat.interval.ms");
  g.consumer_max_size = c.get_int("group.consumer.max.size");
  g.consumer_assignors = c.get_list("group.consumer.assignors");
  return g;
}

// --- Appends

ErrorCode GroupCoordinator::Sink::append(std::vector<CoordinatorRecord> records) {
  if (records.empty()) return ErrorCode::kNone;
  replication::Partition* p = owner_.partition(slot_.index);
  if (!p || !p->is_leader() || p->leader_epoch() != slot_.leader_epoch || slot_.unloaded) {
    return ErrorCode::kNotLeaderOrFollower;
  }
  protocol::RecordBatchBuilder builder;
  const int64_t now = owner_.deps_.clock.wall_ms();
  for (const auto& r : records) {
    builder.append(now, r.key, r.value ? protocol::BytesView(*r.value) : protocol::BytesView());
  }
  auto batch = builder.finish();
  const auto& image_topic = owner_.topic_configs_;
  config::TopicConfig topic(&owner_.deps_.broker_config, image_topic);
  if (batch.size() > static_cast<size_t>(topic.get_long("max.message.bytes")))
    return ErrorCode::kMessageTooLarge;
  auto out = p->append_as_leader(batch, -1, static_cast<int32_t>(topic.get_long("min.insync.replicas")));
  if (out.error != ErrorCode::kNone) {
    log()->warn("[{}-{}] append failed: {} {}", kOffsetsTopic, slot_.index, protocol::error_name(out.error),
                out.message);
    return out.error;
  }
  slot_.written_end = out.result.last_offset + 1;
  return ErrorCode::kNone;
}

// --- Lifecycle

GroupCoordinator::GroupCoordinator(Deps deps, GroupConfig config)
    : deps_(std::move(deps)),
      config_(std::move(config)),
      tick_timer_(deps_.executor),
      retention_timer_(deps_.executor) {}

GroupCoordinator::~GroupCoordinator() = default;

void GroupCoordinator::start() {
  if (started_) return;
  started_ = true;
  auto on_error = [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log()->error("group coordinator timer failed: {}", ex.what());
    }
  };
  asio::co_spawn(deps_.executor, tick_loop(), on_error);
  asio::co_spawn(deps_.executor, retention_loop(), on_error);
}

void GroupCoordinator::stop() {
  stopped_ = true;
  auto slots = slots_;
  for (auto& [index, slot] : slots) unload(slot);
  tick_timer_.cancel();
  retention_timer_.cancel();
}

replication::Partition* GroupCoordinator::partition(int32_t index) const {
  return deps_.replicas.get(kOffsetsTopic, index);
}

void GroupCoordinator::on_metadata(const metadata::MetadataImage& image) {
  if (stopped_) return;
  std::vector<TopicInfo> topics;
  for (const auto& [name, t] : image.topics()) {
    topics.push_back(TopicInfo{t.id, name, static_cast<int32_t>(t.partitions.size()), t.is_internal()});
  }
  catalog_.reset(std::move(topics));
  const metadata::TopicImage* offsets = image.topic(kOffsetsTopic);
  topic_partitions_ = offsets ? static_cast<int32_t>(offsets->partitions.size()) : -1;
  topic_configs_ = offsets ? offsets->configs : std::map<std::string, std::string>{};
  std::set<int32_t> led;
  for (int32_t i = 0; i < std::max(topic_partitions_, 0); ++i) {
    replication::Partition* p = partition(i);
    if (!p || !p->is_leader()) continue;
    led.insert(i);
    auto it = slots_.find(i);
    if (it != slots_.end() && it->second->leader_epoch == p->leader_epoch()) continue;
    if (it != slots_.end()) unload(it->second);
    auto slot = std::make_shared<Slot>(i, p->leader_epoch());
    slot->sink = std::make_unique<Sink>(*this, *slot);
    slot->shard = std::make_unique<GroupShard>(i, config_, deps_.clock, *slot->sink, catalog_);
    slots_[i] = slot;
    log()->debug("[{}-{}] loading the group coordinator state (leader epoch {})", kOffsetsTopic, i,
                 slot->leader_epoch);
    asio::co_spawn(deps_.executor, load(slot), [slot](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log()->error("[{}-{}] loading failed: {}", kOffsetsTopic, slot->index, ex.what());
      }
    });
  }
  std::vector<std::shared_ptr<Slot>> lost;
  for (const auto& [i, slot] : slots_) {
    if (!led.count(i)) lost.push_back(slot);
  }
  for (const auto& slot : lost) unload(slot);
}

void GroupCoordinator::unload(const std::shared_ptr<Slot>& slot) {
  if (slot->unloaded) return;
  slot->unloaded = true;
  slot->shard->unload();
  auto it = slots_.find(slot->index);
  if (it != slots_.end() && it->second == slot) slots_.erase(it);
  log()->debug("[{}-{}] group coordinator state unloaded", kOffsetsTopic, slot->index);
}

bool GroupCoordinator::still_current(const Slot& slot) const {
  if (slot.unloaded || stopped_) return false;
  replication::Partition* p = partition(slot.index);
  return p && p->is_leader() && p->leader_epoch() == slot.leader_epoch;
}

size_t GroupCoordinator::active_shards() const {
  size_t n = 0;
  for (const auto& [i, s] : slots_) n += s->active ? 1 : 0;
  return n;
}

std::vector<const GroupShard*> GroupCoordinator::active_shard_views() const {
  std::vector<const GroupShard*> out;
  for (const auto& [i, s] : slots_) {
    if (s->active && !s->unloaded && s->shard) out.push_back(s->shard.get());
  }
  return out;
}

size_t GroupCoordinator::loading_shards() const { return slots_.size() - active_shards(); }

// --- Lookups

int32_t GroupCoordinator::partition_for(std::string_view group_id) const {
  const int32_t n =
      topic_partitions_ > 0 ? topic_partitions_ : deps_.broker_config.get_int("offsets.topic.num.partitions");
  return partition_for_group(group_id, n);
}

std::shared_ptr<GroupCoordinator::Slot> GroupCoordinator::slot_for(std::string_view group_id) const {
  if (topic_partitions_ <= 0) return nullptr;
  auto it = slots_.find(partition_for(group_id));
  return it == slots_.end() ? nullptr : it->second;
}

ErrorCode GroupCoordinator::status(std::string_view group_id) const {
  if (stopped_) return ErrorCode::kNotCoordinator;
  auto slot = slot_for(group_id);
  if (!slot) return ErrorCode::kNotCoordinator;
  return slot->active ? ErrorCode::kNone : ErrorCode::kCoordinatorLoadInProgress;
}

// --- Commit waits

awaitable<ErrorCode> GroupCoordinator::wait_committed(std::shared_ptr<Slot> slot, int64_t offset,
                                                      bool forever) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.offsets_commit_timeout_ms);
  while (true) {
    if (!still_current(*slot)) co_return ErrorCode::kNotCoordinator;
    replication::Partition* p = partition(slot->index);
    if (p->high_watermark() >= offset) co_return ErrorCode::kNone;
    const auto until = forever ? std::chrono::steady_clock::now() + std::chrono::seconds(1) : deadline;
    if (!forever && std::chrono::steady_clock::now() >= deadline) co_return ErrorCode::kRequestTimedOut;
    replication::TimedWaiter waiter(deps_.executor);
    p->add_waiter(&waiter);
    co_await waiter.wait_until(until);
    if (auto* again = partition(slot->index)) again->remove_waiter(&waiter);
  }
}

awaitable<ErrorCode> GroupCoordinator::wait_written(const std::shared_ptr<Slot>& slot) {
  co_return co_await wait_committed(slot, slot->written_end);
}

// --- Timers

void GroupCoordinator::rearm() {
  if (stopped_) return;
  int64_t next = INT64_MAX;
  for (const auto& [i, slot] : slots_) {
    if (slot->active) next = std::min(next, slot->shard->next_deadline());
  }
  if (next < next_tick_ms_) {
    next_tick_ms_ = next;
    tick_timer_.cancel();
  }
}

awaitable<void> GroupCoordinator::tick_loop() {
  while (!stopped_) {
    const int64_t now = deps_.clock.monotonic_ms();
    // At most a second between ticks: nothing can be late by more.
    const int64_t wake = std::min(next_tick_ms_, now + 1000);
    tick_timer_.expires_after(std::chrono::milliseconds(std::max<int64_t>(wake - now, 0)));
    co_await tick_timer_.async_wait(use_tuple);
    if (stopped_) break;
    next_tick_ms_ = INT64_MAX;
    auto slots = slots_;
    for (auto& [i, slot] : slots) {
      if (slot->active && !slot->unloaded) slot->shard->tick();
    }
    rearm();
  }
}

awaitable<void> GroupCoordinator::retention_loop() {
  const auto period =
      std::chrono::milliseconds(deps_.broker_config.get_long("offsets.retention.check.interval.ms"));
  while (!stopped_) {
    retention_timer_.expires_after(period);
    co_await retention_timer_.async_wait(use_tuple);
    if (stopped_) break;
    auto slots = slots_;
    for (auto& [i, slot] : slots) {
      if (!slot->active || slot->unloaded) continue;
      if (size_t n = slot->shard->expire_offsets()) {
        log()->info("[{}-{}] removed {} expired offsets", kOffsetsTopic, i, n);
      }
    }
  }
}

}  // namespace kappa::group

// GroupShard: loading, applying records, timers, unloading.
#include "kappa/group/group_shard.h"

#include <fmt/format.h>

#include "kappa/common/log.h"

namespace kappa::group {

using protocol::ErrorCode;

GroupShard::GroupShard(int32_t partition, const GroupConfig& config, const Clock& clock, RecordSink& sink,
                       const TopicCatalog& topics, std::function<std::string()> new_uuid)
    : partition_(partition),
      ctx_{config,
           clock,
           sink,
           std::move(new_uuid),
           logging::get("group"),
           fmt::format("[__consumer_offsets-{}] ", partition)},
      topics_(topics) {}

GroupShard::~GroupShard() = default;

ClassicGroup* GroupShard::find_classic(const std::string& id) {
  auto it = classic_.find(id);
  return it == classic_.end() ? nullptr : it->second.get();
}

ConsumerGroup* GroupShard::find_consumer(const std::string& id) {
  auto it = consumer_.find(id);
  return it == consumer_.end() ? nullptr : it->second.get();
}

const ClassicGroup* GroupShard::classic_group(const std::string& id) const {
  auto it = classic_.find(id);
  return it == classic_.end() ? nullptr : it->second.get();
}

const ConsumerGroup* GroupShard::consumer_group(const std::string& id) const {
  auto it = consumer_.find(id);
  return it == consumer_.end() ? nullptr : it->second.get();
}

ClassicGroup& GroupShard::get_or_create_classic(const std::string& id) {
  auto& slot = classic_[id];
  if (!slot) slot = std::make_unique<ClassicGroup>(id, ctx_);
  return *slot;
}

// --- Replay

void GroupShard::replay(const ParsedRecord& record) {
  std::visit(
      [this, &record](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, OffsetCommitRecord>) {
          replay_offset(r);
        } else if constexpr (std::is_same_v<T, GroupMetadataRecord>) {
          replay_group_metadata(r);
        } else if constexpr (!std::is_same_v<T, std::monostate>) {
          replay_consumer(record);
        }
      },
      record);
}

void GroupShard::replay_offset(const OffsetCommitRecord& r) {
  TopicPartitionKey tp{r.key.topic, r.key.partition};
  if (!r.value) {
    offsets_.erase(r.key.group, tp);
    return;
  }
  offsets_.put(r.key.group, tp, OffsetAndMetadata::from_value(*r.value, r.value_version));
  // Offsets without group metadata belong to a "simple" group (Empty, no protocol).
  if (!classic_.count(r.key.group) && !consumer_.count(r.key.group)) get_or_create_classic(r.key.group);
}

void GroupShard::replay_group_metadata(const GroupMetadataRecord& r) {
  const std::string& id = r.key.group;
  if (auto it = classic_.find(id); it != classic_.end()) {
    it->second->make_dead(ErrorCode::kNotCoordinator);
    classic_.erase(it);
  }
  if (r.value) {
    consumer_.erase(id);
    classic_[id] = ClassicGroup::load(id, *r.value, ctx_);
  } else if (offsets_.has_offsets(id)) {
    get_or_create_classic(id);
  }
}

void GroupShard::replay_consumer(const ParsedRecord& record) {
  const std::string id = std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, std::monostate> || std::is_same_v<T, OffsetCommitRecord> ||
                      std::is_same_v<T, GroupMetadataRecord>) {
          return {};
        } else {
          return r.key.group_id;
        }
      },
      record);
  auto& slot = consumer_[id];
  if (!slot) {
    // A simple group (offsets only) becomes this consumer group.
    if (auto it = classic_.find(id); it != classic_.end() && it->second->size() == 0) classic_.erase(it);
    slot = std::make_unique<ConsumerGroup>(id);
  }
  slot->replay(record);
  if (slot->deleted()) {
    consumer_.erase(id);
    if (offsets_.has_offsets(id)) get_or_create_classic(id);
  }
}

void GroupShard::finish_loading() {
  for (auto& [id, g] : consumer_) g->start_sessions(ctx_.now(), ctx_.config);
  ctx_.logger->debug("{}loaded {} classic and {} consumer groups, {} groups with offsets", ctx_.log_prefix,
                     classic_.size(), consumer_.size(), offsets_.groups().size());
}

ErrorCode GroupShard::append_and_apply(std::vector<CoordinatorRecord> records) {
  if (records.empty()) return ErrorCode::kNone;
  auto e = ctx_.sink.append(records);
  if (e != ErrorCode::kNone) return e;
  for (const auto& r : records) apply(r);
  return ErrorCode::kNone;
}

void GroupShard::apply(const CoordinatorRecord& record) {
  replay(parse_record(record.key, record.value ? protocol::BytesView(*record.value) : protocol::BytesView()));
}

// --- Time

void GroupShard::tick() {
  for (auto& [id, g] : classic_) g->tick();
  const int64_t now = ctx_.now();
  for (auto& [id, g] : consumer_) {
    for (const auto& member : g->expired_members(now)) {
      if (!g->member(member)) continue;
      ctx_.logger->info("{}consumer group {}: member {} fenced (session or rebalance timeout)",
                        ctx_.log_prefix, id, member);
      auto change = g->fence(member, topics_);
      if (auto e = ctx_.sink.append(change.records); e != ErrorCode::kNone) {
        ctx_.logger->warn("{}consumer group {}: cannot fence {}: {}", ctx_.log_prefix, id, member,
                          protocol::error_name(e));
        break;
      }
      g = std::move(change.next);
    }
  }
}

int64_t GroupShard::next_deadline() const {
  int64_t next = kNoDeadline;
  for (const auto& [id, g] : classic_) next = std::min(next, g->next_deadline());
  for (const auto& [id, g] : consumer_) next = std::min(next, g->next_deadline());
  return next;
}

void GroupShard::unload() {
  for (auto& [id, g] : classic_) g->make_dead(ErrorCode::kNotCoordinator);
  classic_.clear();
  consumer_.clear();
  offsets_ = OffsetStore{};
}

}  // namespace kappa::group

// GroupShard: OffsetCommit, OffsetFetch, OffsetDelete and offset expiry.
#include "kappa/group/group_shard.h"

namespace kappa::group {

using protocol::ErrorCode;

void GroupShard::commit_offsets(OffsetCommitParams& p) {
  ErrorCode group_error = ErrorCode::kNone;
  if (ClassicGroup* g = find_classic(p.group_id)) {
    group_error = g->validate_offset_commit(p.member_id, p.group_instance_id, p.generation_or_member_epoch);
  } else if (const ConsumerGroup* cg = find_consumer(p.group_id)) {
    group_error = cg->validate_offset_commit(p.member_id, p.generation_or_member_epoch, p.api_version);
  } else if (p.generation_or_member_epoch < 0) {
    get_or_create_classic(p.group_id);  // a "simple" group that only stores offsets
  } else {
    group_error = ErrorCode::kIllegalGeneration;  // a member of a generation this coordinator never had
  }
  std::vector<size_t> written;
  std::vector<CoordinatorRecord> records;
  const int64_t now = ctx_.wall();
  for (size_t i = 0; i < p.entries.size(); ++i) {
    auto& e = p.entries[i];
    if (e.error != ErrorCode::kNone) continue;
    if (group_error != ErrorCode::kNone) {
      e.error = group_error;
      continue;
    }
    if (e.metadata && e.metadata->size() > static_cast<size_t>(ctx_.config.offset_metadata_max_bytes)) {
      e.error = ErrorCode::kOffsetMetadataTooLarge;
      continue;
    }
    OffsetAndMetadata o{e.offset, e.leader_epoch, e.metadata.value_or(""), now, std::nullopt};
    if (p.retention_ms >= 0) o.expire_timestamp_ms = now + p.retention_ms;
    auto value = o.to_value();
    records.push_back(offset_commit_record(p.group_id, e.topic, e.partition, &value));
    written.push_back(i);
  }
  if (records.empty()) return;
  const ErrorCode e = offset_write_error(append_and_apply(std::move(records)));
  for (size_t i : written) p.entries[i].error = e;
}

OffsetFetchResult GroupShard::fetch_offsets(const OffsetFetchParams& p) const {
  OffsetFetchResult out;
  if (const ConsumerGroup* cg = consumer_group(p.group_id)) {
    out.error = cg->validate_offset_fetch(p.member_id, p.member_epoch);
    if (out.error != ErrorCode::kNone) return out;
  }
  const GroupOffsets* committed = offsets_.offsets(p.group_id);
  auto fetched = [](const TopicPartitionKey& tp, const OffsetAndMetadata* o) {
    FetchedOffset f;
    f.topic = tp.topic;
    f.partition = tp.partition;
    if (o) {
      f.offset = o->offset;
      f.leader_epoch = o->leader_epoch;
      f.metadata = o->metadata;
    }
    return f;
  };
  if (p.partitions) {
    for (const auto& tp : *p.partitions) {
      const OffsetAndMetadata* o = nullptr;
      if (committed) {
        auto it = committed->find(tp);
        if (it != committed->end()) o = &it->second;
      }
      out.offsets.push_back(fetched(tp, o));
    }
  } else if (committed) {
    for (const auto& [tp, o] : *committed) out.offsets.push_back(fetched(tp, &o));
  }
  return out;
}

ErrorCode GroupShard::delete_offsets(const std::string& group_id, std::vector<OffsetDeleteEntry>& entries) {
  std::function<bool(const std::string&)> subscribed;
  if (const ClassicGroup* g = find_classic(group_id)) {
    const bool empty = g->state() == ClassicGroupState::kEmpty;
    if (!empty && g->protocol_type() != kConsumerProtocolType) return ErrorCode::kNonEmptyGroup;
    if (!empty) subscribed = [g](const std::string& t) { return g->is_subscribed_to(t); };
  } else if (const ConsumerGroup* cg = find_consumer(group_id)) {
    subscribed = [cg](const std::string& t) { return cg->is_subscribed_to(t); };
  } else {
    return ErrorCode::kGroupIdNotFound;
  }
  std::vector<CoordinatorRecord> records;
  std::vector<size_t> written;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& e = entries[i];
    if (e.error != ErrorCode::kNone) continue;
    if (subscribed && subscribed(e.tp.topic)) {
      e.error = ErrorCode::kGroupSubscribedToTopic;
      continue;
    }
    written.push_back(i);
    if (offsets_.get(group_id, e.tp))
      records.push_back(offset_commit_record(group_id, e.tp.topic, e.tp.partition, nullptr));
  }
  if (auto e = append_and_apply(std::move(records)); e != ErrorCode::kNone) return offset_write_error(e);
  return ErrorCode::kNone;
}

std::vector<TopicPartitionKey> GroupShard::expired_offsets_of(const std::string& id, int64_t now) const {
  const GroupOffsets* offsets = offsets_.offsets(id);
  if (!offsets) return {};
  const int64_t retention = ctx_.config.offsets_retention_ms;
  if (const ClassicGroup* g = classic_group(id)) {
    auto keep = [g](const std::string& t) { return g->is_subscribed_to(t); };
    if (!g->protocol_type())
      return expired_offsets(*offsets, now, retention, std::nullopt, keep);  // simple group
    if (g->state() == ClassicGroupState::kEmpty) {
      // Counted from when the group became empty.
      return expired_offsets(*offsets, now, retention, g->state_timestamp_ms(), keep);
    }
    if (g->protocol_type() == kConsumerProtocolType && g->subscribed_topics() &&
        g->state() == ClassicGroupState::kStable) {
      return expired_offsets(*offsets, now, retention, std::nullopt, keep);  // topics no longer consumed
    }
    return {};
  }
  if (const ConsumerGroup* cg = consumer_group(id)) {
    return expired_offsets(*offsets, now, retention, std::nullopt,
                           [cg](const std::string& t) { return cg->is_subscribed_to(t); });
  }
  return expired_offsets(*offsets, now, retention, std::nullopt, nullptr);
}

bool GroupShard::group_is_empty(const std::string& id) const {
  if (const ClassicGroup* g = classic_group(id)) return g->state() == ClassicGroupState::kEmpty;
  if (const ConsumerGroup* cg = consumer_group(id)) return cg->empty();
  return true;
}

size_t GroupShard::expire_offsets() {
  std::vector<std::string> ids;
  for (const auto& [id, g] : classic_) ids.push_back(id);
  for (const auto& [id, g] : consumer_) ids.push_back(id);
  size_t removed = 0;
  const int64_t now = ctx_.wall();
  for (const auto& id : ids) {
    auto expired = expired_offsets_of(id, now);
    const GroupOffsets* offsets = offsets_.offsets(id);
    const bool all_gone = !offsets || expired.size() == offsets->size();
    std::vector<CoordinatorRecord> records;
    for (const auto& tp : expired)
      records.push_back(offset_commit_record(id, tp.topic, tp.partition, nullptr));
    if (all_gone && group_is_empty(id)) {
      if (const ConsumerGroup* cg = consumer_group(id)) {
        auto t = cg->tombstones();
        records.insert(records.end(), t.begin(), t.end());
      } else {
        records.push_back(group_metadata_record(id, nullptr));
      }
    }
    if (records.empty()) continue;
    if (auto e = append_and_apply(std::move(records)); e != ErrorCode::kNone) {
      ctx_.logger->warn("{}cannot expire offsets of group {}: {}", ctx_.log_prefix, id,
                        protocol::error_name(e));
      break;
    }
    removed += expired.size();
    if (!expired.empty() || all_gone) {
      ctx_.logger->info("{}group {}: {} offsets expired{}", ctx_.log_prefix, id, expired.size(),
                        all_gone ? ", group removed" : "");
    }
  }
  return removed;
}

}  // namespace kappa::group

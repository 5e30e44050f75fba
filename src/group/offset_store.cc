#include "kappa/group/offset_store.h"

namespace kappa::group {

protocol::OffsetCommitValue OffsetAndMetadata::to_value() const {
  protocol::OffsetCommitValue v;
  v.offset = offset;
  v.leader_epoch = leader_epoch;
  v.metadata = metadata;
  v.commit_timestamp = commit_timestamp_ms;
  v.expire_timestamp = expire_timestamp_ms.value_or(-1);
  return v;
}

OffsetAndMetadata OffsetAndMetadata::from_value(const protocol::OffsetCommitValue& v, int16_t version) {
  OffsetAndMetadata o;
  o.offset = v.offset;
  o.leader_epoch = v.leader_epoch;
  o.metadata = v.metadata;
  o.commit_timestamp_ms = v.commit_timestamp;
  if (version == 1 && v.expire_timestamp >= 0) o.expire_timestamp_ms = v.expire_timestamp;
  return o;
}

void OffsetStore::put(const std::string& group, const TopicPartitionKey& tp, OffsetAndMetadata offset) {
  offsets_[group][tp] = std::move(offset);
}

void OffsetStore::erase(const std::string& group, const TopicPartitionKey& tp) {
  auto it = offsets_.find(group);
  if (it == offsets_.end()) return;
  it->second.erase(tp);
  if (it->second.empty()) offsets_.erase(it);
}

void OffsetStore::erase_group(const std::string& group) {
  auto it = offsets_.find(group);
  if (it != offsets_.end()) offsets_.erase(it);
}

const OffsetAndMetadata* OffsetStore::get(const std::string& group, const TopicPartitionKey& tp) const {
  auto* g = offsets(group);
  if (!g) return nullptr;
  auto it = g->find(tp);
  return it == g->end() ? nullptr : &it->second;
}

const GroupOffsets* OffsetStore::offsets(const std::string& group) const {
  auto it = offsets_.find(group);
  return it == offsets_.end() ? nullptr : &it->second;
}

std::vector<std::string> OffsetStore::groups() const {
  std::vector<std::string> out;
  out.reserve(offsets_.size());
  for (const auto& [g, _] : offsets_) out.push_back(g);
  return out;
}

std::vector<TopicPartitionKey> expired_offsets(const GroupOffsets& offsets, int64_t now_ms,
                                               int64_t retention_ms, std::optional<int64_t> base_timestamp_ms,
                                               const std::function<bool(const std::string&)>& keep_topic) {
  std::vector<TopicPartitionKey> out;
  for (const auto& [tp, o] : offsets) {
    if (keep_topic && keep_topic(tp.topic)) continue;
    bool expired;
    if (o.expire_timestamp_ms) {
      expired = now_ms >= *o.expire_timestamp_ms;
    } else {
      expired = now_ms - base_timestamp_ms.value_or(o.commit_timestamp_ms) >= retention_ms;
    }
    if (expired) out.push_back(tp);
  }
  return out;
}

}  // namespace kappa::group

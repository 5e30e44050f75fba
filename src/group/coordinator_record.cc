#include "kappa/group/coordinator_record.h"

#include <algorithm>

#include <fmt/format.h>

namespace kappa::group {
namespace {

using protocol::Bytes;
using protocol::BytesView;
using protocol::DecodeError;
using protocol::Reader;
using protocol::Writer;

constexpr int16_t kOffsetCommitKeyVersion = 1;
constexpr int16_t kGroupMetadataValueVersion = 3;

template <typename T>
Bytes encode_versioned(const T& message, int16_t version) {
  Writer w;
  w.i16(version);
  message.encode(w, version);
  return w.flatten();
}

template <typename T>
CoordinatorRecord make(const Bytes& key, const T* value, int16_t value_version) {
  CoordinatorRecord r{key, std::nullopt};
  if (value) r.value = encode_versioned(*value, value_version);
  return r;
}

template <typename K, typename V>
Keyed<K, V> decode(Reader& key_reader, int16_t key_version, BytesView value) {
  Keyed<K, V> out;
  out.key.decode(key_reader, key_version);
  if (!key_reader.at_end()) throw DecodeError("trailing bytes after a __consumer_offsets key");
  if (value.is_null()) return out;
  Reader vr(value.bytes());
  const int16_t version = vr.i16();
  if (version < V::kMinVersion) throw DecodeError(fmt::format("unknown value version {}", version));
  // Newer versions only add tagged fields (KIP-915): read them as the newest we know.
  out.value.emplace().decode(vr, std::min<int16_t>(version, V::kMaxVersion));
  out.value_version = version;
  return out;
}

}  // namespace

ParsedRecord parse_record(BytesView key, BytesView value) {
  if (key.is_null()) throw DecodeError("__consumer_offsets record without a key");
  Reader kr(key.bytes());
  const int16_t version = kr.i16();
  using namespace protocol;
  switch (version) {
    case 0:
    case 1:
      return decode<OffsetCommitKey, OffsetCommitValue>(kr, version, value);
    case 2:
      return decode<GroupMetadataKey, GroupMetadataValue>(kr, version, value);
    case 3:
      return decode<ConsumerGroupMetadataKey, ConsumerGroupMetadataValue>(kr, version, value);
    case 4:
      return decode<ConsumerGroupPartitionMetadataKey, ConsumerGroupPartitionMetadataValue>(kr, version,
                                                                                            value);
    case 5:
      return decode<ConsumerGroupMemberMetadataKey, ConsumerGroupMemberMetadataValue>(kr, version, value);
    case 6:
      return decode<ConsumerGroupTargetAssignmentMetadataKey, ConsumerGroupTargetAssignmentMetadataValue>(
          kr, version, value);
    case 7:
      return decode<ConsumerGroupTargetAssignmentMemberKey, ConsumerGroupTargetAssignmentMemberValue>(
          kr, version, value);
    case 8:
      return decode<ConsumerGroupCurrentMemberAssignmentKey, ConsumerGroupCurrentMemberAssignmentValue>(
          kr, version, value);
    default:
      if (version >= 9 && version <= 15) return std::monostate{};  // share groups
      throw DecodeError(fmt::format("unknown __consumer_offsets key version {}", version));
  }
}

CoordinatorRecord offset_commit_record(const std::string& group, const std::string& topic, int32_t partition,
                                       const protocol::OffsetCommitValue* value) {
  protocol::OffsetCommitKey key{group, topic, partition};
  const int16_t value_version = value && value->expire_timestamp >= 0 ? 1 : 3;
  return make(encode_versioned(key, kOffsetCommitKeyVersion), value, value_version);
}

CoordinatorRecord group_metadata_record(const std::string& group, const protocol::GroupMetadataValue* value) {
  protocol::GroupMetadataKey key{group};
  return make(encode_versioned(key, 2), value, kGroupMetadataValueVersion);
}

CoordinatorRecord consumer_group_epoch_record(const std::string& group,
                                              const protocol::ConsumerGroupMetadataValue* value) {
  protocol::ConsumerGroupMetadataKey key{group};
  return make(encode_versioned(key, 3), value, 0);
}

CoordinatorRecord consumer_group_partition_metadata_record(
    const std::string& group, const protocol::ConsumerGroupPartitionMetadataValue* value) {
  protocol::ConsumerGroupPartitionMetadataKey key{group};
  return make(encode_versioned(key, 4), value, 0);
}

CoordinatorRecord consumer_group_member_record(const std::string& group, const std::string& member,
                                               const protocol::ConsumerGroupMemberMetadataValue* value) {
  protocol::ConsumerGroupMemberMetadataKey key{group, member};
  return make(encode_versioned(key, 5), value, 0);
}

CoordinatorRecord consumer_group_target_epoch_record(
    const std::string& group, const protocol::ConsumerGroupTargetAssignmentMetadataValue* value) {
  protocol::ConsumerGroupTargetAssignmentMetadataKey key{group};
  return make(encode_versioned(key, 6), value, 0);
}

CoordinatorRecord consumer_group_target_member_record(
    const std::string& group, const std::string& member,
    const protocol::ConsumerGroupTargetAssignmentMemberValue* value) {
  protocol::ConsumerGroupTargetAssignmentMemberKey key{group, member};
  return make(encode_versioned(key, 7), value, 0);
}

CoordinatorRecord consumer_group_current_member_record(
    const std::string& group, const std::string& member,
    const protocol::ConsumerGroupCurrentMemberAssignmentValue* value) {
  protocol::ConsumerGroupCurrentMemberAssignmentKey key{group, member};
  return make(encode_versioned(key, 8), value, 0);
}

}  // namespace kappa::group

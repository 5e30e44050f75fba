#pragma once
// The records of __consumer_offsets, in Kafka's format so Kafka tooling can
// read the log:
//   key   = int16 key version | key struct encoded at that version
//   value = int16 value version | value struct  (null value = tombstone)
// The key version names the record type:
//   0, 1  OffsetCommitKey                       (Kappa writes 1)
//   2     GroupMetadataKey                      (classic group)
//   3     ConsumerGroupMetadataKey              (KIP-848 group epoch)
//   4     ConsumerGroupPartitionMetadataKey     (subscribed topics)
//   5     ConsumerGroupMemberMetadataKey
//   6     ConsumerGroupTargetAssignmentMetadataKey
//   7     ConsumerGroupTargetAssignmentMemberKey
//   8     ConsumerGroupCurrentMemberAssignmentKey
//   9-15  share groups: not used by Kappa, skipped when loading.
// Value versions written: OffsetCommitValue 3 (1 when it carries an explicit
// expiry), GroupMetadataValue 3, the KIP-848 values 0.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "kappa/protocol/bytes_view.h"
#include "kappa/protocol/msg/consumer_group_current_member_assignment_key.h"
#include "kappa/protocol/msg/consumer_group_current_member_assignment_value.h"
#include "kappa/protocol/msg/consumer_group_member_metadata_key.h"
#include "kappa/protocol/msg/consumer_group_member_metadata_value.h"
#include "kappa/protocol/msg/consumer_group_metadata_key.h"
#include "kappa/protocol/msg/consumer_group_metadata_value.h"
#include "kappa/protocol/msg/consumer_group_partition_metadata_key.h"
#include "kappa/protocol/msg/consumer_group_partition_metadata_value.h"
#include "kappa/protocol/msg/consumer_group_target_assignment_member_key.h"
#include "kappa/protocol/msg/consumer_group_target_assignment_member_value.h"
#include "kappa/protocol/msg/consumer_group_target_assignment_metadata_key.h"
#include "kappa/protocol/msg/consumer_group_target_assignment_metadata_value.h"
#include "kappa/protocol/msg/group_metadata_key.h"
#include "kappa/protocol/msg/group_metadata_value.h"
#include "kappa/protocol/msg/offset_commit_key.h"
#include "kappa/protocol/msg/offset_commit_value.h"
#include "kappa/protocol/wire.h"

namespace kappa::group {

// One record to append: its key and value bytes.
struct CoordinatorRecord {
  protocol::Bytes key;
  std::optional<protocol::Bytes> value;  // nullopt: tombstone

  bool is_tombstone() const { return !value.has_value(); }
  bool operator==(const CoordinatorRecord&) const = default;
};

// A decoded record: key struct and, unless a tombstone, the value struct.
template <typename Key, typename Value>
struct Keyed {
  Key key;
  std::optional<Value> value;
  int16_t value_version = -1;
};

using OffsetCommitRecord = Keyed<protocol::OffsetCommitKey, protocol::OffsetCommitValue>;
using GroupMetadataRecord = Keyed<protocol::GroupMetadataKey, protocol::GroupMetadataValue>;
using ConsumerGroupMetadataRecord =
    Keyed<protocol::ConsumerGroupMetadataKey, protocol::ConsumerGroupMetadataValue>;
using ConsumerGroupPartitionMetadataRecord =
    Keyed<protocol::ConsumerGroupPartitionMetadataKey, protocol::ConsumerGroupPartitionMetadataValue>;
using ConsumerGroupMemberMetadataRecord =
    Keyed<protocol::ConsumerGroupMemberMetadataKey, protocol::ConsumerGroupMemberMetadataValue>;
using ConsumerGroupTargetAssignmentMetadataRecord =
    Keyed<protocol::ConsumerGroupTargetAssignmentMetadataKey,
          protocol::ConsumerGroupTargetAssignmentMetadataValue>;
using ConsumerGroupTargetAssignmentMemberRecord = Keyed<protocol::ConsumerGroupTargetAssignmentMemberKey,
                                                        protocol::ConsumerGroupTargetAssignmentMemberValue>;
using ConsumerGroupCurrentMemberAssignmentRecord = Keyed<protocol::ConsumerGroupCurrentMemberAssignmentKey,
                                                         protocol::ConsumerGroupCurrentMemberAssignmentValue>;

// std::monostate: a record type Kappa does not use (share groups).
using ParsedRecord =
    std::variant<std::monostate, OffsetCommitRecord, GroupMetadataRecord, ConsumerGroupMetadataRecord,
                 ConsumerGroupPartitionMetadataRecord, ConsumerGroupMemberMetadataRecord,
                 ConsumerGroupTargetAssignmentMetadataRecord, ConsumerGroupTargetAssignmentMemberRecord,
                 ConsumerGroupCurrentMemberAssignmentRecord>;

// Decodes one record.  Throws protocol::DecodeError when the key or value
// is malformed or has an unknown version for its type.
ParsedRecord parse_record(protocol::BytesView key, protocol::BytesView value);

// --- Builders: one function per record type; a null value is a tombstone.
CoordinatorRecord offset_commit_record(const std::string& group, const std::string& topic, int32_t partition,
                                       const protocol::OffsetCommitValue* value);
CoordinatorRecord group_metadata_record(const std::string& group, const protocol::GroupMetadataValue* value);
CoordinatorRecord consumer_group_epoch_record(const std::string& group,
                                              const protocol::ConsumerGroupMetadataValue* value);
CoordinatorRecord consumer_group_partition_metadata_record(
    const std::string& group, const protocol::ConsumerGroupPartitionMetadataValue* value);
CoordinatorRecord consumer_group_member_record(const std::string& group, const std::string& member,
                                               const protocol::ConsumerGroupMemberMetadataValue* value);
CoordinatorRecord consumer_group_target_epoch_record(
    const std::string& group, const protocol::ConsumerGroupTargetAssignmentMetadataValue* value);
CoordinatorRecord consumer_group_target_member_record(
    const std::string& group, const std::string& member,
    const protocol::ConsumerGroupTargetAssignmentMemberValue* value);
CoordinatorRecord consumer_group_current_member_record(
    const std::string& group, const std::string& member,
    const protocol::ConsumerGroupCurrentMemberAssignmentValue* value);

}  // namespace kappa::group

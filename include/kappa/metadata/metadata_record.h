#pragma once
// Cluster metadata records: the commands of the metadata log (Kafka's KRaft
// record types, so a Kafka engineer recognises them).  The active controller
// is their only writer; every node applies the committed sequence to its
// MetadataImage.
//
// Encoding of one record (as Kafka's __cluster_metadata):
//   frame version (uvarint, = 1) | record type (uvarint) | record version (uvarint) | struct

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "kappa/protocol/msg/broker_registration_change_record.h"
#include "kappa/protocol/msg/config_record.h"
#include "kappa/protocol/msg/fence_broker_record.h"
#include "kappa/protocol/msg/no_op_record.h"
#include "kappa/protocol/msg/partition_change_record.h"
#include "kappa/protocol/msg/partition_record.h"
#include "kappa/protocol/msg/producer_ids_record.h"
#include "kappa/protocol/msg/register_broker_record.h"
#include "kappa/protocol/msg/remove_topic_record.h"
#include "kappa/protocol/msg/topic_record.h"
#include "kappa/protocol/msg/unfence_broker_record.h"
#include "kappa/protocol/msg/unregister_broker_record.h"

namespace kappa::metadata {

using MetadataRecord =
    std::variant<protocol::RegisterBrokerRecord, protocol::UnregisterBrokerRecord, protocol::TopicRecord,
                 protocol::PartitionRecord, protocol::ConfigRecord, protocol::PartitionChangeRecord,
                 protocol::FenceBrokerRecord, protocol::UnfenceBrokerRecord, protocol::RemoveTopicRecord,
                 protocol::ProducerIdsRecord, protocol::BrokerRegistrationChangeRecord, protocol::NoOpRecord>;

// ConfigRecord resource types (Kafka's ConfigResource.Type).
inline constexpr int8_t kConfigResourceTopic = 2;
inline constexpr int8_t kConfigResourceBroker = 4;

std::vector<uint8_t> encode_record(const MetadataRecord& record);
// Throws protocol::DecodeError on malformed input or an unknown record type.
MetadataRecord decode_record(std::span<const uint8_t> bytes);

// A batch of records committed together (one metadata log entry).
std::vector<uint8_t> encode_records(const std::vector<MetadataRecord>& records);
std::vector<MetadataRecord> decode_records(std::span<const uint8_t> bytes);

std::string describe(const MetadataRecord& record);  // one line, for logs

}  // namespace kappa::metadata

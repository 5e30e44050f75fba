#include "kappa/metadata/metadata_record.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kappa::metadata {
namespace {

constexpr uint32_t kFrameVersion = 1;

template <typename T>
void encode_one(protocol::Writer& w, const T& r) {
  w.uvarint(kFrameVersion);
  w.uvarint(static_cast<uint32_t>(T::kRecordType));
  w.uvarint(static_cast<uint32_t>(T::kMaxVersion));
  r.encode(w, T::kMaxVersion);
}

template <size_t I = 0>
MetadataRecord decode_alternative(int16_t type, int16_t version, protocol::Reader& r) {
  if constexpr (I == std::variant_size_v<MetadataRecord>) {
    throw protocol::DecodeError(fmt::format("unknown metadata record type {}", type));
  } else {
    using T = std::variant_alternative_t<I, MetadataRecord>;
    if (T::kRecordType == type) {
      if (version < T::kMinVersion || version > T::kMaxVersion) {
        throw protocol::DecodeError(fmt::format("unsupported version {} of metadata record type {}", version, type));
      }
      T record;
      record.decode(r, version);
      return record;
    }
    return decode_alternative<I + 1>(type, version, r);
  }
}

MetadataRecord decode_from(protocol::Reader& r) {
  if (r.uvarint() != kFrameVersion) throw protocol::DecodeError("unknown metadata frame version");
  auto type = static_cast<int16_t>(r.uvarint());
  auto version = static_cast<int16_t>(r.uvarint());
  return decode_alternative(type, version, r);
}

}  // namespace

std::vector<uint8_t> encode_record(const MetadataRecord& record) {
  protocol::Writer w;
  std::visit([&](const auto& r) { encode_one(w, r); }, record);
  return std::move(w.buffer());
}

MetadataRecord decode_record(std::span<const uint8_t> bytes) {
  protocol::Reader r(bytes);
  auto record = decode_from(r);
  if (!r.at_end()) throw protocol::DecodeError("trailing bytes after a metadata record");
  return record;
}

std::vector<uint8_t> encode_records(const std::vector<MetadataRecord>& records) {
  protocol::Writer w;
  w.uvarint(static_cast<uint32_t>(records.size()));
  for (const auto& record : records) {
    auto one = encode_record(record);
    w.uvarint(static_cast<uint32_t>(one.size()));
    w.append(one.data(), one.size());
  }
  return std::move(w.buffer());
}

std::vector<MetadataRecord> decode_records(std::span<const uint8_t> bytes) {
  protocol::Reader r(bytes);
  uint32_t n = r.uvarint();
  std::vector<MetadataRecord> out;
  out.reserve(std::min<size_t>(n, bytes.size()));
  for (uint32_t i = 0; i < n; ++i) {
    auto len = r.uvarint();
    out.push_back(decode_record(r.raw(len)));
  }
  if (!r.at_end()) throw protocol::DecodeError("trailing bytes after metadata records");
  return out;
}

std::string describe(const MetadataRecord& record) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, protocol::TopicRecord>) {
          return fmt::format("TopicRecord(name={}, id={})", r.name, r.topic_id.to_string());
        } else if constexpr (std::is_same_v<T, protocol::PartitionRecord>) {
          return fmt::format("PartitionRecord(topic={}, partition={}, replicas=[{}], leader={}, epoch={})",
                             r.topic_id.to_string(), r.partition_id, fmt::join(r.replicas, ","), r.leader,
                             r.leader_epoch);
        } else if constexpr (std::is_same_v<T, protocol::PartitionChangeRecord>) {
          return fmt::format("PartitionChangeRecord(topic={}, partition={}, leader={}, isr=[{}])",
                             r.topic_id.to_string(), r.partition_id, r.leader,
                             r.isr ? fmt::format("{}", fmt::join(*r.isr, ",")) : "unchanged");
        } else if constexpr (std::is_same_v<T, protocol::RegisterBrokerRecord>) {
          return fmt::format("RegisterBrokerRecord(id={}, epoch={})", r.broker_id, r.broker_epoch);
        } else if constexpr (std::is_same_v<T, protocol::RemoveTopicRecord>) {
          return fmt::format("RemoveTopicRecord(id={})", r.topic_id.to_string());
        } else if constexpr (std::is_same_v<T, protocol::ConfigRecord>) {
          return fmt::format("ConfigRecord({}:{} {}={})", r.resource_type, r.resource_name, r.name,
                             r.value.value_or("<deleted>"));
        } else {
          return fmt::format("record type {}", T::kRecordType);
        }
      },
      record);
}

}  // namespace kappa::metadata

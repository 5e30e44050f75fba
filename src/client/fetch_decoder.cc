#include "kappa/client/fetch_decoder.h"

#include <algorithm>

#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_reader.h"

namespace kappa::client {
namespace {

std::optional<std::string> owned(const protocol::BytesView& v) {
  if (v.is_null()) return std::nullopt;
  return std::string(v.str());
}

}  // namespace

DecodedFetch decode_fetched(const std::string& topic, int32_t partition, std::span<const uint8_t> records,
                            int64_t position, std::vector<ConsumerRecord>& out) {
  DecodedFetch result{position, {}};
  protocol::RecordReader reader;
  protocol::for_each_batch(records, [&](std::span<const uint8_t> batch) {
    if (result.error) return;
    if (auto ec = reader.open(batch)) {
      result.error = ec;
      return;
    }
    const auto& h = reader.header();
    if (h.next_offset() <= result.next_position) return;  // wholly before the position
    if (!h.is_control()) {
      protocol::Record r;
      while (reader.next(r)) {
        if (r.offset < result.next_position) continue;
        ConsumerRecord c;
        c.topic = topic;
        c.partition = partition;
        c.offset = r.offset;
        c.timestamp = r.timestamp;
        c.timestamp_type = h.log_append_time() ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
        c.leader_epoch = h.partition_leader_epoch;
        c.key = owned(r.key);
        c.value = owned(r.value);
        for (const auto& hdr : r.headers) c.headers.push_back({std::string(hdr.key), owned(hdr.value)});
        out.push_back(std::move(c));
        result.next_position = r.offset + 1;
      }
      if (reader.error()) {
        result.error = reader.error();
        return;
      }
    }
    result.next_position = std::max(result.next_position, h.next_offset());
  });
  return result;
}

}  // namespace kappa::client

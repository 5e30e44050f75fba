#include "kappa/client/consumer_protocol.h"

#include <map>

#include "kappa/protocol/wire.h"

namespace kappa::client {

using protocol::Reader;
using protocol::Writer;

std::vector<uint8_t> encode_subscription(const ConsumerSubscription& subscription) {
  Writer w;
  w.i16(0);
  w.array_len(subscription.topics.size(), false);
  for (const auto& t : subscription.topics) w.string(t, false);
  w.nullable_bytes(std::nullopt, false);  // user data
  return std::move(w.buffer());
}

std::optional<ConsumerSubscription> decode_subscription(std::span<const uint8_t> bytes) {
  try {
    Reader r(bytes);
    if (r.i16() < 0) return std::nullopt;
    ConsumerSubscription out;
    const int32_t n = r.array_len(false);
    for (int32_t i = 0; i < n; ++i) out.topics.push_back(r.string(false));
    return out;
  } catch (const protocol::DecodeError&) {
    return std::nullopt;
  }
}

std::vector<uint8_t> encode_assignment(const std::vector<TopicPartition>& partitions) {
  std::vector<std::pair<std::string, std::vector<int32_t>>> by_topic;
  for (const auto& tp : partitions) {
    if (by_topic.empty() || by_topic.back().first != tp.topic) {
      bool found = false;
      for (auto& [t, ps] : by_topic) {
        if (t == tp.topic) {
          ps.push_back(tp.partition);
          found = true;
          break;
        }
      }
      if (!found) by_topic.push_back({tp.topic, {tp.partition}});
    } else {
      by_topic.back().second.push_back(tp.partition);
    }
  }
  Writer w;
  w.i16(0);
  w.array_len(by_topic.size(), false);
  for (const auto& [t, ps] : by_topic) {
    w.string(t, false);
    w.array_len(ps.size(), false);
    for (int32_t p : ps) w.i32(p);
  }
  w.nullable_bytes(std::nullopt, false);  // user data
  return std::move(w.buffer());
}

std::optional<std::vector<TopicPartition>> decode_assignment(std::span<const uint8_t> bytes) {
  std::vector<TopicPartition> out;
  if (bytes.empty()) return out;
  try {
    Reader r(bytes);
    if (r.i16() < 0) return std::nullopt;
    const int32_t topics = r.array_len(false);
    for (int32_t i = 0; i < topics; ++i) {
      std::string topic = r.string(false);
      const int32_t n = r.array_len(false);
      for (int32_t j = 0; j < n; ++j) out.push_back({topic, r.i32()});
    }
    return out;
  } catch (const protocol::DecodeError&) {
    return std::nullopt;
  }
}

}  // namespace kappa::client

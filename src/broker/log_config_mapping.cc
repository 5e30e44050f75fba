#include "broker/log_config_mapping.h"

#include <cstdlib>

namespace kappa::broker {

storage::LogConfig to_log_config(const config::BrokerConfig& broker,
                                 const std::map<std::string, std::string>& overrides) {
  config::TopicConfig t(&broker, overrides);
  storage::LogConfig c;
  c.segment_bytes = t.get_long("segment.bytes");
  c.segment_ms = t.get_long("segment.ms");
  c.index_interval_bytes = static_cast<int32_t>(t.get_long("index.interval.bytes"));
  c.retention_ms = t.get_long("retention.ms");
  c.retention_bytes = t.get_long("retention.bytes");
  c.flush_messages = t.get_long("flush.messages");
  c.flush_ms = t.get_long("flush.ms");
  c.message_timestamp_type = t.get("message.timestamp.type") == "LogAppendTime" ? storage::TimestampType::kLogAppendTime
                                                                                 : storage::TimestampType::kCreateTime;
  auto policy = t.get("cleanup.policy");
  const bool compact = policy.find("compact") != std::string::npos;
  const bool del = policy.find("delete") != std::string::npos;
  c.cleanup_policy = compact && del ? storage::CleanupPolicy::kCompactAndDelete
                     : compact      ? storage::CleanupPolicy::kCompact
                                    : storage::CleanupPolicy::kDelete;
  c.max_message_bytes = static_cast<int32_t>(t.get_long("max.message.bytes"));
  c.delete_retention_ms = t.get_long("delete.retention.ms");
  c.min_compaction_lag_ms = t.get_long("min.compaction.lag.ms");
  c.min_cleanable_dirty_ratio = std::strtod(t.get("min.cleanable.dirty.ratio").c_str(), nullptr);
  return c;
}

}  // namespace kappa::broker

namespace kappa::broker {

storage::CleanerConfig to_cleaner_config(const config::BrokerConfig& broker) {
  storage::CleanerConfig c;
  c.enable = broker.get_bool("log.cleaner.enable");
  c.dedupe_buffer_bytes = static_cast<size_t>(broker.get_long("log.cleaner.dedupe.buffer.size"));
  c.dedupe_load_factor = std::strtod(broker.get("log.cleaner.io.buffer.load.factor").c_str(), nullptr);
  return c;
}

}  // namespace kappa::broker

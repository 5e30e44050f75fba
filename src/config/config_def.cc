#include "kappa/config/config_def.h"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace kappa::config {
namespace {

using enum ConfigType;
constexpr int64_t kLongMax = INT64_MAX;
constexpr int64_t kIntMax = INT32_MAX;

// Broker settings.  Names and defaults follow Apache Kafka; settings Kafka
// lacks are marked "Kappa:" in their documentation.
constexpr ConfigDef kBroker[] = {
    {"node.id", kInt, "1", "Id of this node in the cluster; unique per node.", ConfigScope::kBroker, {}, 0, kIntMax},
    {"process.roles", kList, "broker,controller",
     "Roles of this process: broker, controller, or broker,controller.", ConfigScope::kBroker, {}, INT64_MIN,
     INT64_MAX, "broker,controller"},
    {"cluster.id", kString, "", "Cluster id shared by all nodes; generated on first start when unset.",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, {}, true},
    {"listeners", kList, "PLAINTEXT://127.0.0.1:9092",
     "Comma-separated NAME://host:port listeners to bind (host empty or 0.0.0.0 binds all interfaces)."},
    {"advertised.listeners", kList, "",
     "Listeners published to clients in Metadata; defaults to `listeners` without controller listeners.",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, {}, true},
    {"listener.security.protocol.map", kList, "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
     "Maps listener names to security protocols (only PLAINTEXT is supported)."},
    {"inter.broker.listener.name", kString, "PLAINTEXT", "Listener brokers use to talk to each other."},
    {"controller.listener.names", kList, "CONTROLLER", "Listener names used by the controller quorum."},
    {"controller.quorum.voters", kList, "",
     "Controller quorum voters as id@host:port,...; empty for a single node that is its own quorum.",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, {}, true},
    {"broker.rack", kString, "", "Rack of this broker, used to spread replicas across racks.", ConfigScope::kBroker,
     {}, INT64_MIN, INT64_MAX, {}, true},
    {"log.dirs", kList, "./data", "Directories holding partition logs (one <topic>-<partition> folder each)."},
    {"num.partitions", kInt, "1", "Partitions of auto-created topics and of CreateTopics with -1.",
     ConfigScope::kBroker, {}, 1, kIntMax, {}, false, false},
    {"default.replication.factor", kInt, "1", "Replication factor of auto-created topics and of CreateTopics with -1.",
     ConfigScope::kBroker, {}, 1, 32767, {}, false, false},
    {"auto.create.topics.enable", kBoolean, "true", "Create unknown topics when a client asks for them in Metadata.",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, {}, false, false},
    {"delete.topic.enable", kBoolean, "true", "Allow DeleteTopics.", ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX,
     {}, false, false},
    {"log.segment.bytes", kInt, "1073741824", "Size at which a log segment is rolled.", ConfigScope::kBroker, {},
     14, kIntMax, {}, false, false},
    {"log.roll.ms", kLong, "", "Age of a segment's first record after which it is rolled (overrides log.roll.hours).",
     ConfigScope::kBroker, {}, 1, kLongMax, {}, true, false},
    {"log.roll.hours", kInt, "168", "Age in hours after which a segment is rolled.", ConfigScope::kBroker, {}, 1,
     kIntMax, {}, false, false},
    {"log.retention.ms", kLong, "",
     "Delete segments older than this (overrides minutes/hours); -1 keeps data forever.", ConfigScope::kBroker, {},
     -1, kLongMax, {}, true, false},
    {"log.retention.minutes", kInt, "", "Retention in minutes (overrides hours).", ConfigScope::kBroker, {}, -1,
     kIntMax, {}, true, false},
    {"log.retention.hours", kInt, "168", "Retention in hours.", ConfigScope::kBroker, {}, -1, kIntMax, {}, false,
     false},
    {"log.retention.bytes", kLong, "-1", "Delete oldest segments while a partition is larger than this; -1 = no limit.",
     ConfigScope::kBroker, {}, -1, kLongMax, {}, false, false},
    {"log.retention.check.interval.ms", kLong, "300000", "How often retention runs.", ConfigScope::kBroker, {}, 1,
     kLongMax},
    {"log.index.interval.bytes", kInt, "4096", "Bytes of log between two offset-index entries.",
     ConfigScope::kBroker, {}, 0, kIntMax, {}, false, false},
    {"log.flush.interval.messages", kLong, "9223372036854775807",
     "fsync a partition after this many messages; the default leaves durability to replication and the page cache.",
     ConfigScope::kBroker, {}, 1, kLongMax, {}, false, false},
    {"log.flush.interval.ms", kLong, "",
     "fsync a partition when its oldest unflushed message is this old; unset = never by time.",
     ConfigScope::kBroker, {}, 0, kLongMax, {}, true, false},
    {"log.flush.scheduler.interval.ms", kLong, "1000", "Kappa: how often the time-based flush policy is checked.",
     ConfigScope::kBroker, {}, 1, kLongMax},
    {"log.message.timestamp.type", kString, "CreateTime", "CreateTime keeps producer timestamps; LogAppendTime stamps "
     "the broker's time.", ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, "CreateTime,LogAppendTime", false, false},
    {"log.cleaner.enable", kBoolean, "true", "Run the log cleaner that compacts topics with cleanup.policy=compact.",
     ConfigScope::kBroker},
    {"log.cleaner.dedupe.buffer.size", kLong, "134217728", "Memory for the cleaner's key-to-offset map.",
     ConfigScope::kBroker, {}, 1024, kLongMax},
    {"log.cleaner.io.buffer.load.factor", kDouble, "0.9", "Fill factor of the cleaner's key-to-offset map (0, 1].",
     ConfigScope::kBroker},
    {"log.cleaner.backoff.ms", kLong, "15000", "Pause of the cleaner when no log needs cleaning.", ConfigScope::kBroker,
     {}, 1, kLongMax},
    {"log.cleaner.delete.retention.ms", kLong, "86400000",
     "How long a tombstone stays in a compacted topic after the cleaner first passes it.", ConfigScope::kBroker, {}, 0,
     kLongMax, {}, false, false},
    {"log.cleaner.min.compaction.lag.ms", kLong, "0", "Records younger than this are never compacted.",
     ConfigScope::kBroker, {}, 0, kLongMax, {}, false, false},
    {"log.cleaner.min.cleanable.ratio", kDouble, "0.5",
     "Share of not-yet-cleaned bytes at which a compacted log is cleaned.", ConfigScope::kBroker, {}, INT64_MIN,
     INT64_MAX, {}, false, false},
    {"log.cleanup.policy", kList, "delete", "Default cleanup policy of topics (delete).", ConfigScope::kBroker, {},
     INT64_MIN, INT64_MAX, "delete,compact", false, false},
    {"message.max.bytes", kInt, "1048588", "Largest record batch the broker accepts.", ConfigScope::kBroker, {}, 0,
     kIntMax, {}, false, false},
    {"socket.request.max.bytes", kInt, "104857600", "Largest request frame; larger frames close the connection.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"socket.send.buffer.bytes", kInt, "102400", "SO_SNDBUF of client sockets; -1 = OS default.",
     ConfigScope::kBroker, {}, -1, kIntMax},
    {"socket.receive.buffer.bytes", kInt, "102400", "SO_RCVBUF of client sockets; -1 = OS default.",
     ConfigScope::kBroker, {}, -1, kIntMax},
    {"connections.max.idle.ms", kLong, "600000", "Close connections idle for longer than this.", ConfigScope::kBroker,
     {}, 1, kLongMax},
    {"queued.max.request.bytes", kLong, "-1",
     "Kappa: bytes of requests read ahead per connection while one is handled; -1 = socket.request.max.bytes.",
     ConfigScope::kBroker, {}, -1, kLongMax},
    {"min.insync.replicas", kInt, "1", "Replicas that must acknowledge an acks=all write.", ConfigScope::kBroker, {},
     1, kIntMax, {}, false, false},
    {"unclean.leader.election.enable", kBoolean, "false", "Allow electing an out-of-sync replica as leader.",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, {}, false, false},
    {"replica.lag.time.max.ms", kLong, "30000", "A follower not caught up for this long leaves the ISR.",
     ConfigScope::kBroker, {}, 1, kLongMax},
    {"replica.fetch.max.bytes", kInt, "1048576", "Bytes per partition a follower asks for in one fetch.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"replica.fetch.wait.max.ms", kInt, "500", "Longest a follower fetch waits for data.", ConfigScope::kBroker, {},
     0, kIntMax},
    {"auto.leader.rebalance.enable", kBoolean, "true", "Move leadership back to preferred replicas.",
     ConfigScope::kBroker},
    {"leader.imbalance.check.interval.seconds", kLong, "300", "How often preferred leaders are restored.",
     ConfigScope::kBroker, {}, 1, kLongMax},
    {"broker.session.timeout.ms", kInt, "9000", "A broker without heartbeats for this long is fenced.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"broker.heartbeat.interval.ms", kInt, "2000", "Interval of broker heartbeats to the controller.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"controller.quorum.election.timeout.ms", kInt, "1000", "Raft election timeout of the controller quorum.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"controller.quorum.fetch.timeout.ms", kInt, "2000", "Raft: follower timeout without leader contact.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"offsets.topic.num.partitions", kInt, "50", "Partitions of __consumer_offsets.", ConfigScope::kBroker, {}, 1,
     kIntMax},
    {"offsets.topic.replication.factor", kInt, "3",
     "Replication factor of __consumer_offsets (capped at the number of brokers when it is created).",
     ConfigScope::kBroker, {}, 1, 32767},
    {"offsets.topic.segment.bytes", kInt, "104857600", "Segment size of __consumer_offsets.", ConfigScope::kBroker,
     {}, 1, kIntMax},
    {"offsets.retention.minutes", kInt, "10080", "Committed offsets of empty groups are kept this long.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"offsets.retention.check.interval.ms", kLong, "600000", "How often expired offsets are removed.",
     ConfigScope::kBroker, {}, 1, kLongMax},
    {"offset.metadata.max.bytes", kInt, "4096", "Largest metadata string of a committed offset.",
     ConfigScope::kBroker, {}, 0, kIntMax},
    {"offsets.commit.timeout.ms", kInt, "5000",
     "How long an offset commit or group change waits for __consumer_offsets to replicate it.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"group.min.session.timeout.ms", kInt, "6000", "Smallest session timeout a group member may ask for.",
     ConfigScope::kBroker, {}, 0, kIntMax},
    {"group.max.session.timeout.ms", kInt, "1800000", "Largest session timeout a group member may ask for.",
     ConfigScope::kBroker, {}, 0, kIntMax},
    {"group.initial.rebalance.delay.ms", kInt, "3000", "Delay of the first rebalance of an empty group.",
     ConfigScope::kBroker, {}, 0, kIntMax},
    {"group.max.size", kInt, "2147483647", "Most members a group may have.", ConfigScope::kBroker, {}, 1, kIntMax},
    {"group.consumer.session.timeout.ms", kInt, "45000", "Session timeout of KIP-848 consumer-group members.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"group.consumer.heartbeat.interval.ms", kInt, "5000", "Heartbeat interval of KIP-848 consumer-group members.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"group.consumer.assignors", kList, "uniform,range",
     "Server-side assignors of KIP-848 groups; the first is the default.", ConfigScope::kBroker, {}, INT64_MIN,
     INT64_MAX, "uniform,range"},
    {"group.consumer.max.size", kInt, "2147483647", "Most members a KIP-848 consumer group may have.",
     ConfigScope::kBroker, {}, 1, kIntMax},
    {"group.coordinator.rebalance.protocols", kList, "classic,consumer",
     "Group protocols served: classic (JoinGroup/SyncGroup) and consumer (KIP-848 ConsumerGroupHeartbeat).",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, "classic,consumer"},
    {"admin.listener", kString, "127.0.0.1:9644",
     "Kappa: host:port of the HTTP admin listener (/metrics, /health, /v1/cluster); empty disables it.",
     ConfigScope::kBroker, {}, INT64_MIN, INT64_MAX, {}, false},  // not nullable: "" must stay "" (disabled)
    {"logger.level", kString, "info",
     "Kappa: log levels, e.g. info or info,storage=debug (trace, debug, info, warn, error, critical, off)."},
};

// Topic settings: Kafka's topic-level names, each defaulting to a broker setting.
constexpr ConfigDef kTopic[] = {
    {"cleanup.policy", kList, "delete", "delete (by retention) or compact.", ConfigScope::kTopic,
     "log.cleanup.policy", INT64_MIN, INT64_MAX, "delete,compact", false, false},
    {"delete.retention.ms", kLong, "86400000", "How long tombstones stay after the cleaner first passes them.",
     ConfigScope::kTopic, "log.cleaner.delete.retention.ms", 0, kLongMax, {}, false, false},
    {"min.compaction.lag.ms", kLong, "0", "Records younger than this are never compacted.", ConfigScope::kTopic,
     "log.cleaner.min.compaction.lag.ms", 0, kLongMax, {}, false, false},
    {"min.cleanable.dirty.ratio", kDouble, "0.5", "Share of uncleaned bytes at which the log is compacted.",
     ConfigScope::kTopic, "log.cleaner.min.cleanable.ratio", INT64_MIN, INT64_MAX, {}, false, false},
    {"retention.ms", kLong, "604800000", "Delete segments older than this; -1 keeps data forever.",
     ConfigScope::kTopic, "log.retention.ms", -1, kLongMax, {}, false, false},
    {"retention.bytes", kLong, "-1", "Delete oldest segments while the partition is larger; -1 = no limit.",
     ConfigScope::kTopic, "log.retention.bytes", -1, kLongMax, {}, false, false},
    {"segment.bytes", kInt, "1073741824", "Segment size.", ConfigScope::kTopic, "log.segment.bytes", 14, kIntMax, {},
     false, false},
    {"segment.ms", kLong, "604800000", "Segment age before it is rolled.", ConfigScope::kTopic, "log.roll.ms", 1,
     kLongMax, {}, false, false},
    {"index.interval.bytes", kInt, "4096", "Bytes between two offset-index entries.", ConfigScope::kTopic,
     "log.index.interval.bytes", 0, kIntMax, {}, false, false},
    {"flush.messages", kLong, "9223372036854775807", "fsync after this many messages.", ConfigScope::kTopic,
     "log.flush.interval.messages", 1, kLongMax, {}, false, false},
    {"flush.ms", kLong, "9223372036854775807", "fsync when unflushed data is this old.", ConfigScope::kTopic,
     "log.flush.interval.ms", 0, kLongMax, {}, false, false},
    {"max.message.bytes", kInt, "1048588", "Largest record batch accepted.", ConfigScope::kTopic,
     "message.max.bytes", 0, kIntMax, {}, false, false},
    {"message.timestamp.type", kString, "CreateTime", "CreateTime or LogAppendTime.", ConfigScope::kTopic,
     "log.message.timestamp.type", INT64_MIN, INT64_MAX, "CreateTime,LogAppendTime", false, false},
    {"min.insync.replicas", kInt, "1", "Replicas that must acknowledge an acks=all write.", ConfigScope::kTopic,
     "min.insync.replicas", 1, kIntMax, {}, false, false},
    {"unclean.leader.election.enable", kBoolean, "false", "Allow electing an out-of-sync replica as leader.",
     ConfigScope::kTopic, "unclean.leader.election.enable", INT64_MIN, INT64_MAX, {}, false, false},
    {"compression.type", kString, "producer",
     "Batches are stored as the producer compressed them (only `producer` is supported).", ConfigScope::kTopic,
     {}, INT64_MIN, INT64_MAX, "producer", false, false},
};

bool parse_int(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool contains_item(std::string_view list, std::string_view item) {
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t end = list.find(',', pos);
    if (end == std::string_view::npos) end = list.size();
    if (list.substr(pos, end - pos) == item) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

std::span<const ConfigDef> broker_config_defs() { return kBroker; }
std::span<const ConfigDef> topic_config_defs() { return kTopic; }

const ConfigDef* find_broker_config(std::string_view name) {
  for (const auto& d : kBroker) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

const ConfigDef* find_topic_config(std::string_view name) {
  for (const auto& d : kTopic) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::optional<std::string> validate_config_value(const ConfigDef& def, std::string_view value) {
  if (value.empty() && def.nullable) return std::nullopt;
  switch (def.type) {
    case ConfigType::kBoolean:
      if (value != "true" && value != "false") return fmt::format("'{}' is not true or false", value);
      return std::nullopt;
    case ConfigType::kInt:
    case ConfigType::kLong: {
      int64_t v;
      if (!parse_int(value, v)) return fmt::format("'{}' is not an integer", value);
      if (def.type == ConfigType::kInt && (v < INT32_MIN || v > INT32_MAX)) {
        return fmt::format("{} does not fit in a 32-bit integer", v);
      }
      if (v < def.min || v > def.max) {
        return def.max == INT64_MAX || (def.type == ConfigType::kInt && def.max == INT32_MAX)
                   ? fmt::format("{} is below the minimum {}", v, def.min)
                   : fmt::format("{} is outside [{}, {}]", v, def.min, def.max);
      }
      return std::nullopt;
    }
    case ConfigType::kDouble: {
      std::string text(value);
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) return fmt::format("'{}' is not a number", value);
      if (d < 0 || d > 1) return fmt::format("{} is outside [0, 1]", value);
      return std::nullopt;
    }
    case ConfigType::kString:
    case ConfigType::kPassword:
      if (!def.one_of.empty() && !contains_item(def.one_of, value)) {
        return fmt::format("'{}' is not one of {}", value, def.one_of);
      }
      return std::nullopt;
    case ConfigType::kList: {
      if (def.one_of.empty()) return std::nullopt;
      size_t pos = 0;
      while (pos <= value.size()) {
        size_t end = value.find(',', pos);
        if (end == std::string_view::npos) end = value.size();
        auto item = value.substr(pos, end - pos);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!contains_item(def.one_of, item)) return fmt::format("'{}' is not one of {}", item, def.one_of);
        pos = end + 1;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

int8_t describe_config_type(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean:
      return 1;
    case ConfigType::kString:
      return 2;
    case ConfigType::kInt:
      return 3;
    case ConfigType::kLong:
      return 5;
    case ConfigType::kDouble:
      return 6;
    case ConfigType::kList:
      return 7;
    case ConfigType::kPassword:
      return 9;
  }
  return 0;
}

}  // namespace kappa::config

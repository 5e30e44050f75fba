#include "kappa/controller/topic_commands.h"

#include <set>

#include <fmt/format.h>

#include "kappa/config/config.h"
#include "kappa/controller/replica_placer.h"

namespace kappa::controller {
namespace {

using protocol::ErrorCode;

CommandResult fail(ErrorCode e, std::string message) { return CommandResult{e, std::move(message)}; }

std::optional<std::string> topic_name_error(const std::string& name) {
  if (name.empty()) return "topic name is empty";
  if (name == "." || name == "..") return "topic name cannot be '.' or '..'";
  if (name.size() > 249) return "topic name is longer than 249 characters";
  for (char c : name) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    if (!ok) return fmt::format("topic name '{}' contains a character outside [a-zA-Z0-9._-]", name);
  }
  return std::nullopt;
}

ReplicaPlacer make_placer(const metadata::MetadataImage& image) {
  std::vector<PlacementBroker> brokers;
  for (int32_t id : usable_brokers(image)) brokers.push_back({id, image.broker(id)->rack});
  ReplicaPlacer placer(std::move(brokers));
  for (const auto& [name, t] : image.topics()) {
    for (const auto& p : t.partitions) placer.add_existing(p.replicas);
  }
  return placer;
}

CommandResult check_assignment(const metadata::MetadataImage& image, const std::vector<int32_t>& replicas,
                               size_t expected_rf) {
  std::set<int32_t> seen;
  if (replicas.empty()) return fail(ErrorCode::kInvalidReplicaAssignment, "a partition needs at least one replica");
  if (expected_rf && replicas.size() != expected_rf) {
    return fail(ErrorCode::kInvalidReplicaAssignment, "all partitions must have the same replication factor");
  }
  for (int32_t r : replicas) {
    if (!seen.insert(r).second) {
      return fail(ErrorCode::kInvalidReplicaAssignment, fmt::format("broker {} appears twice in an assignment", r));
    }
    if (!image.broker(r)) {
      return fail(ErrorCode::kInvalidReplicaAssignment, fmt::format("broker {} is not registered", r));
    }
  }
  return {};
}

protocol::PartitionRecord partition_record(const protocol::Uuid& topic, int32_t partition,
                                           const std::vector<int32_t>& replicas,
                                           const metadata::MetadataImage& image) {
  protocol::PartitionRecord r;
  r.partition_id = partition;
  r.topic_id = topic;
  r.replicas = replicas;
  for (int32_t id : replicas) {
    const auto* b = image.broker(id);
    if (b && !b->fenced) r.isr.push_back(id);
  }
  if (r.isr.empty()) r.isr = replicas;  // manual assignment to offline brokers: they catch up later
  r.leader = r.isr.front();
  r.leader_epoch = 0;
  r.partition_epoch = 0;
  return r;
}

}  // namespace

std::vector<int32_t> usable_brokers(const metadata::MetadataImage& image) {
  std::vector<int32_t> out;
  for (const auto& [id, b] : image.brokers()) {
    if (!b.fenced && !b.in_controlled_shutdown) out.push_back(id);
  }
  return out;
}

CreatedTopic plan_create_topic(const metadata::MetadataImage& image, const NewTopic& topic,
                               const TopicDefaults& defaults, const protocol::Uuid& id,
                               std::vector<metadata::MetadataRecord>& out) {
  CreatedTopic result;
  auto set_error = [&](ErrorCode e, std::string m) {
    result.error = e;
    result.message = std::move(m);
    return result;
  };
  if (auto bad = topic_name_error(topic.name)) return set_error(ErrorCode::kInvalidTopicException, *bad);
  if (image.topic(topic.name)) {
    return set_error(ErrorCode::kTopicAlreadyExists, fmt::format("Topic '{}' already exists.", topic.name));
  }
  if (auto bad = config::TopicConfig::validate(topic.configs)) return set_error(ErrorCode::kInvalidConfig, *bad);
  std::vector<std::vector<int32_t>> placement;
  if (!topic.assignments.empty()) {
    if (topic.num_partitions != -1 || topic.replication_factor != -1) {
      return set_error(ErrorCode::kInvalidRequest,
                       "both manual assignments and a partition count or replication factor were given");
    }
    size_t rf = topic.assignments.begin()->second.size();
    int32_t expected = 0;
    for (const auto& [partition, replicas] : topic.assignments) {
      if (partition != expected++) {
        return set_error(ErrorCode::kInvalidReplicaAssignment, "partition indexes must be 0..n-1");
      }
      auto check = check_assignment(image, replicas, rf);
      if (!check.ok()) return set_error(check.error, check.message);
      placement.push_back(replicas);
    }
  } else {
    int32_t partitions = topic.num_partitions == -1 ? defaults.num_partitions : topic.num_partitions;
    int32_t rf = topic.replication_factor == -1 ? defaults.replication_factor : topic.replication_factor;
    if (partitions <= 0) return set_error(ErrorCode::kInvalidPartitions, "number of partitions must be positive");
    if (partitions > 100000) return set_error(ErrorCode::kInvalidPartitions, "too many partitions (max 100000)");
    if (rf <= 0) return set_error(ErrorCode::kInvalidReplicationFactor, "replication factor must be positive");
    ReplicaPlacer placer = make_placer(image);
    if (static_cast<size_t>(rf) > placer.broker_count()) {
      return set_error(ErrorCode::kInvalidReplicationFactor,
                       fmt::format("Unable to replicate the partition {} time(s): The target replication factor "
                                   "of {} cannot be reached because only {} broker(s) are registered.",
                                   rf, rf, placer.broker_count()));
    }
    for (int32_t p = 0; p < partitions; ++p) placement.push_back(placer.place(rf));
  }
  out.push_back(protocol::TopicRecord{topic.name, id});
  for (size_t p = 0; p < placement.size(); ++p) {
    out.push_back(partition_record(id, static_cast<int32_t>(p), placement[p], image));
  }
  for (const auto& [k, v] : topic.configs) {
    out.push_back(protocol::ConfigRecord{metadata::kConfigResourceTopic, topic.name, k, v});
  }
  result.id = id;
  result.num_partitions = static_cast<int32_t>(placement.size());
  result.replication_factor = static_cast<int16_t>(placement.front().size());
  return result;
}

CommandResult plan_delete_topic(const metadata::MetadataImage& image, const std::string& name,
                                std::vector<metadata::MetadataRecord>& out) {
  const auto* t = image.topic(name);
  if (!t) return fail(ErrorCode::kUnknownTopicOrPartition, fmt::format("Topic '{}' does not exist.", name));
  if (t->is_internal()) return fail(ErrorCode::kInvalidRequest, fmt::format("internal topic {} cannot be deleted", name));
  out.push_back(protocol::RemoveTopicRecord{t->id});
  return {};
}

CommandResult plan_create_partitions(const metadata::MetadataImage& image, const std::string& name,
                                     int32_t new_count, const std::vector<std::vector<int32_t>>& assignments,
                                     std::vector<metadata::MetadataRecord>& out) {
  const auto* t = image.topic(name);
  if (!t) return fail(ErrorCode::kUnknownTopicOrPartition, fmt::format("Topic '{}' does not exist.", name));
  const auto current = static_cast<int32_t>(t->partitions.size());
  if (new_count < current) {
    return fail(ErrorCode::kInvalidPartitions,
                fmt::format("Topic currently has {} partitions, which is higher than the requested {}.", current,
                            new_count));
  }
  if (new_count == current) {
    return fail(ErrorCode::kInvalidPartitions, fmt::format("Topic already has {} partitions.", current));
  }
  if (new_count > 100000) return fail(ErrorCode::kInvalidPartitions, "too many partitions (max 100000)");
  const size_t rf = t->partitions.empty() ? 1 : t->partitions.front().replicas.size();
  std::vector<std::vector<int32_t>> placement;
  if (!assignments.empty()) {
    if (assignments.size() != static_cast<size_t>(new_count - current)) {
      return fail(ErrorCode::kInvalidReplicaAssignment,
                  fmt::format("{} assignments given for {} new partitions", assignments.size(), new_count - current));
    }
    for (const auto& replicas : assignments) {
      auto check = check_assignment(image, replicas, rf);
      if (!check.ok()) return check;
      placement.push_back(replicas);
    }
  } else {
    ReplicaPlacer placer = make_placer(image);
    if (rf > placer.broker_count()) {
      return fail(ErrorCode::kInvalidReplicationFactor,
                  fmt::format("replication factor {} is larger than the {} available brokers", rf,
                              placer.broker_count()));
    }
    for (int32_t p = current; p < new_count; ++p) placement.push_back(placer.place(static_cast<int>(rf)));
  }
  for (size_t i = 0; i < placement.size(); ++i) {
    out.push_back(partition_record(t->id, current + static_cast<int32_t>(i), placement[i], image));
  }
  return {};
}

CommandResult plan_topic_configs(const metadata::MetadataImage& image, const std::string& name,
                                 const std::map<std::string, std::optional<std::string>>& changes,
                                 std::vector<metadata::MetadataRecord>& out) {
  const auto* t = image.topic(name);
  if (!t) return fail(ErrorCode::kUnknownTopicOrPartition, fmt::format("Topic '{}' does not exist.", name));
  std::map<std::string, std::string> set;
  for (const auto& [k, v] : changes) {
    if (!config::find_topic_config(k)) return fail(ErrorCode::kInvalidConfig, fmt::format("unknown topic config '{}'", k));
    if (v) set[k] = *v;
  }
  if (auto bad = config::TopicConfig::validate(set)) return fail(ErrorCode::kInvalidConfig, *bad);
  for (const auto& [k, v] : changes) {
    out.push_back(protocol::ConfigRecord{metadata::kConfigResourceTopic, name, k, v});
  }
  return {};
}

}  // namespace kappa::controller

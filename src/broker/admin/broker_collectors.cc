#include "broker/admin/broker_collectors.h"

#include <algorithm>
#include <set>

#include "broker/broker.h"
#include "broker/broker_lifecycle_manager.h"
#include "kappa/group/group_shard.h"

namespace kappa::broker {
namespace {

using metrics::Emitter;
using metrics::Labels;

void collect_node(Broker& broker, Emitter& e) {
  e.gauge("kappa_controller_active", "1 when this node is the active controller.", {},
          broker.is_active_controller() ? 1 : 0);
  e.gauge("kappa_controller_id", "The active controller's node id as this node knows it (-1: unknown).", {},
          broker.controller_id());
  e.gauge("kappa_metadata_offset", "Offset of the last metadata record applied by this node.", {},
          static_cast<double>(broker.image().offset()));
  int64_t offline = 0;
  int64_t under = 0;
  for (const auto& [name, t] : broker.image().topics()) {
    for (const auto& p : t.partitions) {
      offline += p.leader < 0 ? 1 : 0;
      under += p.isr.size() < p.replicas.size() ? 1 : 0;
    }
  }
  e.gauge("kappa_cluster_offline_partitions", "Partitions without a leader in this node's metadata.", {},
          static_cast<double>(offline));
  e.gauge("kappa_cluster_under_replicated_partitions",
          "Partitions whose ISR is smaller than their replica set, cluster-wide in this node's metadata.", {},
          static_cast<double>(under));
  e.gauge("kappa_brokers", "Registered brokers in this node's metadata.", {},
          static_cast<double>(broker.image().brokers().size()));
}

void collect_broker(Broker& broker, Emitter& e) {
  const auto* lm = broker.lifecycle_manager();
  e.gauge("kappa_broker_fenced", "1 while the controller keeps this broker fenced (or it is not registered).", {},
          !lm || !lm->registered() || lm->fenced() ? 1 : 0);
  e.gauge("kappa_broker_serving", "1 once this broker serves clients.", {}, broker.serving() ? 1 : 0);
  double led = 0;
  double followed = 0;
  double under = 0;
  for (const auto& [tp, p] : broker.replicas().partitions()) {
    if (p->is_leader()) {
      ++led;
      if (p->state().isr.size() < p->state().replicas.size()) ++under;
    } else if (p->is_follower()) {
      ++followed;
    }
    Labels labels{{"topic", tp.topic}, {"partition", std::to_string(tp.partition.value())}};
    const auto& log = p->log();
    e.gauge("kappa_log_size_bytes", "Bytes of a partition's log on disk, by topic and partition.", labels,
            static_cast<double>(log.size_bytes()));
    e.gauge("kappa_log_segments", "Segments of a partition's log, by topic and partition.", labels,
            static_cast<double>(log.segment_count()));
    e.gauge("kappa_log_end_offset", "Log end offset of a local replica, by topic and partition.", labels,
            static_cast<double>(log.log_end_offset()));
    e.gauge("kappa_high_watermark", "High watermark of a local replica, by topic and partition.", labels,
            static_cast<double>(p->high_watermark()));
  }
  e.gauge("kappa_partitions_led", "Partitions this broker leads.", {}, led);
  e.gauge("kappa_partitions_followed", "Partitions this broker replicates as a follower.", {}, followed);
  e.gauge("kappa_under_replicated_partitions", "Partitions led here whose ISR is smaller than their replica set.",
          {}, under);
}

void collect_groups(Broker& broker, Emitter& e) {
  const auto* coordinator = broker.group_coordinator();
  std::set<std::string> groups;
  if (coordinator) {
    for (const auto* shard : coordinator->active_shard_views()) {
      for (const auto& g : shard->list_groups()) groups.insert(g.group_id);
      const auto& store = shard->offsets();
      for (const auto& group : store.groups()) {
        groups.insert(group);
        const auto* offsets = store.offsets(group);
        if (!offsets) continue;
        for (const auto& [tp, committed] : *offsets) {
          Labels labels{{"group", group}, {"topic", tp.topic}, {"partition", std::to_string(tp.partition)}};
          e.gauge("kappa_consumer_group_committed_offset",
                  "Committed offset of a group coordinated here, by group, topic and partition.", labels,
                  static_cast<double>(committed.offset));
          const auto* p = broker.replicas().get(tp.topic, tp.partition);
          if (!p || committed.offset < 0) continue;  // no local replica: lag unknown here
          const int64_t lag = std::max<int64_t>(0, p->high_watermark() - committed.offset);
          e.gauge("kappa_consumer_group_lag",
                  "High watermark minus committed offset of a group coordinated here, by group, topic and partition "
                  "(only partitions with a local replica).",
                  labels, static_cast<double>(lag));
        }
      }
    }
  }
  e.gauge("kappa_consumer_groups", "Consumer groups coordinated by this broker.", {},
          static_cast<double>(groups.size()));
}

}  // namespace

void add_broker_collectors(Broker& broker) {
  broker.metrics().registry().add_collector([&broker](Emitter& e) {
    collect_node(broker, e);
    if (broker.is_broker()) {
      collect_broker(broker, e);
      collect_groups(broker, e);
    }
  });
}

}  // namespace kappa::broker

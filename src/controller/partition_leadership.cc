#include "kappa/controller/partition_leadership.h"

#include <algorithm>

namespace kappa::controller {
namespace {

bool usable(const metadata::MetadataImage& image, int32_t id, const std::set<int32_t>& leaving) {
  if (leaving.count(id)) return false;
  const auto* b = image.broker(id);
  return b && !b->fenced && !b->in_controlled_shutdown;
}

protocol::PartitionChangeRecord change(const metadata::TopicImage& t, const metadata::PartitionState& p) {
  protocol::PartitionChangeRecord r;
  r.topic_id = t.id;
  r.partition_id = p.id;
  return r;
}

}  // namespace

std::vector<metadata::MetadataRecord> plan_broker_removal(const metadata::MetadataImage& image,
                                                          const std::set<int32_t>& leaving,
                                                          const UncleanElection& unclean) {
  std::vector<metadata::MetadataRecord> out;
  for (const auto& [name, t] : image.topics()) {
    for (const auto& p : t.partitions) {
      bool touches = false;
      for (int32_t b : leaving) touches |= p.in_isr(b) || p.leader == b;
      if (!touches) continue;
      std::vector<int32_t> isr;
      for (int32_t r : p.isr) {
        if (!leaving.count(r)) isr.push_back(r);
      }
      int32_t leader = -1;
      for (int32_t r : p.replicas) {
        if (std::find(isr.begin(), isr.end(), r) != isr.end() && usable(image, r, leaving)) {
          leader = r;
          break;
        }
      }
      if (leader < 0 && unclean && unclean(t)) {
        for (int32_t r : p.replicas) {
          if (usable(image, r, leaving)) {
            leader = r;
            isr = {r};
            break;
          }
        }
      }
      if (isr.empty()) isr = p.isr;  // the last in-sync replica stays in the ISR
      auto r = change(t, p);
      if (isr != p.isr) r.isr = isr;
      if (leader != p.leader) r.leader = leader;
      if (r.isr || r.leader != -2) out.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<metadata::MetadataRecord> plan_broker_return(const metadata::MetadataImage& image, int32_t broker) {
  std::vector<metadata::MetadataRecord> out;
  for (const auto& [name, t] : image.topics()) {
    for (const auto& p : t.partitions) {
      if (p.leader >= 0 || !p.in_isr(broker)) continue;
      auto r = change(t, p);
      r.leader = broker;
      out.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<metadata::MetadataRecord> plan_preferred_leaders(const metadata::MetadataImage& image) {
  std::vector<metadata::MetadataRecord> out;
  for (const auto& [name, t] : image.topics()) {
    for (const auto& p : t.partitions) {
      int32_t preferred = p.preferred_leader();
      if (preferred < 0 || p.leader == preferred || !p.in_isr(preferred) || !usable(image, preferred, {})) continue;
      auto r = change(t, p);
      r.leader = preferred;
      out.push_back(std::move(r));
    }
  }
  return out;
}

size_t leader_count(const metadata::MetadataImage& image, int32_t broker) {
  size_t n = 0;
  for (const auto& [name, t] : image.topics()) {
    for (const auto& p : t.partitions) n += p.leader == broker;
  }
  return n;
}

}  // namespace kappa::controller

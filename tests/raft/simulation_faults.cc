// The simulation's nemesis and client: crashes, partitions, leadership
// transfers and proposals during the fault phase; healing and the liveness
// proposals after it.
#include <algorithm>

#include <fmt/format.h>

#include "raft/simulation.h"

namespace kappa::raft::sim {
namespace {

std::vector<uint8_t> to_bytes(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace

void Simulation::control(bool faults) {
  for (auto& n : nodes_) {
    if (!n->raft && n->restart_at_ms <= now_ms_) restart(*n);
  }
  if (faults) {
    inject_faults();
    propose_from_client();
  } else if (now_ms_ % kLivenessProposalMs == 0 && !liveness_reached()) {
    if (Node* l = leader()) {
      std::string payload = fmt::format("live-{}", liveness_proposals_.size());
      ProposeResult r = l->raft->propose(to_bytes(payload));
      if (r.ok()) liveness_proposals_.push_back({r.index, r.term, payload_hash(to_bytes(payload))});
      drive(*l);
    }
  }
}

void Simulation::inject_faults() {
  const FaultProfile& p = profile_;
  double per_step = static_cast<double>(kControlMs) / 1000.0;
  if (chance(p.crashes_per_s * per_step)) {
    Node* n = chance(p.leader_bias) ? leader() : nullptr;
    if (n == nullptr) n = nodes_[rng_() % nodes_.size()].get();
    if (n->raft) crash(*n, false);
  }
  if (partition_until_ms_ >= 0 && now_ms_ >= partition_until_ms_) {
    network_.heal();
    partition_until_ms_ = -1;
    trace_.add({.time_ms = now_ms_, .kind = TraceKind::kHeal});
  } else if (partition_until_ms_ < 0 && chance(p.partitions_per_s * per_step)) {
    partition();
  }
  if (chance(p.transfers_per_s * per_step)) {
    if (Node* l = leader()) {
      int to = static_cast<int>(rng_() % static_cast<uint64_t>(options_.voters)) + 1;
      if (l->raft->transfer_leadership(NodeId{to})) {
        trace_.add({.time_ms = now_ms_, .kind = TraceKind::kTransfer, .node = l->id, .peer = to});
      }
      drive(*l);
    }
  }
}

void Simulation::partition() {
  int n = static_cast<int>(nodes_.size());
  int links = 0;
  auto cut = [&](int from, int to) {
    if (from == to || network_.is_cut(from, to)) return;
    network_.cut(from, to);
    ++links;
  };
  int victim = static_cast<int>(rng_() % static_cast<uint64_t>(n)) + 1;
  if (Node* l = leader(); l && chance(profile_.leader_bias)) victim = l->id;
  switch (rng_() % 4) {
    case 0: {  // two sides, cut both ways
      uint64_t side = rng_();
      for (int a = 1; a <= n; ++a) {
        for (int b = 1; b <= n; ++b) {
          if (((side >> a) & 1) != ((side >> b) & 1)) cut(a, b);
        }
      }
      break;
    }
    case 1:  // one node isolated
      for (int b = 1; b <= n; ++b) cut(victim, b), cut(b, victim);
      break;
    case 2: {  // one node can only send, or only receive
      bool deaf = rng_() % 2;
      for (int b = 1; b <= n; ++b) deaf ? cut(b, victim) : cut(victim, b);
      break;
    }
    default:  // random one-way links
      for (int a = 1; a <= n; ++a) {
        for (int b = 1; b <= n; ++b) {
          if (rng_() % 10 < 3) cut(a, b);
        }
      }
  }
  partition_until_ms_ = now_ms_ + uniform(200, 10'000);
  ++stats_.partitions;
  trace_.add({.time_ms = now_ms_, .kind = TraceKind::kPartition, .a = links});
}

void Simulation::heal_everything() {
  network_.heal();
  partition_until_ms_ = -1;
  NetworkFaults calm;
  calm.max_delay_ms = std::min<int64_t>(profile_.network.max_delay_ms, 10);
  network_.set_faults(calm);
  profile_.crash_in_persist_rate = 0;
  trace_.add({.time_ms = now_ms_, .kind = TraceKind::kHeal});
  for (auto& n : nodes_) {
    if (!n->raft) restart(*n);
  }
}

void Simulation::propose_from_client() {
  if (!chance(profile_.proposals_per_s * kControlMs / 1000.0)) return;
  Node* target = nodes_[rng_() % nodes_.size()].get();
  if (!target->raft) return;
  if (auto hint = target->raft->leader(); hint && target->raft->role() != Role::kLeader) {
    target = nodes_[hint->value() - 1].get();
    if (!target->raft) return;
  }
  ProposeResult r = target->raft->propose(to_bytes(fmt::format("c{}-{}", options_.seed, proposals_++)));
  if (!r.ok()) return;
  trace_.add({.time_ms = now_ms_,
              .kind = TraceKind::kPropose,
              .node = target->id,
              .a = r.index,
              .b = r.term.value()});
  drive(*target);
}

}  // namespace kappa::raft::sim

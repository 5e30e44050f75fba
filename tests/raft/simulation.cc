#include "raft/simulation.h"

#include <algorithm>

#include <fmt/format.h>

#include "kappa/common/assert.h"

namespace kappa::raft::sim {
namespace {

// Forwards to the simulated disk but, when the node is to crash mid-persist,
// skips the final fsync: the crash then keeps some prefix of the writes.
class CrashingDisk final : public RaftStorage {
 public:
  CrashingDisk(MemoryRaftStorage& disk, bool crash_before_sync) : disk_(disk), crash_(crash_before_sync) {}
  void save_hard_state(const HardState& s) override { disk_.save_hard_state(s); }
  void append(std::span<const Entry> entries) override { disk_.append(entries); }
  void save_snapshot(const Snapshot& s) override { disk_.save_snapshot(s); }
  void reset_to_snapshot(const Snapshot& s) override { disk_.reset_to_snapshot(s); }
  void sync() override {
    if (!crash_) disk_.sync();
  }

 private:
  MemoryRaftStorage& disk_;
  bool crash_;
};

}  // namespace

Simulation::Simulation(SimOptions options)
    : options_(options),
      rng_(options.seed),
      profile_(draw_fault_profile(rng_, options.election_timeout_ms)),
      network_(options.voters + options.observers, rng_),
      checker_(options.voters + options.observers) {
  network_.set_faults(profile_.network);
  RaftConfig base;
  base.election_timeout_ms = options.election_timeout_ms;
  base.heartbeat_interval_ms = options.heartbeat_interval_ms;
  base.max_append_entries = profile_.max_append_entries;
  for (int i = 1; i <= options.voters; ++i) base.voters.push_back(NodeId{i});
  for (int i = 1; i <= options.observers; ++i) base.observers.push_back(NodeId{options.voters + i});
  for (int i = 1; i <= options.voters + options.observers; ++i) {
    auto n = std::make_unique<Node>();
    n->id = i;
    n->config = base;
    n->config.id = NodeId{i};
    nodes_.push_back(std::move(n));
    restart(*nodes_.back());
  }
}

Simulation::~Simulation() = default;

bool Simulation::chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

int64_t Simulation::uniform(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(rng_() % static_cast<uint64_t>(hi - lo + 1));
}

SimResult Simulation::run() {
  step_until(options_.fault_phase_ms, true);
  int64_t healed_at = now_ms_;
  heal_everything();
  while (!checker_.failed() && !liveness_reached() && now_ms_ < healed_at + options_.liveness_bound_ms) {
    step_until(now_ms_ + kControlMs, false);
  }
  SimResult result;
  for (auto& n : nodes_) {
    if (n->raft) checker_.check_log(n->id, *n->raft);
  }
  if (checker_.failed()) {
    result.ok = false;
    result.failure = describe_failure(checker_.failure());
  } else if (!liveness_reached()) {
    result.ok = false;
    result.failure = describe_failure(
        fmt::format("no proposal applied on every node within {} ms of healing", options_.liveness_bound_ms));
  }
  stats_.recovery_ms = now_ms_ - healed_at;
  stats_.committed = checker_.committed_index();
  stats_.leaders = static_cast<int64_t>(checker_.leaders_elected());
  result.stats = stats_;
  return result;
}

void Simulation::step_until(int64_t end_ms, bool faults) {
  faults_on_ = faults;
  while (now_ms_ < end_ms && !checker_.failed()) {
    ++now_ms_;
    if (now_ms_ % kControlMs == 0) control(faults);
    while (network_.has_due(now_ms_)) deliver(network_.pop());
    for (auto& n : nodes_) {
      if (!n->raft || now_ms_ < n->next_tick_ms) continue;
      n->next_tick_ms += kTickMs;
      n->raft->tick(now_ms_);
      drive(*n);
    }
    if (now_ms_ % kFullCheckMs == 0) {
      for (auto& n : nodes_) {
        if (n->raft) checker_.check_log(n->id, *n->raft);
      }
    }
  }
}

void Simulation::deliver(Message m) {
  Node& n = *nodes_[m.to.value() - 1];
  if (!n.raft || network_.is_cut(m.from.value(), m.to.value())) {
    trace_.add_message(now_ms_, TraceKind::kDrop, m);
    return;
  }
  trace_.add_message(now_ms_, TraceKind::kDeliver, m);
  ++stats_.messages;
  n.raft->step(std::move(m));
  drive(n);
}

void Simulation::drive(Node& n) {
  auto observe = [&] {
    checker_.observe(n.id, *n.raft);
    if (n.raft->role() != n.traced_role || n.raft->term() != n.traced_term) {
      n.traced_role = n.raft->role();
      n.traced_term = n.raft->term();
      trace_.add({.time_ms = now_ms_,
                  .kind = TraceKind::kRole,
                  .node = n.id,
                  .a = static_cast<int64_t>(n.traced_role),
                  .b = n.traced_term.value()});
    }
  };
  while (n.raft && n.raft->has_ready() && !checker_.failed()) {
    observe();
    Ready rd = n.raft->ready();
    bool writes = rd.hard_state || rd.snapshot || !rd.entries.empty();
    bool crash_now = writes && chance(profile_.crash_in_persist_rate);
    CrashingDisk disk(n.storage, crash_now);
    persist_ready(disk, rd);
    if (crash_now) {
      crash(n, true);
      return;
    }
    bool voted = false;
    for (Message& m : rd.messages) {
      checker_.on_send(m);
      auto* vote = std::get_if<VoteResponse>(&m.body);
      voted |= vote && vote->granted && !vote->pre_vote;
      network_.send(std::move(m), now_ms_);
    }
    if (rd.install_snapshot) {
      n.app = SimApp::deserialize(rd.snapshot->data);
      checker_.on_restore(n.id, *rd.snapshot, n.app);
      ++stats_.snapshots_installed;
      trace_.add(
          {.time_ms = now_ms_, .kind = TraceKind::kInstall, .node = n.id, .a = rd.snapshot->last_index});
    }
    for (const Entry& e : rd.committed_entries) {
      KAPPA_ASSERT(e.index == n.app.applied_index + 1, "n{} applies {} after {}", n.id, e.index,
                   n.app.applied_index);
      n.app.apply(e);
      checker_.on_apply(n.id, e, n.app);
    }
    n.raft->advance();
    if (voted && faults_on_ && chance(profile_.crash_after_vote)) {
      crash(n, false);
      return;
    }
    if (!rd.committed_entries.empty()) {
      trace_.add({.time_ms = now_ms_,
                  .kind = TraceKind::kCommit,
                  .node = n.id,
                  .a = n.raft->commit_index(),
                  .b = n.raft->applied_index()});
    }
    if (n.app.applied_index - n.raft->log().snapshot_index() >= profile_.compact_every &&
        n.raft->compact(n.app.applied_index, n.app.serialize())) {
      trace_.add({.time_ms = now_ms_, .kind = TraceKind::kCompact, .node = n.id, .a = n.app.applied_index});
    }
  }
  if (!n.raft) return;
  observe();
  bool committed = n.raft->commit_index() > n.seen_commit;
  bool elected = n.raft->role() == Role::kLeader && n.seen_leader_term != n.raft->term();
  n.seen_commit = n.raft->commit_index();
  if (elected) n.seen_leader_term = n.raft->term();
  if (!faults_on_ || n.raft->role() != Role::kLeader) return;
  if ((elected && chance(profile_.crash_new_leader)) ||
      (committed && chance(profile_.crash_leader_on_commit))) {
    crash(n, false);
  }
}

void Simulation::crash(Node& n, bool in_persist) {
  size_t lost = network_.lose_sent_by(n.id, now_ms_ - kSendBufferMs);
  trace_.add({.time_ms = now_ms_,
              .kind = in_persist ? TraceKind::kCrashInPersist : TraceKind::kCrash,
              .node = n.id,
              .a = static_cast<int64_t>(n.storage.unsynced_writes()),
              .b = static_cast<int64_t>(lost)});
  n.storage.crash(rng_);
  n.raft.reset();
  n.restart_at_ms = now_ms_ + uniform(0, profile_.max_downtime_ms);
  ++stats_.crashes;
}

void Simulation::restart(Node& n) {
  const PersistentState& state = n.storage.durable();
  n.raft = std::make_unique<RaftNode>(n.config, state, std::mt19937_64(rng_()), now_ms_);
  n.app = SimApp::deserialize(state.snapshot.data);
  n.next_tick_ms = now_ms_ + uniform(1, kTickMs);
  n.traced_role = n.raft->role();
  n.traced_term = n.raft->term();
  n.seen_commit = n.raft->commit_index();
  checker_.on_restart(n.id, *n.raft, n.app);
  trace_.add({.time_ms = now_ms_,
              .kind = TraceKind::kRestart,
              .node = n.id,
              .a = state.hard_state.term.value(),
              .b = state.snapshot.last_index,
              .c = n.raft->last_log_index()});
}

Simulation::Node* Simulation::leader() {
  Node* best = nullptr;
  for (auto& n : nodes_) {
    if (!n->raft || n->raft->role() != Role::kLeader) continue;
    if (best == nullptr || n->raft->term() > best->raft->term()) best = n.get();
  }
  return best;
}

bool Simulation::liveness_reached() {
  for (const Pending& p : liveness_proposals_) {
    if (!checker_.is_committed(p.index, p.term, p.hash)) continue;
    bool everywhere = std::all_of(nodes_.begin(), nodes_.end(), [&](const auto& n) {
      return n->raft && n->raft->applied_index() >= p.index;
    });
    if (everywhere) return true;
  }
  return false;
}

std::string Simulation::describe_failure(const std::string& what) const {
  std::string out =
      fmt::format("seed {} ({} voters + {} observers) at t={} ms: {}\n  profile: {}\n", options_.seed,
                  options_.voters, options_.observers, now_ms_, what, describe(profile_));
  for (const auto& n : nodes_) {
    if (!n->raft) {
      out += fmt::format("  n{}: down\n", n->id);
      continue;
    }
    const RaftNode& r = *n->raft;
    out += fmt::format("  n{}: {} term={} leader={} commit={} applied={} log=({}, {}] last_term={}\n", n->id,
                       to_string(r.role()), r.term(), r.leader() ? r.leader()->value() : 0, r.commit_index(),
                       r.applied_index(), r.log().snapshot_index(), r.last_log_index(), r.last_log_term());
  }
  out += "  last events:\n" + trace_.tail(120);
  return out;
}

}  // namespace kappa::raft::sim

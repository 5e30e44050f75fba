#include "raft/test_cluster.h"

#include <random>
#include <string_view>

#include "kappa/common/assert.h"

namespace kappa::raft::testing {

std::vector<uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TestCluster::TestCluster(int voters, int observers, RaftConfig base) {
  base.voters.clear();
  base.observers.clear();
  for (int i = 1; i <= voters; ++i) base.voters.push_back(NodeId{i});
  for (int i = voters + 1; i <= voters + observers; ++i) base.observers.push_back(NodeId{i});
  nodes_.resize(static_cast<size_t>(voters + observers));
  for (int i = 1; i <= size(); ++i) {
    nodes_[i - 1].config = base;
    nodes_[i - 1].config.id = NodeId{i};
    restart(i);
  }
}

void TestCluster::restart(int id) {
  Node& n = nodes_.at(id - 1);
  n.raft = std::make_unique<RaftNode>(n.config, n.storage.durable(), std::mt19937_64(id),
                                      now_ms_ + n.clock_offset_ms);
  n.applied.clear();  // the test application keeps no state across restarts
}

void TestCluster::crash(int id) {
  Node& n = nodes_.at(id - 1);
  std::mt19937_64 rng(0);
  n.storage.crash(rng);
  n.raft.reset();
}

bool TestCluster::drive(Node& n) {
  bool moved = false;
  while (n.raft && n.raft->has_ready()) {
    moved = true;
    Ready rd = n.raft->ready();
    persist_ready(n.storage, rd);
    for (Message& m : rd.messages) queue_.push_back(std::move(m));
    if (rd.install_snapshot) ++n.installed;
    for (const Entry& e : rd.committed_entries) {
      if (e.type == EntryType::kData) n.applied.push_back(e.payload);
    }
    n.raft->advance();
  }
  return moved;
}

void TestCluster::settle() {
  for (int rounds = 0; rounds < 100000; ++rounds) {
    bool moved = false;
    for (Node& n : nodes_) moved |= drive(n);
    if (queue_.empty() && !moved) return;
    while (!queue_.empty()) {
      Message m = std::move(queue_.front());
      queue_.pop_front();
      int to = m.to.value();
      if (to < 1 || to > size() || !is_up(to) || (drop && drop(m))) continue;
      delivered.push_back(m);
      node(to).step(std::move(m));
      drive(nodes_[to - 1]);
    }
  }
  KAPPA_ASSERT(false, "test cluster did not settle");
}

void TestCluster::tick_all() {
  now_ms_ += 10;
  for (Node& n : nodes_) {
    if (n.raft) n.raft->tick(now_ms_ + n.clock_offset_ms);
  }
  settle();
}

void TestCluster::run_for(int64_t ms) {
  for (int64_t end = now_ms_ + ms; now_ms_ < end;) tick_all();
}

void TestCluster::elect(int id) {
  Node& target = nodes_.at(id - 1);
  target.clock_offset_ms += 2 * target.config.election_timeout_ms;
  for (int i = 0; i < 1000 && node(id).role() != Role::kLeader; ++i) {
    tick_all();
    int other = leader();
    if (other != 0 && other != id && !node(other).transfer_target()) {
      node(other).transfer_leadership(NodeId{id});
    }
  }
  KAPPA_ASSERT(node(id).role() == Role::kLeader, "n{} did not win an election", id);
}

int TestCluster::leader() const {
  int best = 0;
  for (int i = 1; i <= size(); ++i) {
    const auto& raft = nodes_[i - 1].raft;
    if (!raft || raft->role() != Role::kLeader) continue;
    if (best == 0 || raft->term() > nodes_[best - 1].raft->term()) best = i;
  }
  return best;
}

void TestCluster::isolate(int id) {
  drop = [id](const Message& m) { return m.from.value() == id || m.to.value() == id; };
}

}  // namespace kappa::raft::testing

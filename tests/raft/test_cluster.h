#pragma once
// A hand-driven cluster for focused raft unit tests.  Messages go through a
// FIFO queue that settle() drains, and a test can cut links or drop messages
// with a predicate.  No randomness besides each node's election-timeout
// generator (seeded from its id).
//
// Each node's clock is the cluster clock plus an offset; elect(id) pushes the
// offset of `id` forward so its election timer fires first while every clock
// keeps ticking at the same rate.

#include <deque>
#include <functional>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "kappa/raft/memory_storage.h"
#include "kappa/raft/raft_node.h"

namespace kappa::raft::testing {

class TestCluster {
 public:
  // Voters get ids 1..voters, observers the ids after them.
  explicit TestCluster(int voters, int observers = 0, RaftConfig base = {});

  RaftNode& node(int id) { return *nodes_.at(id - 1).raft; }
  MemoryRaftStorage& storage(int id) { return nodes_.at(id - 1).storage; }
  bool is_up(int id) const { return nodes_.at(id - 1).raft != nullptr; }
  // kData payloads the node's application has applied, in order.
  const std::vector<std::vector<uint8_t>>& applied(int id) const { return nodes_.at(id - 1).applied; }
  // Snapshots the node's application installed from its leader.
  int installed_snapshots(int id) const { return nodes_.at(id - 1).installed; }
  int size() const { return static_cast<int>(nodes_.size()); }
  int64_t now() const { return now_ms_; }

  // Runs Ready cycles and delivers queued messages until nothing moves.
  void settle();
  // Moves time forward in 10 ms steps, ticking every live node and settling.
  void run_for(int64_t ms);
  // Runs until `id` leads: its clock jumps past its election timeout, and if
  // another node wins anyway that leader transfers leadership to `id`.
  void elect(int id);
  // The single live leader of the highest term, or 0.
  int leader() const;

  // Lost messages: `drop` returns true for a message to discard.
  std::function<bool(const Message&)> drop;
  void isolate(int id);  // drop everything to and from id
  void heal() { drop = nullptr; }

  // Loses unsynced writes (none here: every Ready is synced) and the node.
  void crash(int id);
  void restart(int id);

  // Every message delivered so far (for assertions on traffic).
  std::vector<Message> delivered;

 private:
  struct Node {
    RaftConfig config;
    MemoryRaftStorage storage;
    std::unique_ptr<RaftNode> raft;
    std::vector<std::vector<uint8_t>> applied;
    int installed = 0;
    int64_t clock_offset_ms = 0;
  };
  void tick_all();
  bool drive(Node& n);

  std::vector<Node> nodes_;
  std::deque<Message> queue_;
  int64_t now_ms_ = 0;
};

std::vector<uint8_t> bytes(std::string_view s);

}  // namespace kappa::raft::testing

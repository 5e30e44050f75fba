#pragma once
// Safety invariants of the simulation, checked as the run goes.
//
//   election safety    at most one leader per term;
//   vote safety        a voter grants at most one candidate per term;
//   ack durability     a node that acknowledged entries up to m in term T
//                      holds at least m entries for as long as it is in
//                      term T, crashes included (acks follow the fsync);
//   leader completeness  a leader of term T holds every entry committed in a
//                      term before T (a leader of an older term, elected late
//                      by delayed votes, may lack newer commits; that is fine);
//   log matching       every node's log agrees with the committed record up
//                      to its commit index (checked incrementally and in full
//                      every simulated second);
//   durability         a committed (index, term, payload) never changes: the
//                      first node to commit an index records it, everyone
//                      else must agree forever after;
//   state machine safety  every node applies the same entries in the same
//                      order, and its state after index i (a hash) equals
//                      everyone else's; an installed snapshot matches too;
//   monotonicity       commit and applied indexes never go back on a node,
//                      except across a crash, where they restart from the
//                      snapshot.
// The first violation is kept as a message; the run stops there.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kappa/raft/raft_node.h"

namespace kappa::raft::sim {

// The replicated application: a hash chain over the kData payloads applied.
struct SimApp {
  int64_t applied_index = 0;
  uint64_t hash = 0;

  void apply(const Entry& e);
  std::vector<uint8_t> serialize() const;
  static SimApp deserialize(const std::vector<uint8_t>& data);
};

uint64_t payload_hash(const std::vector<uint8_t>& payload);

class SimChecker {
 public:
  explicit SimChecker(int nodes) : nodes_(static_cast<size_t>(nodes + 1)) {}

  // After any change to a node: role, term, commit.
  void observe(int node, const RaftNode& raft);
  void on_send(const Message& m);
  void on_apply(int node, const Entry& e, const SimApp& app_after);
  void on_restore(int node, const Snapshot& snapshot, const SimApp& app);
  // The node restarted from storage; its commit/applied baselines reset.
  void on_restart(int node, const RaftNode& raft, const SimApp& app);
  // Full comparison of a node's log with the committed record.
  void check_log(int node, const RaftNode& raft);

  bool failed() const { return failure_.has_value(); }
  const std::string& failure() const { return *failure_; }
  int64_t committed_index() const { return static_cast<int64_t>(committed_.size()) - 1; }
  // The committed entry at index, if recorded.
  bool is_committed(int64_t index, Term term, uint64_t hash) const;
  size_t leaders_elected() const { return leaders_.size(); }

 private:
  struct Committed {
    Term term{0};
    EntryType type = EntryType::kNoop;
    uint64_t payload = 0;
    // The term of the first node seen committing it.  That is the leader
    // that committed it: a leader's commit is observed in the same drive,
    // before any follower can learn about it.
    Term committed_in{0};
  };
  struct NodeView {
    int64_t commit = 0;
    int64_t applied = 0;
    Term leader_checked{-1};
    Term acked_term{-1};  // the highest AppendResponse success it sent...
    int64_t acked = 0;    // ...and the highest match index in that term
  };
  void check_acks(int node, const RaftNode& raft);
  void fail(std::string message);
  void record_commit(int node, Term node_term, const Entry& e);
  void check_leader_completeness(int node, const RaftNode& raft);

  std::vector<Committed> committed_{Committed{}};  // [0] is a placeholder
  std::vector<std::optional<uint64_t>> state_after_{std::optional<uint64_t>{0}};
  std::map<int64_t, int> leaders_;                // term -> leader
  std::map<std::pair<int, int64_t>, int> votes_;  // (voter, term) -> candidate
  std::vector<NodeView> nodes_;
  std::optional<std::string> failure_;
};

}  // namespace kappa::raft::sim

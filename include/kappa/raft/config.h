#pragma once
// Static configuration of one raft node.  Membership does not change at run
// time: every node of the quorum is built with the same voters and observers.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kappa/common/strong_id.h"

namespace kappa::raft {

struct RaftConfig {
  NodeId id{0};
  // The quorum.  Commit and election need a majority of these.
  std::vector<NodeId> voters;
  // Non-voting learners (brokers that only follow the metadata log).  They
  // receive and apply the committed log but never vote, campaign or count
  // for commit.  A node whose id is here runs as an observer.
  std::vector<NodeId> observers;

  // A follower campaigns after a random timeout in [election_timeout_ms,
  // 2 * election_timeout_ms) without hearing from a leader.  The same base
  // value bounds the leader lease (pre-vote refusal) and check-quorum.
  int64_t election_timeout_ms = 1000;
  int64_t heartbeat_interval_ms = 100;
  // Upper bounds for one AppendRequest (at least one entry is always sent).
  size_t max_append_entries = 256;
  size_t max_append_bytes = 1 << 20;
};

}  // namespace kappa::raft

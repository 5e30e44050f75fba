// RaftNode::step: who may send what, the term rules every message passes
// through, and dispatch to the election and replication handlers.
//
// Term rules (Message.term vs our term_):
//   higher: adopt it and become a follower (of the sender, if it is a leader's
//           request), except for pre-vote traffic, which never changes
//           terms, and for a real vote request while we still hear from a
//           live leader (lease), which is dropped unless it is a
//           leadership transfer.
//   lower:  stale; requests are rejected with our term so an old leader or
//           candidate learns it is behind, everything else is dropped.
//   equal:  dispatched.
#include <type_traits>

#include "kappa/common/assert.h"
#include "kappa/raft/raft_node.h"
#include "raft/logger.h"

namespace kappa::raft {
namespace {

bool is_pre_vote_traffic(const Message& m) {
  if (auto* req = std::get_if<VoteRequest>(&m.body)) return req->pre_vote;
  if (auto* resp = std::get_if<VoteResponse>(&m.body)) return resp->pre_vote && resp->granted;
  return false;
}

bool comes_from_leader(const Message& m) {
  return std::holds_alternative<AppendRequest>(m.body) || std::holds_alternative<SnapshotRequest>(m.body) ||
         std::holds_alternative<TimeoutNow>(m.body);
}

}  // namespace

void RaftNode::step(Message m) {
  KAPPA_ASSERT(!in_ready_, "step between ready() and advance()");
  if (m.to != id() || m.from == id() || !sender_allowed(m)) {
    raft_logger().debug("[n{} t{}] dropped {}", id(), term_, describe(m));
    return;
  }
  if (is_pre_vote_traffic(m)) {
    dispatch(m);
  } else if (m.term > term_) {
    if (adopt_higher_term(m)) dispatch(m);
  } else if (m.term < term_) {
    reject_stale(m);
  } else {
    dispatch(m);
  }
}

// Voters send everything; observers only answer appends.  Observers do not
// take part in elections at all.
bool RaftNode::sender_allowed(const Message& m) const {
  if (!is_member(m.from)) return false;
  bool election = std::holds_alternative<VoteRequest>(m.body) || std::holds_alternative<VoteResponse>(m.body);
  if (election && observer_) return false;
  return is_voter(m.from) || std::holds_alternative<AppendResponse>(m.body);
}

bool RaftNode::adopt_higher_term(const Message& m) {
  if (auto* req = std::get_if<VoteRequest>(&m.body); req && !req->leadership_transfer && in_lease()) {
    raft_logger().debug("[n{} t{}] ignoring vote request from n{} for t{}: leader lease", id(), term_, m.from,
                        m.term);
    return false;
  }
  std::optional<NodeId> leader;
  if (comes_from_leader(m)) leader = m.from;
  raft_logger().debug("[n{} t{}] term {} from n{}", id(), term_, m.term, m.from);
  become_follower(m.term, leader);
  return true;
}

void RaftNode::reject_stale(const Message& m) {
  if (std::holds_alternative<AppendRequest>(m.body) || std::holds_alternative<SnapshotRequest>(m.body)) {
    send(m.from, term_, AppendResponse{.success = false});
  } else if (std::holds_alternative<VoteRequest>(m.body)) {
    send(m.from, term_, VoteResponse{.pre_vote = false, .granted = false});
  }
}

void RaftNode::dispatch(const Message& m) {
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, VoteRequest>) {
          body.pre_vote ? handle_pre_vote_request(m, body) : handle_vote_request(m, body);
        } else if constexpr (std::is_same_v<T, VoteResponse>) {
          handle_vote_response(m, body);
        } else if constexpr (std::is_same_v<T, AppendRequest>) {
          handle_append_request(m, body);
        } else if constexpr (std::is_same_v<T, SnapshotRequest>) {
          handle_snapshot_request(m, body);
        } else if constexpr (std::is_same_v<T, AppendResponse>) {
          handle_append_response(m, body);
        } else {
          static_assert(std::is_same_v<T, TimeoutNow>);
          handle_timeout_now(m);
        }
      },
      m.body);
}

}  // namespace kappa::raft

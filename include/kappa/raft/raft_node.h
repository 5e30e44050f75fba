#pragma once
// The Raft consensus core for the metadata quorum, as a sans-IO state machine.
//
// Inputs: step() a message from a peer, tick() the time, propose() a client
// write, compact() a snapshot from the application, transfer_leadership().
// Outputs: a Ready batch pulled by the driver (see ready.h for the ordering
// rules), then advance().  The node never reads a clock, a file, a socket or
// a random device: time comes from tick(), randomness from the generator
// passed in, and state across restarts from PersistentState.
//
// Protocol: Raft with pre-vote, leader lease (voters refuse to help depose a
// leader they heard from within election_timeout_ms), check-quorum (a leader
// that has not heard from a majority within election_timeout_ms steps down),
// a no-op entry at the start of each term, conflict hints for fast
// backtracking, whole-snapshot install, observers and leadership transfer.
// See docs/raft.md.
//
// Not thread-safe: one driver owns the node.  Between ready() and advance()
// only the const accessors may be called (inputs are asserted against).

#include <cstdint>
#include <optional>
#include <random>
#include <string_view>
#include <vector>

#include "kappa/common/strong_id.h"
#include "kappa/raft/config.h"
#include "kappa/raft/entry.h"
#include "kappa/raft/message.h"
#include "kappa/raft/persistent_state.h"
#include "kappa/raft/raft_log.h"
#include "kappa/raft/ready.h"

namespace kappa::raft {

enum class Role { kFollower, kPreCandidate, kCandidate, kLeader, kObserver };
std::string_view to_string(Role role);

enum class ProposeError { kNone, kNotLeader, kTransferInProgress };

// On success the entry will have (index, term).  It is committed only if the
// application later sees exactly that pair in committed_entries; another
// entry at that index means the proposal was lost to a leader change.
struct ProposeResult {
  ProposeError error = ProposeError::kNone;
  int64_t index = 0;
  Term term{0};
  std::optional<NodeId> leader;  // the known leader, when kNotLeader

  bool ok() const { return error == ProposeError::kNone; }
};

class RaftNode {
 public:
  // `state` is what storage recovered; the application must already hold
  // state.snapshot.data (the node starts with applied_index() at its index).
  RaftNode(RaftConfig config, PersistentState state, std::mt19937_64 rng, int64_t now_ms);

  // Time moves forward (now_ms is monotonic).  Drives election timeouts,
  // heartbeats, check-quorum and the leadership-transfer deadline.
  void tick(int64_t now_ms);
  // A message from a peer.  Messages for another node, from unknown ids, from
  // a non-voter where a voter is required, or with a stale term never change
  // state (stale requests get a rejection carrying the current term).
  void step(Message message);
  // Appends a kData entry if this node is the leader and not transferring.
  ProposeResult propose(std::vector<uint8_t> payload);
  // The application snapshotted its state at `index` (<= applied_index()); the
  // log before it may go.  Returns false if index is not usable.
  bool compact(int64_t index, std::vector<uint8_t> data);
  // Leader only: stop taking proposals, catch `to` up and tell it to campaign.
  // Abandoned (proposals resume) if it has not happened within an election
  // timeout.  Returns false if not leader or `to` is not another voter.
  bool transfer_leadership(NodeId to);

  bool has_ready() const;
  Ready ready();
  // Everything in the last Ready is durable, sent and applied.
  void advance();

  NodeId id() const { return config_.id; }
  Role role() const { return role_; }
  Term term() const { return term_; }
  std::optional<NodeId> voted_for() const { return voted_for_; }
  std::optional<NodeId> leader() const { return leader_; }
  int64_t commit_index() const { return commit_; }
  int64_t applied_index() const { return applied_; }
  int64_t last_log_index() const { return log_.last_index(); }
  Term last_log_term() const { return log_.last_term(); }
  const RaftLog& log() const { return log_; }
  const RaftConfig& config() const { return config_; }
  // Leader only: the highest index known to match on `peer` (voter or observer).
  std::optional<int64_t> match_index(NodeId peer) const;
  std::optional<NodeId> transfer_target() const { return transfer_target_; }

 private:
  // The leader's view of one peer.  next_index is optimistic: it moves past
  // entries as soon as they are sent and back on a rejection.
  struct Progress {
    NodeId id;
    bool voter = false;
    int64_t match_index = 0;
    int64_t next_index = 1;
    int64_t last_contact_ms = 0;  // last response in this term (check-quorum)
  };

  // raft_node.cc: roles, timers, outbox
  void become_follower(Term term, std::optional<NodeId> leader);
  void follow_current_leader(NodeId leader);
  void reset_election_timer();
  void send(NodeId to, Term term, MessageBody body);
  bool is_voter(NodeId id) const;
  bool is_member(NodeId id) const;
  bool has_quorum(size_t count) const;
  Progress* progress(NodeId id);

  // step.cc: term rules and dispatch
  bool sender_allowed(const Message& m) const;
  bool adopt_higher_term(const Message& m);
  void reject_stale(const Message& m);
  void dispatch(const Message& m);

  // election.cc
  void start_pre_vote();
  void start_election(bool leadership_transfer);
  void request_votes();
  void become_leader();
  bool in_lease() const;
  void handle_vote_request(const Message& m, const VoteRequest& req);
  void handle_pre_vote_request(const Message& m, const VoteRequest& req);
  void handle_vote_response(const Message& m, const VoteResponse& resp);
  void handle_timeout_now(const Message& m);

  // replication.cc
  void send_append(Progress& p);
  void broadcast_append();
  void handle_append_request(const Message& m, const AppendRequest& req);
  void handle_snapshot_request(const Message& m, const SnapshotRequest& req);
  void handle_append_response(const Message& m, const AppendResponse& resp);
  void maybe_commit();
  void maybe_send_timeout_now(Progress& p);
  void check_quorum();

  RaftConfig config_;
  bool observer_ = false;
  std::mt19937_64 rng_;
  RaftLog log_;

  // Persistent (HardState): persisted_hard_state_ is what storage holds.
  Term term_{0};
  std::optional<NodeId> voted_for_;
  HardState persisted_hard_state_;

  Role role_ = Role::kFollower;
  std::optional<NodeId> leader_;
  int64_t commit_ = 0;
  int64_t applied_ = 0;  // handed to the application (as of the last advance)

  int64_t now_ms_ = 0;
  int64_t election_deadline_ms_ = 0;
  int64_t last_leader_contact_ms_ = 0;  // valid while leader_ is set
  int64_t heartbeat_deadline_ms_ = 0;   // leader: heartbeats; candidates: re-asking for votes

  std::vector<NodeId> votes_;  // granted (pre-)votes in the current round
  bool campaign_is_transfer_ = false;
  std::vector<Progress> progress_;  // every peer; used while leader
  bool broadcast_pending_ = false;  // leader: send appends at the next ready()
  std::optional<NodeId> transfer_target_;
  int64_t transfer_deadline_ms_ = 0;

  // Outbox and effects awaiting the next ready().
  std::vector<Message> outbox_;
  // The latest snapshot to persist; the flags accumulate until advance().
  std::optional<Snapshot> pending_snapshot_;
  bool pending_reset_ = false;    // storage must drop its whole log
  bool pending_install_ = false;  // the application must load it

  bool in_ready_ = false;  // between ready() and advance()
  int64_t ready_commit_ = 0;
};

}  // namespace kappa::raft

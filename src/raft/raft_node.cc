// RaftNode: construction, inputs other than step(), the Ready cycle, roles
// and timers.  Elections live in election.cc, log replication in
// replication.cc, term rules and message dispatch in step.cc.
#include "kappa/raft/raft_node.h"

#include <algorithm>

#include "kappa/common/assert.h"
#include "raft/logger.h"

namespace kappa::raft {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kFollower:
      return "follower";
    case Role::kPreCandidate:
      return "pre-candidate";
    case Role::kCandidate:
      return "candidate";
    case Role::kLeader:
      return "leader";
    case Role::kObserver:
      return "observer";
  }
  return "?";
}

RaftNode::RaftNode(RaftConfig config, PersistentState state, std::mt19937_64 rng, int64_t now_ms)
    : config_(std::move(config)),
      rng_(rng),
      log_(std::move(state.snapshot), std::move(state.entries)),
      term_(state.hard_state.term),
      voted_for_(state.hard_state.voted_for),
      persisted_hard_state_(state.hard_state),
      commit_(log_.snapshot_index()),
      applied_(log_.snapshot_index()),
      now_ms_(now_ms) {
  KAPPA_ASSERT(!config_.voters.empty(), "a quorum needs voters");
  KAPPA_ASSERT(config_.election_timeout_ms > config_.heartbeat_interval_ms &&
               config_.heartbeat_interval_ms > 0);
  KAPPA_ASSERT(config_.max_append_entries > 0);
  observer_ = !is_voter(config_.id);
  KAPPA_ASSERT(observer_ != (std::find(config_.observers.begin(), config_.observers.end(), config_.id) ==
                             config_.observers.end()),
               "node {} must be exactly one of voter or observer", config_.id);
  role_ = observer_ ? Role::kObserver : Role::kFollower;
  for (NodeId id : config_.voters) {
    if (id != config_.id) progress_.push_back(Progress{.id = id, .voter = true});
  }
  for (NodeId id : config_.observers) {
    KAPPA_ASSERT(!is_voter(id), "node {} is both voter and observer", id);
    if (id != config_.id) progress_.push_back(Progress{.id = id, .voter = false});
  }
  reset_election_timer();
}

void RaftNode::tick(int64_t now_ms) {
  KAPPA_ASSERT(!in_ready_, "tick between ready() and advance()");
  KAPPA_ASSERT(now_ms >= now_ms_, "time went back from {} to {}", now_ms_, now_ms);
  now_ms_ = now_ms;
  switch (role_) {
    case Role::kObserver:
      return;
    case Role::kLeader:
      if (transfer_target_ && now_ms_ >= transfer_deadline_ms_) {
        raft_logger().info("[n{} t{}] leadership transfer to n{} timed out", id(), term_, *transfer_target_);
        transfer_target_.reset();
      }
      if (now_ms_ >= heartbeat_deadline_ms_) {
        heartbeat_deadline_ms_ = now_ms_ + config_.heartbeat_interval_ms;
        broadcast_append();
      }
      check_quorum();
      return;
    case Role::kFollower:
    case Role::kPreCandidate:
    case Role::kCandidate:
      if (now_ms_ >= election_deadline_ms_) {
        start_pre_vote();
      } else if (role_ != Role::kFollower && now_ms_ >= heartbeat_deadline_ms_) {
        request_votes();
      }
      return;
  }
}

ProposeResult RaftNode::propose(std::vector<uint8_t> payload) {
  KAPPA_ASSERT(!in_ready_, "propose between ready() and advance()");
  if (role_ != Role::kLeader) return {.error = ProposeError::kNotLeader, .leader = leader_};
  if (transfer_target_) return {.error = ProposeError::kTransferInProgress, .leader = leader_};
  int64_t index = log_.last_index() + 1;
  log_.append(Entry{.index = index, .term = term_, .type = EntryType::kData, .payload = std::move(payload)});
  broadcast_pending_ = true;
  return {.index = index, .term = term_, .leader = leader_};
}

bool RaftNode::compact(int64_t index, std::vector<uint8_t> data) {
  KAPPA_ASSERT(!in_ready_, "compact between ready() and advance()");
  if (index <= log_.snapshot_index() || index > applied_) return false;
  Term term = *log_.term_at(index);
  log_.compact(Snapshot{.last_index = index, .last_term = term, .data = std::move(data)});
  pending_snapshot_ = log_.snapshot();
  return true;
}

bool RaftNode::transfer_leadership(NodeId to) {
  KAPPA_ASSERT(!in_ready_, "transfer_leadership between ready() and advance()");
  Progress* p = progress(to);
  if (role_ != Role::kLeader || p == nullptr || !p->voter) return false;
  raft_logger().info("[n{} t{}] transferring leadership to n{}", id(), term_, to);
  transfer_target_ = to;
  transfer_deadline_ms_ = now_ms_ + config_.election_timeout_ms;
  if (p->match_index == log_.last_index()) {
    maybe_send_timeout_now(*p);
  } else {
    send_append(*p);
  }
  return true;
}

bool RaftNode::has_ready() const {
  return (role_ == Role::kLeader && broadcast_pending_) ||
         HardState{term_, voted_for_} != persisted_hard_state_ || pending_snapshot_ ||
         log_.stable_index() < log_.last_index() || !outbox_.empty() || applied_ < commit_;
}

Ready RaftNode::ready() {
  KAPPA_ASSERT(!in_ready_, "ready() twice without advance()");
  if (role_ == Role::kLeader && broadcast_pending_) broadcast_append();
  Ready rd;
  HardState hard{term_, voted_for_};
  if (hard != persisted_hard_state_) rd.hard_state = hard;
  int64_t applied = applied_;
  if (pending_snapshot_) {
    rd.snapshot = *pending_snapshot_;
    rd.snapshot_resets_log = pending_reset_;
    rd.install_snapshot = pending_install_;
    if (pending_install_) applied = pending_snapshot_->last_index;
  }
  rd.entries = log_.unstable_entries();
  rd.messages = std::move(outbox_);
  outbox_.clear();
  for (int64_t i = applied + 1; i <= commit_; ++i) rd.committed_entries.push_back(log_.at(i));
  ready_commit_ = std::max(commit_, applied);
  in_ready_ = true;
  return rd;
}

void RaftNode::advance() {
  KAPPA_ASSERT(in_ready_, "advance() without ready()");
  in_ready_ = false;
  persisted_hard_state_ = HardState{term_, voted_for_};
  log_.mark_stable();
  pending_snapshot_.reset();
  pending_reset_ = false;
  pending_install_ = false;
  KAPPA_ASSERT(ready_commit_ >= applied_, "applied index went back from {} to {}", applied_, ready_commit_);
  applied_ = ready_commit_;
  if (role_ == Role::kLeader) maybe_commit();  // our own entries are durable now
}

std::optional<int64_t> RaftNode::match_index(NodeId peer) const {
  if (role_ != Role::kLeader) return std::nullopt;
  if (peer == id()) return log_.stable_index();
  for (const Progress& p : progress_) {
    if (p.id == peer) return p.match_index;
  }
  return std::nullopt;
}

void RaftNode::become_follower(Term term, std::optional<NodeId> leader) {
  KAPPA_ASSERT(term >= term_, "term went back from {} to {}", term_, term);
  if (term > term_) {
    term_ = term;
    voted_for_.reset();
  }
  Role old = role_;
  role_ = observer_ ? Role::kObserver : Role::kFollower;
  if (old != role_) raft_logger().info("[n{} t{}] {} -> {}", id(), term_, to_string(old), to_string(role_));
  leader_ = leader;
  if (leader) last_leader_contact_ms_ = now_ms_;
  votes_.clear();
  transfer_target_.reset();
  broadcast_pending_ = false;
  reset_election_timer();
}

// A message from the leader of the current term.
void RaftNode::follow_current_leader(NodeId leader) {
  KAPPA_ASSERT(role_ != Role::kLeader, "n{} and n{} both lead term {}", id(), leader, term_);
  if (role_ == Role::kPreCandidate || role_ == Role::kCandidate) become_follower(term_, leader);
  KAPPA_ASSERT(!leader_ || *leader_ == leader, "term {} has leaders n{} and n{}", term_, *leader_, leader);
  leader_ = leader;
  last_leader_contact_ms_ = now_ms_;
  reset_election_timer();
}

void RaftNode::reset_election_timer() {
  auto base = static_cast<uint64_t>(config_.election_timeout_ms);
  election_deadline_ms_ = now_ms_ + static_cast<int64_t>(base + rng_() % base);
}

void RaftNode::send(NodeId to, Term term, MessageBody body) {
  outbox_.push_back(Message{.from = id(), .to = to, .term = term, .body = std::move(body)});
}

bool RaftNode::is_voter(NodeId id) const {
  return std::find(config_.voters.begin(), config_.voters.end(), id) != config_.voters.end();
}

bool RaftNode::is_member(NodeId id) const {
  return is_voter(id) ||
         std::find(config_.observers.begin(), config_.observers.end(), id) != config_.observers.end();
}

bool RaftNode::has_quorum(size_t count) const { return count * 2 > config_.voters.size(); }

RaftNode::Progress* RaftNode::progress(NodeId id) {
  for (Progress& p : progress_) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace kappa::raft

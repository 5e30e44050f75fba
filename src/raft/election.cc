// Elections: pre-vote, vote, becoming leader, the leader lease and
// leadership transfer's TimeoutNow.
//
// A follower whose election timer fires becomes a pre-candidate and asks the
// voters whether they would vote for it in term_ + 1, without changing any
// term.  A voter says yes only if it has not heard from a live leader within
// election_timeout_ms (the lease) and the pre-candidate's log is at least as
// up to date as its own.  With a majority of yeses the pre-candidate becomes
// a candidate: term_ + 1, votes for itself, asks for real votes.  So a node
// cut off from the quorum cannot inflate its term and depose a healthy leader
// when it comes back.
#include <algorithm>

#include "kappa/common/assert.h"
#include "kappa/raft/raft_node.h"
#include "raft/logger.h"

namespace kappa::raft {

void RaftNode::start_pre_vote() {
  KAPPA_ASSERT(!observer_);
  if (role_ != Role::kPreCandidate) {
    raft_logger().info("[n{} t{}] {} -> pre-candidate", id(), term_, to_string(role_));
  }
  role_ = Role::kPreCandidate;
  leader_.reset();
  campaign_is_transfer_ = false;
  votes_.assign(1, id());
  reset_election_timer();
  if (has_quorum(votes_.size())) {
    start_election(false);
    return;
  }
  request_votes();
}

void RaftNode::start_election(bool leadership_transfer) {
  KAPPA_ASSERT(!observer_);
  term_ = Term{term_.value() + 1};
  voted_for_ = id();
  raft_logger().info("[n{} t{}] {} -> candidate{}", id(), term_, to_string(role_),
                     leadership_transfer ? " (leadership transfer)" : "");
  role_ = Role::kCandidate;
  leader_.reset();
  campaign_is_transfer_ = leadership_transfer;
  votes_.assign(1, id());
  reset_election_timer();
  if (has_quorum(votes_.size())) {
    become_leader();
    return;
  }
  request_votes();
}

// Asks every voter that has not granted yet; repeated each heartbeat
// interval while the round lasts, so one lost request does not cost a term.
void RaftNode::request_votes() {
  bool pre_vote = role_ == Role::kPreCandidate;
  Term term = pre_vote ? Term{term_.value() + 1} : term_;
  for (NodeId voter : config_.voters) {
    if (std::find(votes_.begin(), votes_.end(), voter) != votes_.end()) continue;
    send(voter, term,
         VoteRequest{.pre_vote = pre_vote,
                     .leadership_transfer = campaign_is_transfer_,
                     .last_log_index = log_.last_index(),
                     .last_log_term = log_.last_term()});
  }
  heartbeat_deadline_ms_ = now_ms_ + config_.heartbeat_interval_ms;
}

void RaftNode::become_leader() {
  KAPPA_ASSERT(role_ == Role::kCandidate && voted_for_ == id());
  raft_logger().info("[n{} t{}] candidate -> leader", id(), term_);
  role_ = Role::kLeader;
  leader_ = id();
  votes_.clear();
  transfer_target_.reset();
  for (Progress& p : progress_) {
    p.match_index = 0;
    p.next_index = log_.last_index() + 1;
    p.last_contact_ms = now_ms_;
  }
  // Entries of earlier terms are only committed indirectly, by committing an
  // entry of our own term after them; the no-op makes that happen now.
  log_.append(Entry{.index = log_.last_index() + 1, .term = term_, .type = EntryType::kNoop, .payload = {}});
  heartbeat_deadline_ms_ = now_ms_ + config_.heartbeat_interval_ms;
  broadcast_pending_ = true;
}

bool RaftNode::in_lease() const {
  if (role_ == Role::kLeader) return true;
  return leader_.has_value() && now_ms_ - last_leader_contact_ms_ < config_.election_timeout_ms;
}

void RaftNode::handle_vote_request(const Message& m, const VoteRequest& req) {
  bool granted = role_ != Role::kLeader && (!voted_for_ || *voted_for_ == m.from) &&
                 log_.is_up_to_date(req.last_log_index, req.last_log_term);
  if (granted) {
    voted_for_ = m.from;  // persisted before the response leaves (Ready contract)
    if (role_ != Role::kFollower) become_follower(term_, std::nullopt);
    reset_election_timer();
  }
  raft_logger().debug("[n{} t{}] vote for n{}: {}", id(), term_, m.from, granted ? "granted" : "refused");
  send(m.from, term_, VoteResponse{.pre_vote = false, .granted = granted});
}

void RaftNode::handle_pre_vote_request(const Message& m, const VoteRequest& req) {
  bool granted = m.term > term_ && !in_lease() && log_.is_up_to_date(req.last_log_index, req.last_log_term);
  send(m.from, granted ? m.term : term_, VoteResponse{.pre_vote = true, .granted = granted});
}

void RaftNode::handle_vote_response(const Message& m, const VoteResponse& resp) {
  Role want = resp.pre_vote ? Role::kPreCandidate : Role::kCandidate;
  Term round = resp.pre_vote ? Term{term_.value() + 1} : term_;
  if (role_ != want || m.term != round || !resp.granted) return;
  if (std::find(votes_.begin(), votes_.end(), m.from) != votes_.end()) return;  // duplicate
  votes_.push_back(m.from);
  if (!has_quorum(votes_.size())) return;
  if (resp.pre_vote) {
    start_election(false);
  } else {
    become_leader();
  }
}

void RaftNode::handle_timeout_now(const Message& m) {
  if (role_ != Role::kFollower || leader_ != m.from) return;
  start_election(true);
}

}  // namespace kappa::raft

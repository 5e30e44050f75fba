// Log replication: the leader's AppendRequest/SnapshotRequest, the
// follower's consistency check and conflict truncation, commit, heartbeats,
// check-quorum and the catch-up half of leadership transfer.
//
// Commit rule: the leader commits index N once a majority of voters (itself
// counting only entries that are durable) hold N and the entry at N is of the
// leader's current term.  Entries of earlier terms are committed only through
// such an entry (Raft §5.4.2); observers never count.
#include <algorithm>
#include <functional>

#include "kappa/common/assert.h"
#include "kappa/raft/raft_node.h"
#include "raft/logger.h"

namespace kappa::raft {

void RaftNode::send_append(Progress& p) {
  if (p.next_index <= log_.snapshot_index()) {
    // The entries it needs are compacted away: ship the snapshot instead.
    send(p.id, term_, SnapshotRequest{.snapshot = log_.snapshot()});
    p.next_index = log_.snapshot_index() + 1;
    return;
  }
  int64_t prev = p.next_index - 1;
  std::vector<Entry> entries;
  if (p.next_index <= log_.last_index()) {
    entries = log_.slice(p.next_index, config_.max_append_entries, config_.max_append_bytes);
  }
  p.next_index += static_cast<int64_t>(entries.size());
  send(p.id, term_,
       AppendRequest{.prev_log_index = prev,
                     .prev_log_term = *log_.term_at(prev),
                     .entries = std::move(entries),
                     .leader_commit = commit_});
}

void RaftNode::broadcast_append() {
  broadcast_pending_ = false;
  for (Progress& p : progress_) {
    send_append(p);
    maybe_send_timeout_now(p);
  }
}

void RaftNode::handle_append_request(const Message& m, const AppendRequest& req) {
  follow_current_leader(m.from);
  int64_t prev = req.prev_log_index;
  auto first = req.entries.begin();
  // Entries at or below our snapshot are committed, hence identical to the
  // leader's: skip them and check consistency at the snapshot instead.
  while (prev < log_.snapshot_index() && first != req.entries.end()) {
    ++prev;
    ++first;
  }
  if (prev < log_.snapshot_index()) {
    send(m.from, term_, AppendResponse{.success = true, .match_index = prev});
    return;
  }
  Term prev_term = prev == req.prev_log_index ? req.prev_log_term : std::prev(first)->term;
  if (prev > log_.last_index()) {
    send(m.from, term_, AppendResponse{.success = false, .conflict_index = log_.last_index() + 1});
    return;
  }
  Term ours = *log_.term_at(prev);
  if (ours != prev_term) {
    KAPPA_ASSERT(prev > commit_, "committed entry {} (term {}) conflicts with leader n{} (term {})", prev,
                 ours, m.from, prev_term);
    send(m.from, term_,
         AppendResponse{.conflict_index = log_.first_index_of_term_at(prev), .conflict_term = ours});
    return;
  }
  for (auto it = first; it != req.entries.end(); ++it) {
    if (it->index <= log_.last_index()) {
      if (*log_.term_at(it->index) == it->term) continue;  // already have it: never truncate a match
      KAPPA_ASSERT(it->index > commit_, "leader n{} overwrites committed entry {}", m.from, it->index);
      log_.truncate_from(it->index);
    }
    log_.append(*it);
  }
  int64_t last_new = prev + (req.entries.end() - first);
  commit_ = std::max(commit_, std::min(req.leader_commit, last_new));
  send(m.from, term_, AppendResponse{.success = true, .match_index = last_new});
}

void RaftNode::handle_snapshot_request(const Message& m, const SnapshotRequest& req) {
  follow_current_leader(m.from);
  const Snapshot& snap = req.snapshot;
  if (snap.last_index <= commit_) {
    // Our log already matches the leader's up to our commit index.
    send(m.from, term_, AppendResponse{.success = true, .match_index = commit_});
    return;
  }
  raft_logger().info("[n{} t{}] installing snapshot at {} (term {}) from n{}", id(), term_, snap.last_index,
                     snap.last_term, m.from);
  // Entries we hold after the snapshot may have been acknowledged, so they
  // must survive.  If everything up to the snapshot is durable, storage just
  // drops the prefix; otherwise it drops all and rewrites what we keep.
  if (log_.term_at(snap.last_index) == snap.last_term && snap.last_index <= log_.stable_index()) {
    log_.compact(snap);
  } else {
    log_.restore(snap);
    pending_reset_ = true;
  }
  commit_ = snap.last_index;
  pending_snapshot_ = snap;
  pending_install_ = true;
  send(m.from, term_, AppendResponse{.success = true, .match_index = snap.last_index});
}

void RaftNode::handle_append_response(const Message& m, const AppendResponse& resp) {
  if (role_ != Role::kLeader) return;
  Progress& p = *progress(m.from);
  p.last_contact_ms = now_ms_;
  if (resp.success) {
    KAPPA_ASSERT(resp.match_index <= log_.last_index(), "n{} matches {} beyond our last index {}", m.from,
                 resp.match_index, log_.last_index());
    p.match_index = std::max(p.match_index, resp.match_index);
    p.next_index = std::max(p.next_index, p.match_index + 1);
    if (p.voter) maybe_commit();
    maybe_send_timeout_now(p);
    if (p.next_index <= log_.last_index()) send_append(p);
    return;
  }
  int64_t next = resp.conflict_index;
  if (resp.conflict_term != Term{0}) {
    if (auto last = log_.last_index_of_term(resp.conflict_term)) next = *last + 1;
  }
  p.next_index = std::clamp(next, p.match_index + 1, log_.last_index() + 1);
  send_append(p);
}

void RaftNode::maybe_commit() {
  std::vector<int64_t> matches{log_.stable_index()};
  for (const Progress& p : progress_) {
    if (p.voter) matches.push_back(p.match_index);
  }
  std::sort(matches.begin(), matches.end(), std::greater<>());
  int64_t n = matches[config_.voters.size() / 2];  // held by a majority
  if (n <= commit_ || log_.term_at(n) != term_) return;
  commit_ = n;
  broadcast_pending_ = true;  // tell followers and observers promptly
}

void RaftNode::maybe_send_timeout_now(Progress& p) {
  if (transfer_target_ != p.id || p.match_index != log_.last_index()) return;
  send(p.id, term_, TimeoutNow{});
}

void RaftNode::check_quorum() {
  size_t heard = 1;  // ourselves
  for (const Progress& p : progress_) {
    if (p.voter && now_ms_ - p.last_contact_ms <= config_.election_timeout_ms) ++heard;
  }
  if (has_quorum(heard)) return;
  raft_logger().warn("[n{} t{}] lost contact with the quorum, stepping down", id(), term_);
  become_follower(term_, std::nullopt);
}

}  // namespace kappa::raft

#pragma once
// Messages between raft nodes.  The core never encodes them; the driver maps
// each body to the wire and back.  Every message carries the sender's current
// term, with two exceptions for pre-vote (which must not disturb terms):
//
//   VoteRequest{pre_vote}   term = the term the sender would campaign in
//                           (its current term + 1); receivers never adopt it.
//   VoteResponse{pre_vote}  term = that proposed term when granted, else the
//                           responder's current term.
//
// Request/response pairs:
//   VoteRequest     -> VoteResponse     (pre-vote and real vote)
//   AppendRequest   -> AppendResponse   (entries or heartbeat)
//   SnapshotRequest -> AppendResponse   (match_index = snapshot.last_index)
//   TimeoutNow      (leader -> transfer target: campaign now, skip pre-vote)

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "kappa/common/strong_id.h"
#include "kappa/raft/entry.h"

namespace kappa::raft {

struct VoteRequest {
  bool pre_vote = false;
  // Set when the campaign follows a TimeoutNow: voters then grant even if
  // they heard from the (old, transferring) leader recently.
  bool leadership_transfer = false;
  int64_t last_log_index = 0;
  Term last_log_term{0};
};

struct VoteResponse {
  bool pre_vote = false;
  bool granted = false;
};

// Entries follow (prev_log_index, prev_log_term); empty entries = heartbeat.
struct AppendRequest {
  int64_t prev_log_index = 0;
  Term prev_log_term{0};
  std::vector<Entry> entries;
  int64_t leader_commit = 0;
};

// On success the follower's log matches the leader's up to match_index.  On
// rejection the hint says where the leader should retry:
//   conflict_term == Term{0}: the follower's log ends before prev_log_index;
//                             retry at conflict_index (its last index + 1).
//   otherwise: the follower has conflict_term at prev_log_index, and
//              conflict_index is its first entry of that term.
struct AppendResponse {
  bool success = false;
  int64_t match_index = 0;
  int64_t conflict_index = 0;
  Term conflict_term{0};
};

// The whole snapshot in one message: metadata snapshots are small.
struct SnapshotRequest {
  Snapshot snapshot;
};

struct TimeoutNow {};

using MessageBody =
    std::variant<VoteRequest, VoteResponse, AppendRequest, AppendResponse, SnapshotRequest, TimeoutNow>;

struct Message {
  NodeId from{0};
  NodeId to{0};
  Term term{0};
  MessageBody body;
};

// One line for logs and simulation traces, e.g. "n1->n2 t3 append prev=4/2 n=3 commit=4".
std::string describe(const Message& message);

}  // namespace kappa::raft

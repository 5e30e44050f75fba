#pragma once
// The effects a RaftNode asks its driver to carry out, pulled in one batch.
//
// The driver loop, and the ordering it must keep:
//
//   while (node.has_ready()) {
//     Ready rd = node.ready();
//     persist_ready(storage, rd);          // 1. hard state, snapshot, entries; fsync
//     send(rd.messages);                   // 2. only once step 1 is durable
//     if (rd.install_snapshot) app.restore(rd.snapshot->data);   // 3. apply,
//     for (auto& e : rd.committed_entries) app.apply(e);         //    in order
//     node.advance();                      // 4. nothing may touch the node between
//   }                                      //    ready() and advance()
//
// Why messages wait for the fsync: a vote response or an append
// acknowledgement is a promise that the vote or the entries survive a crash.
// Sending first would let a restarted node vote twice in a term or lose an
// entry a leader already counted toward commit.

#include <optional>
#include <vector>

#include "kappa/raft/entry.h"
#include "kappa/raft/message.h"
#include "kappa/raft/persistent_state.h"

namespace kappa::raft {

struct Ready {
  // Set when term or vote changed since the last persisted hard state.
  std::optional<HardState> hard_state;

  // A snapshot to persist before `entries`.
  //   snapshot_resets_log == false: storage drops the entries it covers and
  //     keeps the ones after it (RaftStorage::save_snapshot).
  //   snapshot_resets_log == true: storage drops its whole log
  //     (RaftStorage::reset_to_snapshot); `entries` then holds everything the
  //     node keeps after the snapshot.
  //   install_snapshot: the snapshot came from the leader; the application
  //     must load snapshot->data before applying committed_entries.  When
  //     false, the application made it itself (RaftNode::compact).
  std::optional<Snapshot> snapshot;
  bool snapshot_resets_log = false;
  bool install_snapshot = false;

  // Entries to write.  entries.front().index may be <= the stored last index:
  // storage first drops every stored entry at or after it (conflict
  // truncation), then appends.  Contiguous, ascending.
  std::vector<Entry> entries;

  // To send after everything above is durable.  Unordered; may be dropped.
  std::vector<Message> messages;

  // Newly committed entries for the application, ascending and contiguous
  // from the last applied index + 1.  kNoop entries are included (they advance
  // the applied index) and must be skipped by the application.
  std::vector<Entry> committed_entries;

  bool empty() const {
    return !hard_state && !snapshot && entries.empty() && messages.empty() && committed_entries.empty();
  }
};

}  // namespace kappa::raft

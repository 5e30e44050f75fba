#pragma once
// Durable storage for a raft node: the seam between the sans-IO core and the
// disk.  FileRaftStorage writes real files; MemoryRaftStorage models a disk
// that loses unsynced writes on a simulated crash.
//
// Writes may be buffered until sync(); only synced state is guaranteed to be
// recovered.  A crash before sync() may keep any prefix of the writes issued
// since the last sync (in issue order), including none of them.
//
// I/O failures throw std::system_error: a node that cannot persist must stop.

#include <span>

#include "kappa/raft/entry.h"
#include "kappa/raft/persistent_state.h"
#include "kappa/raft/ready.h"

namespace kappa::raft {

class RaftStorage {
 public:
  virtual ~RaftStorage() = default;

  virtual void save_hard_state(const HardState& state) = 0;
  // Drops stored entries at or after entries.front().index, then appends.
  // entries.front().index must be <= the stored last index + 1.
  virtual void append(std::span<const Entry> entries) = 0;
  // Saves a snapshot and drops the entries it covers; the entries after it
  // stay.  The log must hold snapshot.last_index.
  virtual void save_snapshot(const Snapshot& snapshot) = 0;
  // Saves a snapshot and drops the whole log.
  virtual void reset_to_snapshot(const Snapshot& snapshot) = 0;
  // Makes everything written so far durable.
  virtual void sync() = 0;
};

// Step 1 of the driver loop (ready.h): writes the hard state, snapshot and
// entries of `ready` in that order, then syncs.  After it returns the
// messages of `ready` may be sent.
void persist_ready(RaftStorage& storage, const Ready& ready);

}  // namespace kappa::raft

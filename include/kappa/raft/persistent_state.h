#pragma once
// What a raft node keeps across restarts.  A node's storage hands it back
// exactly what was durable (fsynced) before the crash or shutdown.

#include <optional>
#include <vector>

#include "kappa/common/strong_id.h"
#include "kappa/raft/entry.h"

namespace kappa::raft {

// The vote must be durable before any message that depends on it (a granted
// vote, a vote request) leaves the node, or a restarted node could vote twice
// in one term.
struct HardState {
  Term term{0};
  std::optional<NodeId> voted_for;  // in `term`

  bool operator==(const HardState&) const = default;
};

// Invariant: entries are contiguous and start at snapshot.last_index + 1
// (snapshot.last_index is 0 when there is no snapshot yet).
struct PersistentState {
  HardState hard_state;
  Snapshot snapshot;
  std::vector<Entry> entries;
};

}  // namespace kappa::raft

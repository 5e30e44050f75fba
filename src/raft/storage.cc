#include "kappa/raft/storage.h"

namespace kappa::raft {

void persist_ready(RaftStorage& storage, const Ready& ready) {
  // Hard state first: entries of a term must never be durable without the term.
  if (ready.hard_state) storage.save_hard_state(*ready.hard_state);
  if (ready.snapshot) {
    if (ready.snapshot_resets_log) {
      storage.reset_to_snapshot(*ready.snapshot);
    } else {
      storage.save_snapshot(*ready.snapshot);
    }
  }
  if (!ready.entries.empty()) storage.append(ready.entries);
  if (ready.hard_state || ready.snapshot || !ready.entries.empty()) storage.sync();
}

}  // namespace kappa::raft

#pragma once
// A raft node's in-memory log: the latest snapshot followed by the entries
// after it.  Metadata logs are small once compacted, so the core keeps the
// whole uncompacted suffix in memory and storage is write-only until restart.
//
// Invariants (asserted):
//   entries are contiguous: entry i has index snapshot.last_index + 1 + i;
//   terms never decrease along the log;
//   stable_index() <= last_index().
// Entries above stable_index() have not been handed to storage and made
// durable yet; the node's own vote for commit only counts stable entries.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "kappa/common/strong_id.h"
#include "kappa/raft/entry.h"

namespace kappa::raft {

class RaftLog {
 public:
  // `entries` must start at snapshot.last_index + 1; all of it is stable.
  RaftLog(Snapshot snapshot, std::vector<Entry> entries);

  const Snapshot& snapshot() const { return snapshot_; }
  int64_t snapshot_index() const { return snapshot_.last_index; }
  int64_t first_index() const { return snapshot_.last_index + 1; }
  int64_t last_index() const { return snapshot_.last_index + static_cast<int64_t>(entries_.size()); }
  Term last_term() const { return entries_.empty() ? snapshot_.last_term : entries_.back().term; }

  // The term of the entry at `index`, for snapshot_index() <= index <=
  // last_index(); nullopt outside (compacted away or not there yet).
  std::optional<Term> term_at(int64_t index) const;
  // first_index() <= index <= last_index().
  const Entry& at(int64_t index) const;

  // True if a log ending at (last_index, last_term) is at least as up to date
  // as this one (Raft's voting rule: compare last terms, then lengths).
  bool is_up_to_date(int64_t last_index, Term last_term) const;
  // The first index >= first_index() holding the term of the entry at `index`.
  int64_t first_index_of_term_at(int64_t index) const;
  // The last index >= first_index() with exactly `term`, if any.
  std::optional<int64_t> last_index_of_term(Term term) const;
  // Entries [from, last_index()], at most max_entries of them and about
  // max_bytes of payload, but at least one if any.
  std::vector<Entry> slice(int64_t from, size_t max_entries, size_t max_bytes) const;

  // Appends at last_index() + 1.
  void append(Entry entry);
  // Drops entries at and after `index` (> snapshot_index()).
  void truncate_from(int64_t index);
  // Replaces the stable prefix up to snapshot.last_index, which must be in
  // the log with the snapshot's term.
  void compact(Snapshot snapshot);
  // Moves the log onto a snapshot from the leader.  If the log holds the
  // snapshot's last entry, the entries after it stay (they may have been
  // acknowledged); otherwise the whole log goes.  Either way every entry
  // left becomes unstable: storage rewrites the log after the snapshot.
  void restore(Snapshot snapshot);

  int64_t stable_index() const { return unstable_from_ - 1; }
  // Entries after stable_index(), to hand to storage.
  std::vector<Entry> unstable_entries() const;
  // The driver made every entry durable.
  void mark_stable() { unstable_from_ = last_index() + 1; }

 private:
  Snapshot snapshot_;
  std::deque<Entry> entries_;
  int64_t unstable_from_ = 1;
};

}  // namespace kappa::raft

#include "kappa/raft/raft_log.h"

#include "kappa/common/assert.h"

namespace kappa::raft {

RaftLog::RaftLog(Snapshot snapshot, std::vector<Entry> entries) : snapshot_(std::move(snapshot)) {
  for (auto& e : entries) append(std::move(e));
  mark_stable();
}

std::optional<Term> RaftLog::term_at(int64_t index) const {
  if (index == snapshot_.last_index) return snapshot_.last_term;
  if (index < first_index() || index > last_index()) return std::nullopt;
  return at(index).term;
}

const Entry& RaftLog::at(int64_t index) const {
  KAPPA_ASSERT(index >= first_index() && index <= last_index(), "index {} outside [{}, {}]", index,
               first_index(), last_index());
  return entries_[static_cast<size_t>(index - first_index())];
}

bool RaftLog::is_up_to_date(int64_t other_last_index, Term other_last_term) const {
  if (other_last_term != last_term()) return other_last_term > last_term();
  return other_last_index >= last_index();
}

int64_t RaftLog::first_index_of_term_at(int64_t index) const {
  Term term = at(index).term;
  while (index > first_index() && at(index - 1).term == term) --index;
  return index;
}

std::optional<int64_t> RaftLog::last_index_of_term(Term term) const {
  for (int64_t i = last_index(); i >= first_index(); --i) {
    Term t = at(i).term;
    if (t == term) return i;
    if (t < term) break;  // terms only grow along the log
  }
  return std::nullopt;
}

std::vector<Entry> RaftLog::slice(int64_t from, size_t max_entries, size_t max_bytes) const {
  KAPPA_ASSERT(from >= first_index(), "slice from {} before first index {}", from, first_index());
  std::vector<Entry> out;
  size_t bytes = 0;
  for (int64_t i = from; i <= last_index() && out.size() < max_entries; ++i) {
    const Entry& e = at(i);
    if (!out.empty() && bytes + e.payload.size() > max_bytes) break;
    bytes += e.payload.size();
    out.push_back(e);
  }
  return out;
}

void RaftLog::append(Entry entry) {
  KAPPA_ASSERT(entry.index == last_index() + 1, "append at {} after last index {}", entry.index,
               last_index());
  KAPPA_ASSERT(entry.term >= last_term() && entry.term > Term{0}, "entry term {} after term {}", entry.term,
               last_term());
  entries_.push_back(std::move(entry));
}

void RaftLog::truncate_from(int64_t index) {
  KAPPA_ASSERT(index > snapshot_.last_index, "truncate at {} inside snapshot {}", index,
               snapshot_.last_index);
  while (last_index() >= index) entries_.pop_back();
  unstable_from_ = std::min(unstable_from_, index);
}

void RaftLog::compact(Snapshot snapshot) {
  KAPPA_ASSERT(snapshot.last_index > snapshot_.last_index && snapshot.last_index <= stable_index(),
               "compact at {} outside ({}, {}]", snapshot.last_index, snapshot_.last_index, stable_index());
  KAPPA_ASSERT(term_at(snapshot.last_index) == snapshot.last_term, "compact at {} with wrong term {}",
               snapshot.last_index, snapshot.last_term);
  while (first_index() <= snapshot.last_index) {
    entries_.pop_front();
    ++snapshot_.last_index;
  }
  snapshot_ = std::move(snapshot);
}

void RaftLog::restore(Snapshot snapshot) {
  KAPPA_ASSERT(snapshot.last_index > snapshot_.last_index, "restore of old snapshot {} over {}",
               snapshot.last_index, snapshot_.last_index);
  if (term_at(snapshot.last_index) == snapshot.last_term) {
    while (first_index() <= snapshot.last_index) {
      entries_.pop_front();
      ++snapshot_.last_index;
    }
  } else {
    entries_.clear();
  }
  snapshot_ = std::move(snapshot);
  unstable_from_ = snapshot_.last_index + 1;
}

std::vector<Entry> RaftLog::unstable_entries() const {
  std::vector<Entry> out;
  for (int64_t i = unstable_from_; i <= last_index(); ++i) out.push_back(at(i));
  return out;
}

}  // namespace kappa::raft

#include "kappa/raft/memory_storage.h"

#include "kappa/common/assert.h"

namespace kappa::raft {
namespace {

int64_t last_index(const PersistentState& s) {
  return s.snapshot.last_index + static_cast<int64_t>(s.entries.size());
}

}  // namespace

MemoryRaftStorage::MemoryRaftStorage(PersistentState initial)
    : durable_(initial), current_(std::move(initial)) {}

void MemoryRaftStorage::save_hard_state(const HardState& state) {
  pending_.emplace_back(state);
  apply(current_, pending_.back());
}

// Recorded one entry per write, so a crash can tear an append between entries.
void MemoryRaftStorage::append(std::span<const Entry> entries) {
  for (const Entry& e : entries) {
    pending_.emplace_back(Append{{e}});
    apply(current_, pending_.back());
  }
}

void MemoryRaftStorage::save_snapshot(const Snapshot& snapshot) {
  pending_.emplace_back(SaveSnapshot{snapshot});
  apply(current_, pending_.back());
}

void MemoryRaftStorage::reset_to_snapshot(const Snapshot& snapshot) {
  pending_.emplace_back(ResetToSnapshot{snapshot});
  apply(current_, pending_.back());
}

void MemoryRaftStorage::sync() {
  durable_ = current_;
  pending_.clear();
}

void MemoryRaftStorage::crash(std::mt19937_64& rng) {
  size_t keep = pending_.empty() ? 0 : rng() % (pending_.size() + 1);
  for (size_t i = 0; i < keep; ++i) apply(durable_, pending_[i]);
  pending_.clear();
  current_ = durable_;
}

void MemoryRaftStorage::apply(PersistentState& state, const Write& write) {
  if (auto* hard = std::get_if<HardState>(&write)) {
    state.hard_state = *hard;
  } else if (auto* append = std::get_if<Append>(&write)) {
    for (const Entry& e : append->entries) {
      KAPPA_ASSERT(e.index > state.snapshot.last_index && e.index <= last_index(state) + 1,
                   "append at {} to a log of ({}, {}]", e.index, state.snapshot.last_index,
                   last_index(state));
      state.entries.resize(static_cast<size_t>(e.index - state.snapshot.last_index - 1));
      state.entries.push_back(e);
    }
  } else if (auto* save = std::get_if<SaveSnapshot>(&write)) {
    const Snapshot& snap = save->snapshot;
    KAPPA_ASSERT(snap.last_index > state.snapshot.last_index && snap.last_index <= last_index(state),
                 "compaction at {} outside ({}, {}]", snap.last_index, state.snapshot.last_index,
                 last_index(state));
    state.entries.erase(state.entries.begin(),
                        state.entries.begin() + (snap.last_index - state.snapshot.last_index));
    state.snapshot = snap;
  } else {
    state.snapshot = std::get<ResetToSnapshot>(write).snapshot;
    state.entries.clear();
  }
}

}  // namespace kappa::raft

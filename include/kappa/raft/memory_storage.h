#pragma once
// RaftStorage in memory, for tests and the deterministic simulation.  It
// models a disk with a volatile cache: writes land in the cache, sync() makes
// them durable, and crash() keeps a random prefix of the unsynced writes (none,
// some or all of them), as a real crash between write and fsync may.

#include <cstdint>
#include <random>
#include <variant>
#include <vector>

#include "kappa/raft/storage.h"

namespace kappa::raft {

class MemoryRaftStorage final : public RaftStorage {
 public:
  explicit MemoryRaftStorage(PersistentState initial = {});

  void save_hard_state(const HardState& state) override;
  void append(std::span<const Entry> entries) override;
  void save_snapshot(const Snapshot& snapshot) override;
  void reset_to_snapshot(const Snapshot& snapshot) override;
  void sync() override;

  // What a restarted node would recover.  Only meaningful after crash() or
  // sync(); before that, unsynced writes are pending.
  const PersistentState& durable() const { return durable_; }
  // The state including unsynced writes (what a clean process still sees).
  const PersistentState& current() const { return current_; }
  // Loses the unsynced writes, except a prefix of them chosen by `rng`.
  void crash(std::mt19937_64& rng);
  size_t unsynced_writes() const { return pending_.size(); }

 private:
  struct Append {
    std::vector<Entry> entries;
  };
  struct SaveSnapshot {
    Snapshot snapshot;
  };
  struct ResetToSnapshot {
    Snapshot snapshot;
  };
  using Write = std::variant<HardState, Append, SaveSnapshot, ResetToSnapshot>;

  static void apply(PersistentState& state, const Write& write);

  PersistentState durable_;
  PersistentState current_;
  std::vector<Write> pending_;  // since the last sync, oldest first
};

}  // namespace kappa::raft

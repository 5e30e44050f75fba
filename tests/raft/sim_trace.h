#pragma once
// The simulation's flight recorder: the last few hundred events of a run,
// stored as plain integers (formatting every event would dominate the run
// time) and rendered only when a seed fails.

#include <array>
#include <cstdint>
#include <string>

#include "kappa/raft/message.h"

namespace kappa::raft::sim {

enum class TraceKind : uint8_t {
  kDeliver,
  kDrop,
  kCrash,
  kCrashInPersist,
  kRestart,
  kPartition,
  kHeal,
  kPropose,
  kRole,
  kCommit,
  kTransfer,
  kCompact,
  kInstall,
  kNote,
};

struct TraceEvent {
  int64_t time_ms = 0;
  TraceKind kind = TraceKind::kNote;
  int32_t node = 0;
  int32_t peer = 0;
  int64_t a = 0, b = 0, c = 0, d = 0;
};

class Trace {
 public:
  static constexpr size_t kCapacity = 512;

  void add(const TraceEvent& e) { events_[next_++ % kCapacity] = e; }
  void add_message(int64_t now, TraceKind kind, const Message& m);
  // The last `count` events, oldest first, one per line.
  std::string tail(size_t count) const;

 private:
  std::array<TraceEvent, kCapacity> events_{};
  size_t next_ = 0;
};

}  // namespace kappa::raft::sim

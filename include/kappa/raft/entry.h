#pragma once
// Log entries and snapshots of the replicated metadata log.
//
// Index arithmetic (index + 1, prev = next - 1) is everywhere in Raft, so log
// indexes are plain int64_t rather than a StrongId; terms and node ids are
// strong types.  Indexes start at 1; index 0 with term 0 is the empty log.
// Every real entry has a term >= 1, so Term{0} never names an entry's term.

#include <cstdint>
#include <vector>

#include "kappa/common/strong_id.h"

namespace kappa::raft {

// kNoop entries are written by a new leader to commit its term; the
// application skips them.  Only kData payloads belong to the application.
enum class EntryType : uint8_t { kNoop = 1, kData = 2 };

struct Entry {
  int64_t index = 0;
  Term term{0};
  EntryType type = EntryType::kData;
  std::vector<uint8_t> payload;  // opaque to raft

  bool operator==(const Entry&) const = default;
};

// The application's state machine at `last_index` (inclusive), standing in for
// every entry up to it.  `data` is opaque to raft.
struct Snapshot {
  int64_t last_index = 0;
  Term last_term{0};
  std::vector<uint8_t> data;

  bool operator==(const Snapshot&) const = default;
};

}  // namespace kappa::raft

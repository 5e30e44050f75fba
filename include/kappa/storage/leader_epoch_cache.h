#pragma once
// LeaderEpochCache (KIP-101): for one partition, the leader epochs seen in
// its log and the offset at which each began, so a follower can ask "where
// did my epoch end on the leader?" (OffsetsForLeaderEpoch) and truncate to
// exactly the divergence point instead of the high watermark.
//
// Invariant: entries are sorted with strictly increasing epochs and
// non-decreasing start offsets.
//
// Persisted to <partition dir>/leader-epoch-checkpoint (durable_file.h
// framing, checkpoint_format.h payload) on every change; the write blocks
// (fsync + rename) but happens only when a new epoch appears, when the log
// is truncated or its start moves.  A missing or damaged checkpoint makes
// load() return false and the owner (Log) rebuilds the cache from the
// batches' partitionLeaderEpoch fields.
//
// Thread-safety: owned and used by one thread (the Log's owner).

#include <filesystem>
#include <optional>
#include <system_error>
#include <vector>

#include "kappa/common/strong_id.h"

namespace kappa::storage {

class FileSystem;

struct EpochEntry {
  LeaderEpoch epoch;
  int64_t start_offset = 0;
  auto operator<=>(const EpochEntry&) const = default;
};

// OffsetsForLeaderEpoch's answer; {-1, -1} when the epoch is unknown.
struct EpochEndOffset {
  LeaderEpoch epoch{-1};
  int64_t end_offset = -1;
  auto operator<=>(const EpochEndOffset&) const = default;
};

enum class Persist { kNow, kLater };

class LeaderEpochCache {
 public:
  // `fs` must outlive the cache.
  LeaderEpochCache(FileSystem& fs, std::filesystem::path file);

  // Replaces the entries with the checkpoint's; false (and no entries) when
  // it is missing or damaged (damage is logged).
  bool load();

  // Records that `epoch` starts at `start_offset`.  A no-op for the latest
  // epoch at a later offset; otherwise entries with an epoch >= `epoch` or
  // a start offset >= `start_offset` are replaced.  Persists unless kLater.
  std::error_code assign(LeaderEpoch epoch, int64_t start_offset, Persist persist = Persist::kNow);

  std::optional<LeaderEpoch> latest_epoch() const;
  std::optional<EpochEntry> latest() const;
  // The start offset of `epoch`, if it is in the cache.
  std::optional<int64_t> start_offset_of(LeaderEpoch epoch) const;
  // The epoch whose range contains `offset`.
  std::optional<LeaderEpoch> epoch_for_offset(int64_t offset) const;

  // Kafka's OffsetsForLeaderEpoch semantics:
  //   requested == -1 or newer than any epoch:   {-1, -1}
  //   requested == the latest epoch:             {latest, log_end_offset}
  //   otherwise: the largest epoch <= requested (or `requested` itself if it
  //   is older than every entry) and the start offset of the first epoch
  //   after `requested`.
  EpochEndOffset end_offset_for(LeaderEpoch requested, int64_t log_end_offset) const;

  // After the log was truncated to `end_offset`: drops epochs starting at or
  // after it.
  std::error_code truncate_from_end(int64_t end_offset, Persist persist = Persist::kNow);
  // After the log start moved to `start_offset`: drops epochs wholly below
  // it and moves the start of the epoch containing it up to it.
  std::error_code truncate_from_start(int64_t start_offset, Persist persist = Persist::kNow);
  std::error_code clear(Persist persist = Persist::kNow);

  // Writes the checkpoint if something changed since the last write.
  std::error_code persist();
  bool dirty() const { return dirty_; }
  const std::vector<EpochEntry>& entries() const { return entries_; }

 private:
  std::error_code changed(Persist persist);

  FileSystem& fs_;
  std::filesystem::path file_;
  std::vector<EpochEntry> entries_;
  bool dirty_ = false;
};

}  // namespace kappa::storage

#pragma once
// Where a follower truncates its log after a leader change (KIP-101, with
// KIP-279's fix for epochs the leader never saw).  The follower asks the
// leader (OffsetsForLeaderEpoch) for the end offset of its own latest epoch
// E; the leader answers with the largest epoch E' <= E it knows and where
// that epoch ends in its log:
//   E' == E      -> keep everything below min(answer end, local end)
//   E' <  E      -> the follower's epochs after E' never existed on the
//                   leader: keep below min(answer end, local end of E')
//   no answer    -> (the leader knows no epoch <= E) keep nothing beyond the
//                   follower's high watermark, which every replica had
// Records above the returned offset diverge from the leader and go; the
// follower then fetches from there.  Pure logic.

#include <cstdint>
#include <functional>

namespace kappa::replication {

struct EpochAnswer {
  int32_t epoch = -1;       // -1: the leader has no epoch <= the one asked
  int64_t end_offset = -1;
};

// `local_end_of_epoch(e)` returns this replica's end offset of epoch e.
int64_t truncation_offset(int32_t asked_epoch, EpochAnswer leader, int64_t local_end, int64_t local_high_watermark,
                          const std::function<int64_t(int32_t)>& local_end_of_epoch);

}  // namespace kappa::replication

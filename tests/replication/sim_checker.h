#pragma once
// The replication simulation's invariants.
//  1. Every record acknowledged with acks=all is present exactly once, at
//     the offset it was acknowledged with, on every replica in the
//     committed ISR (that is running), and it was acknowledged while at
//     least min.insync.replicas replicas held it.
//  2. A replica's high watermark never goes backwards (per incarnation: a
//     restarted broker starts from its log start).
//  3. No two brokers append as leader in the same leader epoch.
//  4. Replicas' logs are identical below the smaller of their high
//     watermarks (batch for batch: offsets, epoch, CRC).
//  5. A consumer read (Partition::read without up_to_log_end) never
//     returns a record at or above the replica's high watermark.
// The first failure is kept with the time it was found.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kappa/storage/log.h"

namespace kappa::replication::sim {

// One batch of a replica's log, as compared across replicas.
struct BatchSummary {
  int64_t base_offset = 0;
  int64_t last_offset = 0;
  int32_t epoch = -1;
  uint32_t crc = 0;
  int64_t producer_id = -1;
  int32_t base_sequence = -1;

  bool operator==(const BatchSummary&) const = default;
};

// Every batch of `log`, oldest first (reads segment by segment).
std::vector<BatchSummary> summarize(const storage::Log& log);

struct ReplicaView {
  int32_t broker = -1;
  const storage::Log* log = nullptr;  // null while the broker is down
  int64_t high_watermark = 0;
};

struct AckedBatch {
  int32_t first_sequence = 0;
  int32_t last_sequence = 0;
  int64_t base_offset = 0;
  int64_t last_offset = 0;
};

class SimChecker {
 public:
  explicit SimChecker(int64_t producer_id) : producer_id_(producer_id) {}

  void on_leader_append(int32_t broker, int32_t leader_epoch, int64_t now_ms);
  void on_high_watermark(int32_t broker, uint64_t incarnation, int64_t high_watermark, int64_t now_ms);
  // An acks=all acknowledgement; `holders` is how many replicas' logs held
  // the batch at that moment.
  void on_acked(const AckedBatch& batch, int holders, int32_t min_insync_replicas, int64_t now_ms);
  // Invariant 5: what a consumer read at `offset` returned, on a replica
  // whose high watermark was `high_watermark`.
  void on_consumer_read(int32_t broker, int64_t offset, int64_t high_watermark, std::span<const uint8_t> records,
                        int64_t now_ms);
  // Invariants 1 and 4 over the replicas' logs; `isr` is the committed ISR.
  void check_logs(const std::vector<ReplicaView>& replicas, const std::vector<int32_t>& isr, int64_t now_ms);

  void fail(int64_t now_ms, std::string what);
  const std::optional<std::string>& failure() const { return failure_; }
  const std::vector<AckedBatch>& acked() const { return acked_; }
  int64_t acked_records() const;

 private:
  int64_t producer_id_;
  std::optional<std::string> failure_;
  std::map<int32_t, int32_t> epoch_leader_;
  std::map<int32_t, std::pair<uint64_t, int64_t>> high_watermarks_;  // broker -> (incarnation, hw)
  std::vector<AckedBatch> acked_;
};

}  // namespace kappa::replication::sim

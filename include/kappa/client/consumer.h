#pragma once
// Consumer: reads assigned partitions from their leaders.
//
//   Consumer consumer(client, {});
//   std::vector<std::pair<TopicPartition, StartAt>> wanted;
//   wanted.emplace_back(TopicPartition{"orders", 0}, StartAt::earliest());
//   co_await consumer.assign(std::move(wanted));
//   while (...) for (auto& r : *co_await consumer.poll()) use(r);
//
// Assignment is manual: assign() adds partitions at a start position
// (offset, earliest, latest, or the first record at/after a timestamp —
// the end of the log if there is none) and unassign() removes them. A
// consumer-group layer drives the same calls: assign() with the committed
// offsets, positions() to commit, unassign() on revocation.
//
// poll() sends one Fetch per leader in parallel (max_wait / min_bytes
// long-polling), decodes the record batches (fetch_decoder.h: control
// batches skipped, records before the position dropped) and advances each
// partition's position past what it returns. OFFSET_OUT_OF_RANGE resets the
// position per auto_offset_reset. Leadership errors and disconnects refresh
// metadata and are retried on the next poll; a partition that cannot be
// fetched for longer than the client's retry budget makes poll() fail.
// read_committed is not supported yet (records of aborted transactions
// would be returned).
//
// Thread-safety and lifetime: not thread-safe, and poll() must not overlap
// another poll() or assign(). seek()/unassign() while a poll() waits take
// effect for the next one: what that poll fetched for the partition is
// dropped.
// `client` must outlive it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/client/client.h"
#include "kappa/client/records.h"
#include "kappa/client/result.h"

namespace kappa::client {

enum class OffsetReset { kEarliest, kLatest, kNone };

struct ConsumerOptions {
  std::chrono::milliseconds max_wait{500};
  int32_t min_bytes = 1;
  int32_t max_bytes = 50 << 20;
  int32_t partition_max_bytes = 1 << 20;
  OffsetReset auto_offset_reset = OffsetReset::kLatest;
};

struct StartAt {
  enum class Kind { kOffset, kEarliest, kLatest, kTimestamp };
  Kind kind = Kind::kLatest;
  int64_t value = 0;  // the offset or the timestamp (ms)

  static StartAt offset(int64_t o) { return {Kind::kOffset, o}; }
  static StartAt earliest() { return {Kind::kEarliest, 0}; }
  static StartAt latest() { return {Kind::kLatest, 0}; }
  static StartAt timestamp(int64_t ms) { return {Kind::kTimestamp, ms}; }
};

class Consumer {
 public:
  Consumer(Client& client, ConsumerOptions options) : client_(client), options_(options) {}

  // Adds (or repositions) partitions. Fails without changing anything if a
  // start position cannot be resolved.
  awaitable<Result<void>> assign(std::vector<std::pair<TopicPartition, StartAt>> partitions);
  void unassign(const TopicPartition& tp) { state_.erase(tp); }
  void unassign_all() { state_.clear(); }
  std::vector<TopicPartition> assignment() const;

  // Records fetched since the last poll, possibly none after max_wait.
  awaitable<Result<std::vector<ConsumerRecord>>> poll();

  void seek(const TopicPartition& tp, int64_t offset);
  // The next offset to read; nullopt if not assigned.
  std::optional<int64_t> position(const TopicPartition& tp) const;
  std::map<TopicPartition, int64_t> positions() const;
  // The high watermark from the last fetch of `tp` (nullopt before one).
  std::optional<int64_t> high_watermark(const TopicPartition& tp) const;
  // True when every assigned partition has been fetched at least once and
  // its position has reached its high watermark.
  bool at_end() const;

 private:
  struct PartitionState {
    int64_t position = 0;
    std::optional<int64_t> high_watermark;
  };
  struct FetchOutcome;
  awaitable<FetchOutcome> fetch_from(int32_t node, std::vector<TopicPartition> partitions);
  awaitable<Result<void>> reset(const TopicPartition& tp);
  void absorb(FetchOutcome& outcome, std::vector<ConsumerRecord>& out, std::vector<TopicPartition>& to_reset,
              std::optional<Error>& fatal, std::optional<Error>& transient);

  Client& client_;
  ConsumerOptions options_;
  std::map<TopicPartition, PartitionState> state_;
  std::optional<std::chrono::steady_clock::time_point> failing_since_;
};

}  // namespace kappa::client

#pragma once
// A simulated broker hosting one replica of the partition: a real
// storage::Log on disk and the real replication::Partition over it, driven
// the way src/broker drives them — the replica fetcher (OffsetsForLeaderEpoch
// then Fetch, as replica_fetcher.cc), the leader's Fetch/OffsetsForLeaderEpoch/
// Produce handlers (fetch.cc, replication_apis.cc, produce.cc with
// acks=all waiting on Partition::acks_all_outcome), the ISR manager
// (isr_manager.cc), heartbeats that carry metadata back, and a flusher
// standing in for the OS writeback and flush.ms.
//
// crash() stops the broker: its in-memory state is gone and its
// connections die.  A process crash keeps every byte written (the page
// cache survives); a power loss also loses what was not fsynced: the log
// is cut back to its recovery point (Log::recovery_point(), which only
// flush() moves).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "kappa/protocol/error_code.h"
#include "kappa/replication/partition.h"
#include "kappa/storage/log.h"
#include "replication/sim_world.h"

namespace kappa::replication::sim {

struct FetchReply {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::vector<uint8_t> records;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
};

struct ProduceReply {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t base_offset = -1;
  int holders = 0;  // replicas holding the batch when acknowledged (for the checker)
};

class SimBroker {
 public:
  SimBroker(int32_t id, SimWorld& world);
  ~SimBroker();

  // First start, registered and unfenced by the controller's initial metadata.
  void start();
  void crash(bool lose_unflushed);
  // Restarts after a crash; a power-loss restart registers with the
  // controller at once (before anything else can happen), others over the
  // network, retried until answered.
  void restart(bool register_now);

  int32_t id() const { return id_; }
  bool up() const { return up_; }
  uint64_t incarnation() const { return incarnation_; }
  Partition* partition() const { return partition_.get(); }
  const storage::Log* log() const { return log_.get(); }
  // What this broker's disk holds while it is down after a process crash
  // (the files as the crash left them); null otherwise.
  const storage::Log* frozen_log() const { return frozen_log_.get(); }
  // Whether the producer batch (base offset, first sequence) was in this
  // broker's log when a power loss cut it away: it held the batch then.
  bool lost(int64_t base_offset, int32_t first_sequence) const {
    return lost_batches_.count({base_offset, first_sequence}) > 0;
  }

  // Requests arriving over the network.
  void handle_fetch(int32_t replica, int32_t current_leader_epoch, int64_t fetch_offset,
                    std::function<void(FetchReply)> reply);
  void handle_epoch_query(int32_t current_leader_epoch, int32_t epoch,
                          std::function<void(protocol::ErrorCode, EpochAnswer)> reply);
  void handle_produce(std::vector<uint8_t> batch, std::function<void(ProduceReply)> reply);
  void apply_metadata(const MetadataView& view);

 private:
  struct PendingAck {
    int64_t base_offset;
    int64_t end_offset;
    int32_t first_sequence;
    int64_t deadline_ms;
    std::function<void(ProduceReply)> reply;
  };

  void open_log(std::optional<int64_t> recovery_point, bool cut_to_recovery_point);
  // Runs fn every period_ms while this incarnation lives.
  void every(int64_t period_ms, std::function<void()> fn);
  void send_register();
  void heartbeat();
  void fetch_tick();
  void send_epoch_query(int32_t leader);
  void send_fetch(int32_t leader);
  void isr_tick();
  void complete_acks();
  void observe();  // reports the high watermark to the checker

  int32_t id_;
  SimWorld& w_;
  bool up_ = false;
  uint64_t incarnation_ = 1;
  int64_t broker_epoch_ = -1;
  int64_t applied_version_ = -1;
  std::shared_ptr<storage::Log> log_;
  std::shared_ptr<storage::Log> frozen_log_;  // read-only while down (process crash)
  std::unique_ptr<Partition> partition_;
  std::optional<int64_t> saved_recovery_point_;
  uint64_t next_request_ = 0;
  uint64_t fetch_in_flight_ = 0;  // request id, 0 = none
  uint64_t isr_in_flight_ = 0;
  std::vector<PendingAck> pending_;
  std::set<std::pair<int64_t, int32_t>> lost_batches_;
};

}  // namespace kappa::replication::sim

#pragma once
// The simulated idempotent producer: producer id kProducerId, epoch 0, one
// batch in flight (max.in.flight.requests.per.connection=1), acks=all.  A
// batch is retried with the same sequence numbers until it is
// acknowledged — after errors, timeouts and leader changes — to the leader
// named by the controller's metadata.  Acknowledged batches go to the
// checker.

#include <cstdint>
#include <vector>

#include "replication/sim_world.h"

namespace kappa::replication::sim {

class SimClient {
 public:
  explicit SimClient(SimWorld& world) : w_(world) {}

  void start();
  // Stops producing new batches (the batch in flight is still retried).
  void stop_new_batches() { stopping_ = true; }

  int64_t acked_batches() const { return acked_batches_; }
  int64_t sends() const { return sends_; }
  int64_t last_ack_ms() const { return last_ack_ms_; }
  bool idle() const { return !in_flight_; }

 private:
  void next_batch();
  void send();
  void retry_later();
  void on_reply(uint64_t request, protocol::ErrorCode error, int64_t base_offset, int holders);

  SimWorld& w_;
  int32_t leader_ = 1;
  int32_t next_sequence_ = 0;
  int32_t batch_sequence_ = 0;
  int batch_records_ = 0;
  bool in_flight_ = false;
  bool stopping_ = false;
  uint64_t request_ = 0;
  int64_t acked_batches_ = 0;
  int64_t sends_ = 0;
  int64_t last_ack_ms_ = -1;
};

}  // namespace kappa::replication::sim

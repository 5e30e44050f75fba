#include "replication/sim_client.h"

#include "replication/batches.h"
#include "replication/sim_broker.h"

namespace kappa::replication::sim {

using protocol::ErrorCode;

void SimClient::start() { next_batch(); }

void SimClient::next_batch() {
  if (stopping_) return;
  batch_sequence_ = next_sequence_;
  batch_records_ = static_cast<int>(w_.rng.uniform(1, 4));
  next_sequence_ += batch_records_;
  in_flight_ = true;
  send();
}

void SimClient::send() {
  const uint64_t req = ++request_;
  ++sends_;
  const int32_t leader = leader_;
  auto batch = test::producer_batch(kProducerId, 0, batch_sequence_, batch_records_, w_.clock.wall_ms());
  w_.net.send(kClient, leader, [this, leader, req, batch = std::move(batch)]() mutable {
    w_.broker(leader).handle_produce(std::move(batch), [this, leader, req](ProduceReply r) {
      w_.net.send(leader, kClient, [this, req, r] { on_reply(req, r.error, r.base_offset, r.holders); });
    });
  });
  w_.queue.after(w_.options.request_timeout_ms + 200, [this, req] {
    if (req == request_ && in_flight_) retry_later();
  });
}

void SimClient::retry_later() {
  const uint64_t req = ++request_;  // answers to earlier attempts are ignored from now on
  // Refresh the metadata from the controller, then send again.
  w_.net.send(kClient, kController, [this] {
    const int32_t leader = w_.controller.partition().leader;
    w_.net.send(kController, kClient, [this, leader] {
      if (leader >= 0) leader_ = leader;
    });
  });
  w_.queue.after(w_.rng.uniform(20, 150), [this, req] {
    if (req == request_ && in_flight_) send();
  });
}

void SimClient::on_reply(uint64_t request, ErrorCode error, int64_t base_offset, int holders) {
  if (request != request_ || !in_flight_) return;
  if (error == ErrorCode::kOutOfOrderSequenceNumber || error == ErrorCode::kInvalidProducerEpoch) {
    // With one batch in flight, retried until acknowledged, a leader that has
    // every acknowledged batch never sees a gap.
    w_.checker.fail(w_.now(), fmt::format("the producer's batch at sequence {} was refused: {}", batch_sequence_,
                                          protocol::error_name(error)));
    return;
  }
  if (error != ErrorCode::kNone) {
    retry_later();
    return;
  }
  AckedBatch a{batch_sequence_, batch_sequence_ + batch_records_ - 1, base_offset, base_offset + batch_records_ - 1};
  w_.trace.add(w_.now(), "client: seq {}..{} acknowledged at {} ({} holders)", a.first_sequence, a.last_sequence,
               a.base_offset, holders);
  w_.checker.on_acked(a, holders, w_.options.min_insync_replicas, w_.now());
  ++acked_batches_;
  last_ack_ms_ = w_.now();
  in_flight_ = false;
  w_.queue.after(w_.rng.uniform(0, 20), [this] { next_batch(); });
}

}  // namespace kappa::replication::sim

#include "replication/sim_broker.h"

#include <fmt/ranges.h>

namespace kappa::replication::sim {

using protocol::ErrorCode;

SimBroker::SimBroker(int32_t id, SimWorld& world) : id_(id), w_(world) {}
SimBroker::~SimBroker() = default;

void SimBroker::open_log(std::optional<int64_t> recovery_point, bool cut_to_recovery_point) {
  storage::LogParams p;
  p.dir = w_.options.dir / fmt::format("broker-{}", id_) / "t-0";
  p.topic_partition = storage::TopicPartition{kTopic, PartitionId(0)};
  p.config.segment_bytes = 8 * 1024;  // several segments per run: rolls, truncation across segments
  p.config.segment_index_bytes = 16 * 1024;
  p.clock = &w_.clock;
  p.recovery_point = recovery_point;
  auto opened = storage::Log::open(std::move(p));
  if (!opened) {
    w_.checker.fail(w_.now(), fmt::format("broker {} cannot open its log: {}", id_, opened.error().message()));
    return;
  }
  log_ = std::shared_ptr<storage::Log>(std::move(*opened));
  if (cut_to_recovery_point && recovery_point) {
    // Power loss: what was not fsynced never reached the disk.
    if (auto ec = log_->truncate_to(*recovery_point)) {
      w_.checker.fail(w_.now(), fmt::format("broker {} cannot cut its log: {}", id_, ec.message()));
    }
  }
  partition_ = std::make_unique<Partition>(storage::TopicPartition{kTopic, PartitionId(0)}, w_.controller.topic_id(),
                                           log_, id_, w_.clock);
  if (auto ec = partition_->load()) {
    w_.checker.fail(w_.now(), fmt::format("broker {} cannot load its producer state: {}", id_, ec.message()));
  }
}

void SimBroker::every(int64_t period_ms, std::function<void()> fn) {
  const uint64_t inc = incarnation_;
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, inc, period_ms, fn = std::move(fn), weak = std::weak_ptr<std::function<void()>>(tick)] {
    if (incarnation_ != inc || !up_) return;
    fn();
    if (auto self = weak.lock()) w_.queue.after(period_ms, [self] { (*self)(); });
  };
  // The first tick is at a random phase so brokers do not act in lockstep.
  w_.queue.after(w_.rng.uniform(0, period_ms), [tick] { (*tick)(); });
}

void SimBroker::start() {
  up_ = true;
  broker_epoch_ = id_;  // as registered in the controller's initial metadata
  open_log(std::nullopt, false);
  apply_metadata(w_.controller.view(id_));
  every(w_.options.heartbeat_ms, [this] { heartbeat(); });
  every(10, [this] { fetch_tick(); });
  every(w_.options.isr_check_ms, [this] { isr_tick(); });
  every(50, [this] { complete_acks(); });
  every(w_.rng.uniform(w_.flush_min_ms, w_.flush_max_ms), [this] {
    if (log_) (void)log_->flush();
  });
}

void SimBroker::crash(bool lose_unflushed) {
  if (!up_) return;
  w_.trace.add(w_.now(), "broker {} {} (log end {}, recovery point {}, hw {})", id_,
               lose_unflushed ? "LOSES POWER" : "crashes", log_ ? log_->log_end_offset() : -1,
               log_ ? log_->recovery_point() : -1, partition_ ? partition_->high_watermark() : -1);
  saved_recovery_point_ = log_ ? std::optional<int64_t>(log_->recovery_point()) : std::nullopt;
  if (!lose_unflushed) saved_recovery_point_.reset();  // the next open recovers whatever the files hold
  if (lose_unflushed && log_) {
    for (const auto& b : summarize(*log_)) {
      if (b.last_offset >= log_->recovery_point() && b.producer_id == kProducerId) {
        lost_batches_.insert({b.base_offset, b.base_sequence});
      }
    }
  }
  up_ = false;
  ++incarnation_;
  w_.net.set_up(id_, false);
  pending_.clear();
  partition_.reset();
  // No close(): a crash writes nothing more.  After a process crash the
  // files stay as they are; the checker may still read them.
  if (!lose_unflushed) frozen_log_ = log_;
  log_.reset();
  fetch_in_flight_ = isr_in_flight_ = 0;
  broker_epoch_ = -1;
  applied_version_ = -1;
}

void SimBroker::restart(bool register_now) {
  if (up_) return;
  const bool lost = saved_recovery_point_.has_value();
  up_ = true;
  ++incarnation_;
  w_.net.set_up(id_, true);
  frozen_log_.reset();
  open_log(saved_recovery_point_, lost);
  saved_recovery_point_.reset();
  w_.trace.add(w_.now(), "broker {} restarts with log end {}", id_, log_ ? log_->log_end_offset() : -1);
  if (register_now) {
    broker_epoch_ = w_.controller.register_broker(id_, incarnation_);
    apply_metadata(w_.controller.view(id_));
  } else {
    send_register();
  }
  every(w_.options.heartbeat_ms, [this] { heartbeat(); });
  every(10, [this] { fetch_tick(); });
  every(w_.options.isr_check_ms, [this] { isr_tick(); });
  every(50, [this] { complete_acks(); });
  every(w_.rng.uniform(w_.flush_min_ms, w_.flush_max_ms), [this] {
    if (log_) (void)log_->flush();
  });
}

void SimBroker::send_register() {
  const uint64_t inc = incarnation_;
  w_.net.send(id_, kController, [this, inc] {
    const int64_t epoch = w_.controller.register_broker(id_, inc);
    auto view = w_.controller.view(id_);
    w_.net.send(kController, id_, [this, epoch, view] {
      broker_epoch_ = epoch;
      apply_metadata(view);
    });
  });
  // Retried until registered.
  w_.queue.after(w_.options.request_timeout_ms, [this, inc] {
    if (incarnation_ == inc && up_ && broker_epoch_ < 0) send_register();
  });
}

void SimBroker::heartbeat() {
  if (broker_epoch_ < 0) return;
  const int64_t epoch = broker_epoch_, applied = applied_version_;
  w_.net.send(id_, kController, [this, epoch, applied] {
    (void)w_.controller.heartbeat(id_, epoch, applied);
    auto view = w_.controller.view(id_);
    w_.net.send(kController, id_, [this, view] { apply_metadata(view); });
  });
}

void SimBroker::apply_metadata(const MetadataView& view) {
  if (!up_ || !partition_ || view.version <= applied_version_) return;
  applied_version_ = view.version;
  const auto before = partition_->state();
  partition_->update_broker_epochs(view.broker_epochs);  // as ReplicaManager::reconcile
  partition_->update_state(view.partition);
  if (before.leader_epoch != view.partition.leader_epoch || before.partition_epoch != view.partition.partition_epoch) {
    w_.trace.add(w_.now(), "broker {} applies v{}: leader {} epoch {} isr [{}] pe {} (log end {}, hw {})", id_,
                 view.version, view.partition.leader, view.partition.leader_epoch, fmt::join(view.partition.isr, ","),
                 view.partition.partition_epoch, log_->log_end_offset(), partition_->high_watermark());
  }
  complete_acks();
  observe();
}

void SimBroker::observe() {
  if (partition_) w_.checker.on_high_watermark(id_, incarnation_, partition_->high_watermark(), w_.now());
}

// --- follower: the replica fetcher ---

void SimBroker::fetch_tick() {
  if (!partition_ || !partition_->is_follower() || fetch_in_flight_ != 0) return;
  const int32_t leader = partition_->state().leader;
  if (leader < 0) return;
  if (partition_->follower_phase() == FollowerPhase::kTruncating) {
    if (partition_->latest_local_epoch() < 0) {
      (void)partition_->truncate_after_divergence(-1, {-1, -1});
    } else {
      send_epoch_query(leader);
      return;
    }
  }
  send_fetch(leader);
}

void SimBroker::send_epoch_query(int32_t leader) {
  const uint64_t req = ++next_request_;
  fetch_in_flight_ = req;
  const int32_t asked = partition_->latest_local_epoch();
  const int32_t current = partition_->leader_epoch();
  auto done = [this, req, asked, leader, current](ErrorCode e, EpochAnswer answer) {
    if (fetch_in_flight_ != req) return;
    fetch_in_flight_ = 0;
    // As replica_fetcher.cc: an answer without an error settles a follower,
    // unless its leadership changed since it asked.
    if (!partition_ || !partition_->is_follower() || e != ErrorCode::kNone) return;
    const int64_t before = log_->log_end_offset();
    if (auto ec = partition_->truncate_after_divergence(asked, answer, current)) {
      w_.checker.fail(w_.now(), fmt::format("broker {} truncation failed: {}", id_, ec.message()));
    }
    w_.trace.add(w_.now(), "broker {} asked {} for epoch {}: ({}, {}); log end {} -> {}", id_, leader, asked,
                 answer.epoch, answer.end_offset, before, log_->log_end_offset());
    observe();
  };
  w_.net.send(id_, leader, [this, leader, current, asked, done] {
    w_.broker(leader).handle_epoch_query(current, asked, [this, leader, done](ErrorCode e, EpochAnswer a) {
      w_.net.send(leader, id_, [done, e, a] { done(e, a); });
    });
  });
  const uint64_t inc = incarnation_;
  w_.queue.after(w_.options.request_timeout_ms, [this, inc, req] {
    if (incarnation_ == inc && fetch_in_flight_ == req) fetch_in_flight_ = 0;
  });
}

void SimBroker::send_fetch(int32_t leader) {
  const uint64_t req = ++next_request_;
  fetch_in_flight_ = req;
  const int64_t offset = log_->log_end_offset();
  const int32_t current = partition_->leader_epoch();
  auto done = [this, req, leader, offset](FetchReply r) {
    if (fetch_in_flight_ != req) return;
    fetch_in_flight_ = 0;
    // As replica_fetcher.cc.
    if (!partition_ || !partition_->is_follower() || partition_->state().leader != leader) return;
    if (log_->log_end_offset() != offset) return;  // changed meanwhile
    if (r.error == ErrorCode::kOffsetOutOfRange) {
      if (r.log_start_offset > log_->log_end_offset()) {
        (void)partition_->restart_at(r.log_start_offset);
      } else {
        partition_->resettle_divergence();  // leader behind us: settle the divergence again
      }
      return;
    }
    if (r.error != ErrorCode::kNone) return;
    auto e = partition_->append_as_follower(r.records, r.high_watermark);
    if (e != ErrorCode::kNone) {
      w_.checker.fail(w_.now(), fmt::format("broker {} cannot append the leader's batches at {}: {}", id_, offset,
                                            protocol::error_name(e)));
    }
    observe();
  };
  w_.net.send(id_, leader, [this, leader, current, offset, done] {
    w_.broker(leader).handle_fetch(id_, current, offset, [this, leader, done](FetchReply r) {
      w_.net.send(leader, id_, [done, r = std::move(r)] { done(r); });
    });
  });
  const uint64_t inc = incarnation_;
  w_.queue.after(w_.options.request_timeout_ms, [this, inc, req] {
    if (incarnation_ == inc && fetch_in_flight_ == req) fetch_in_flight_ = 0;
  });
}

// --- leader: request handlers ---

void SimBroker::handle_fetch(int32_t replica, int32_t current_leader_epoch, int64_t fetch_offset,
                             std::function<void(FetchReply)> reply) {
  FetchReply r;
  if (!partition_ || !partition_->is_leader()) {
    r.error = ErrorCode::kNotLeaderOrFollower;
  } else {
    r.error = partition_->check_leader_epoch(current_leader_epoch);
  }
  if (r.error == ErrorCode::kNone && !partition_->record_follower_fetch(replica, fetch_offset)) {
    r.error = ErrorCode::kNotLeaderOrFollower;
  }
  if (r.error == ErrorCode::kNone) {
    auto read = partition_->read(fetch_offset, w_.fetch_max_bytes, /*up_to_log_end=*/true, /*min_one_batch=*/true);
    r.error = read.error;
    r.high_watermark = read.high_watermark;
    r.log_start_offset = read.log_start_offset;
    if (read.error == ErrorCode::kNone) r.records = read.records.to_vector();
    observe();
    complete_acks();
  }
  reply(std::move(r));
}

void SimBroker::handle_epoch_query(int32_t current_leader_epoch, int32_t epoch,
                                   std::function<void(ErrorCode, EpochAnswer)> reply) {
  if (!partition_ || !partition_->is_leader()) return reply(ErrorCode::kNotLeaderOrFollower, {});
  if (auto e = partition_->check_leader_epoch(current_leader_epoch); e != ErrorCode::kNone) return reply(e, {});
  reply(ErrorCode::kNone, partition_->end_offset_for_epoch(epoch));
}

void SimBroker::handle_produce(std::vector<uint8_t> batch, std::function<void(ProduceReply)> reply) {
  if (!partition_) return reply({ErrorCode::kNotLeaderOrFollower});
  const auto header = protocol::peek_batch_header(batch);
  auto out = partition_->append_as_leader(batch, -1, w_.options.min_insync_replicas);
  if (out.error != ErrorCode::kNone) return reply({out.error});
  if (!out.duplicate) {
    w_.checker.on_leader_append(id_, partition_->leader_epoch(), w_.now());
    w_.trace.add(w_.now(), "broker {} appends seq {} at {}..{} in epoch {}", id_, header->base_sequence,
                 out.result.base_offset, out.result.last_offset, partition_->leader_epoch());
  }
  pending_.push_back({out.result.base_offset, out.result.last_offset + 1, header->base_sequence,
                      w_.now() + w_.options.request_timeout_ms, std::move(reply)});
  complete_acks();
  observe();
}

void SimBroker::complete_acks() {
  if (!partition_) return;
  std::vector<PendingAck> still;
  std::vector<std::pair<PendingAck, ProduceReply>> done;
  for (auto& p : pending_) {
    auto outcome = partition_->acks_all_outcome(p.end_offset, w_.options.min_insync_replicas);
    if (!outcome && w_.now() >= p.deadline_ms) outcome = ErrorCode::kRequestTimedOut;
    if (!outcome) {
      still.push_back(std::move(p));
      continue;
    }
    ProduceReply r{*outcome, p.base_offset, 0};
    if (*outcome == ErrorCode::kNone) r.holders = w_.holders(p.base_offset, p.first_sequence);
    done.emplace_back(std::move(p), r);
  }
  pending_ = std::move(still);
  for (auto& [p, r] : done) p.reply(r);
}

// --- leader: the ISR manager ---

void SimBroker::isr_tick() {
  if (!partition_ || !partition_->is_leader() || isr_in_flight_ != 0 || broker_epoch_ < 0) return;
  auto isr = partition_->wanted_isr(w_.options.replica_lag_max_ms);
  if (!isr) return;
  partition_->isr_change_sent(*isr);
  const uint64_t req = ++next_request_;
  isr_in_flight_ = req;
  const auto& s = partition_->state();
  const int64_t epoch = broker_epoch_;
  std::vector<int64_t> epochs;  // as isr_manager.cc: the epoch each member caught up in
  for (int32_t r : *isr) epochs.push_back(r == id_ ? epoch : partition_->tracked_broker_epoch(r));
  const int32_t leader_epoch = s.leader_epoch, partition_epoch = s.partition_epoch;
  w_.trace.add(w_.now(), "broker {} asks for ISR [{}] (leader epoch {}, partition epoch {})", id_, fmt::join(*isr, ","),
               leader_epoch, partition_epoch);
  auto done = [this, req](ErrorCode e) {
    if (isr_in_flight_ != req) return;
    isr_in_flight_ = 0;
    if (e != ErrorCode::kNone && partition_) partition_->isr_change_sent(std::nullopt);  // try again later
  };
  w_.net.send(id_, kController, [this, epoch, leader_epoch, partition_epoch, isr = *isr, epochs, done] {
    auto e = w_.controller.alter_partition(id_, epoch, leader_epoch, partition_epoch, isr, epochs);
    w_.net.send(kController, id_, [done, e] { done(e); });
  });
  const uint64_t inc = incarnation_;
  w_.queue.after(w_.options.request_timeout_ms, [this, inc, done] {
    if (incarnation_ == inc) done(ErrorCode::kRequestTimedOut);
  });
}

}  // namespace kappa::replication::sim

#include "replication/sim_checker.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kappa/protocol/record_batch.h"

namespace kappa::replication::sim {

std::vector<BatchSummary> summarize(const storage::Log& log) {
  std::vector<BatchSummary> out;
  int64_t offset = log.log_start_offset();
  while (offset < log.log_end_offset()) {
    auto records = log.read(offset, 1 << 24, log.log_end_offset(), true);
    if (!records) break;
    auto bytes = records->to_vector();
    const size_t before = out.size();
    protocol::for_each_batch(bytes, [&](std::span<const uint8_t> b) {
      auto h = protocol::peek_batch_header(b);
      if (!h) return;
      out.push_back({h->base_offset, h->last_offset(), h->partition_leader_epoch, h->crc, h->producer_id,
                     h->base_sequence});
      offset = h->next_offset();
    });
    if (out.size() == before) break;
  }
  return out;
}

void SimChecker::fail(int64_t now_ms, std::string what) {
  if (!failure_) failure_ = fmt::format("at {} ms: {}", now_ms, what);
}

int64_t SimChecker::acked_records() const {
  int64_t n = 0;
  for (const auto& a : acked_) n += a.last_offset - a.base_offset + 1;
  return n;
}

void SimChecker::on_leader_append(int32_t broker, int32_t leader_epoch, int64_t now_ms) {
  auto [it, added] = epoch_leader_.try_emplace(leader_epoch, broker);
  if (!added && it->second != broker) {
    fail(now_ms, fmt::format("brokers {} and {} both appended as leader in epoch {}", it->second, broker, leader_epoch));
  }
}

void SimChecker::on_high_watermark(int32_t broker, uint64_t incarnation, int64_t hw, int64_t now_ms) {
  auto& [inc, last] = high_watermarks_[broker];
  if (inc == incarnation && hw < last) {
    fail(now_ms, fmt::format("broker {}'s high watermark went back from {} to {}", broker, last, hw));
  }
  inc = incarnation;
  last = hw;
}

void SimChecker::on_consumer_read(int32_t broker, int64_t offset, int64_t high_watermark,
                                  std::span<const uint8_t> records, int64_t now_ms) {
  protocol::for_each_batch(records, [&](std::span<const uint8_t> b) {
    auto h = protocol::peek_batch_header(b);
    if (h && h->last_offset() >= high_watermark) {
      fail(now_ms, fmt::format("a consumer reading broker {} at {} got offsets {}..{}, at or above its high "
                               "watermark {}",
                               broker, offset, h->base_offset, h->last_offset(), high_watermark));
    }
  });
}

void SimChecker::on_acked(const AckedBatch& batch, int holders, int32_t min_insync_replicas, int64_t now_ms) {
  if (holders < min_insync_replicas) {
    fail(now_ms, fmt::format("sequences {}..{} at offset {} acknowledged (acks=all) while only {} replica(s) held "
                             "them, below min.insync.replicas {}",
                             batch.first_sequence, batch.last_sequence, batch.base_offset, holders,
                             min_insync_replicas));
  }
  for (const auto& a : acked_) {
    if (a.first_sequence == batch.first_sequence && a.base_offset != batch.base_offset) {
      fail(now_ms, fmt::format("sequence {} acknowledged at offset {} and again at {}", a.first_sequence,
                               a.base_offset, batch.base_offset));
    }
    if (a.first_sequence == batch.first_sequence) return;
  }
  acked_.push_back(batch);
}

void SimChecker::check_logs(const std::vector<ReplicaView>& replicas, const std::vector<int32_t>& isr,
                            int64_t now_ms) {
  std::map<int32_t, std::vector<BatchSummary>> logs;
  for (const auto& r : replicas) {
    if (r.log) logs[r.broker] = summarize(*r.log);
  }
  // 1. Acknowledged batches on every running in-sync replica, once, at their offsets.
  for (int32_t b : isr) {
    auto it = logs.find(b);
    if (it == logs.end()) continue;
    std::map<int32_t, std::vector<int64_t>> by_sequence;
    for (const auto& s : it->second) {
      if (s.producer_id == producer_id_) by_sequence[s.base_sequence].push_back(s.base_offset);
    }
    for (const auto& a : acked_) {
      auto found = by_sequence.find(a.first_sequence);
      if (found == by_sequence.end()) {
        fail(now_ms, fmt::format("in-sync replica {} lacks acknowledged sequences {}..{} (offset {}); ISR [{}]", b,
                                 a.first_sequence, a.last_sequence, a.base_offset, fmt::join(isr, ",")));
        return;
      }
      if (found->second.size() != 1 || found->second[0] != a.base_offset) {
        fail(now_ms, fmt::format("in-sync replica {} holds acknowledged sequence {} at offsets [{}], acknowledged "
                                 "at {}",
                                 b, a.first_sequence, fmt::join(found->second, ","), a.base_offset));
        return;
      }
    }
  }
  // 4. Identical below the high watermarks.
  for (size_t i = 0; i < replicas.size(); ++i) {
    for (size_t j = i + 1; j < replicas.size(); ++j) {
      const auto& a = replicas[i];
      const auto& b = replicas[j];
      if (!a.log || !b.log) continue;
      const int64_t limit = std::min(a.high_watermark, b.high_watermark);
      const auto& la = logs[a.broker];
      const auto& lb = logs[b.broker];
      for (size_t k = 0;; ++k) {
        const bool more_a = k < la.size() && la[k].last_offset < limit;
        const bool more_b = k < lb.size() && lb[k].last_offset < limit;
        if (!more_a && !more_b) break;
        if (more_a != more_b || !(la[k] == lb[k])) {
          const auto* x = k < la.size() ? &la[k] : nullptr;
          const auto* y = k < lb.size() ? &lb[k] : nullptr;
          fail(now_ms, fmt::format("replicas {} and {} differ below their high watermarks ({}, {}): batch {} is "
                                   "[{}..{}] epoch {} crc {:x} vs [{}..{}] epoch {} crc {:x}",
                                   a.broker, b.broker, a.high_watermark, b.high_watermark, k, x ? x->base_offset : -1,
                                   x ? x->last_offset : -1, x ? x->epoch : -1, x ? x->crc : 0,
                                   y ? y->base_offset : -1, y ? y->last_offset : -1, y ? y->epoch : -1,
                                   y ? y->crc : 0));
          return;
        }
      }
    }
  }
}

}  // namespace kappa::replication::sim

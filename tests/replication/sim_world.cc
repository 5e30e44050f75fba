#include "replication/sim_world.h"

#include "kappa/protocol/record_batch.h"
#include "replication/sim_broker.h"
#include "replication/sim_client.h"

namespace kappa::replication::sim {

SimWorld::SimWorld(SimOptions o) : options(std::move(o)), rng(options.seed) {}
SimWorld::~SimWorld() = default;

int SimWorld::holders(int64_t base_offset, int32_t first_sequence) const {
  int n = 0;
  for (const auto& b : brokers) {
    if (b->lost(base_offset, first_sequence)) {
      ++n;  // held it until a power loss took it (after the high watermark passed it, or the check fails elsewhere)
      continue;
    }
    const auto* log = b->up() ? b->log() : b->frozen_log();
    if (!log || base_offset >= log->log_end_offset() || base_offset < log->log_start_offset()) continue;
    auto records = log->read(base_offset, 1, log->log_end_offset(), /*min_one_batch=*/true);
    if (!records) continue;
    auto bytes = records->to_vector();
    auto h = protocol::peek_batch_header(bytes);
    if (h && h->base_offset == base_offset && h->producer_id == kProducerId && h->base_sequence == first_sequence) ++n;
  }
  return n;
}

}  // namespace kappa::replication::sim

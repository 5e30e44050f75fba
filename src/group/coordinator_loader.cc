// GroupCoordinator: loading a shard from its partition's log.  Reads whole
// batches from the log start to the log end as it was when leadership was
// gained (file reads on the blocking pool), replays every record (later
// records win, tombstones delete, malformed records are skipped with a
// warning), then waits for the high watermark to cover all of it.
#include "group/coordinator_slot.h"
#include "kappa/async/run_blocking.h"
#include "kappa/common/log.h"
#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_reader.h"

namespace kappa::group {

using protocol::ErrorCode;

namespace {

constexpr size_t kLoadChunkBytes = 1 << 20;

auto& log() {
  static auto logger = logging::get("group");
  return logger;
}

}  // namespace

// Reads the next chunk of whole batches at `offset` (nullptr at the end or
// on an error, which is logged).  Kept out of the coroutine on purpose:
// GCC 12 mishandles non-trivial locals of coroutine loops that exit early.
std::shared_ptr<protocol::Records> GroupCoordinator::read_chunk(const Slot& slot, int64_t offset) const {
  auto read = partition(slot.index)->read(offset, kLoadChunkBytes, /*up_to_log_end=*/true, /*min_one_batch=*/true);
  if (read.error != ErrorCode::kNone) {
    log()->error("[{}-{}] cannot read the log at offset {}: {}", kOffsetsTopic, slot.index, offset,
                 protocol::error_name(read.error));
    return nullptr;
  }
  if (read.records.size() == 0) return nullptr;
  return std::make_shared<protocol::Records>(std::move(read.records));
}

// Replays the batches of `bytes`; returns the offset after the last one.
int64_t GroupCoordinator::replay_chunk(Slot& slot, std::span<const uint8_t> bytes, int64_t offset,
                                       LoadStats& stats) {
  int64_t next = offset;
  protocol::for_each_batch(bytes, [&](std::span<const uint8_t> batch) {
    auto header = protocol::peek_batch_header(batch);
    if (!header) return;
    next = header->next_offset();
    if (header->is_control()) return;
    auto ec = protocol::for_each_record(batch, [&](const protocol::BatchHeader&, const protocol::Record& r) {
      try {
        slot.shard->replay(parse_record(r.key, r.value));
        ++stats.replayed;
      } catch (const protocol::DecodeError& e) {
        if (stats.skipped++ < 10) {
          log()->warn("[{}-{}] skipping malformed record at offset {}: {}", kOffsetsTopic, slot.index, r.offset,
                      e.what());
        }
      }
    });
    if (ec) {
      log()->warn("[{}-{}] damaged batch at offset {}: {}", kOffsetsTopic, slot.index, header->base_offset,
                  ec.message());
    }
  });
  return next;
}

awaitable<void> GroupCoordinator::load(std::shared_ptr<Slot> slot) {
  const auto started = std::chrono::steady_clock::now();
  if (!still_current(*slot)) co_return;
  int64_t offset = partition(slot->index)->log().log_start_offset();
  const int64_t end = partition(slot->index)->log().log_end_offset();
  LoadStats stats;
  bool reading = true;
  while (reading && offset < end) {
    std::shared_ptr<protocol::Records> chunk = read_chunk(*slot, offset);
    std::vector<uint8_t> bytes;
    if (chunk) {
      // The task only borrows the chunk (this frame owns it until the read
      // returns): GCC 12 copies coroutine arguments bitwise, which breaks
      // owning captures.
      const protocol::Records* borrowed = chunk.get();
      auto copy = run_blocking(deps_.blocking_pool, [borrowed] { return borrowed->to_vector(); });
      bytes = co_await std::move(copy);
    }
    const int64_t next = chunk && still_current(*slot) ? replay_chunk(*slot, bytes, offset, stats) : offset;
    reading = next > offset;  // stop at the end, on an error, or on nothing readable
    offset = next;
    co_await asio::post(deps_.executor, use_awaitable);  // let requests through between chunks
  }
  if (co_await wait_committed(slot, end, /*forever=*/true) != ErrorCode::kNone || !still_current(*slot))
    co_return;
  slot->written_end = end;
  slot->shard->finish_loading();
  slot->active = true;
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  log()->log(stats.replayed ? spdlog::level::info : spdlog::level::debug,
             "[{}-{}] group coordinator state loaded in {} ms: {} records, {} skipped, up to offset {}",
             kOffsetsTopic, slot->index, ms.count(), stats.replayed, stats.skipped, end);
  rearm();
}

}  // namespace kappa::group

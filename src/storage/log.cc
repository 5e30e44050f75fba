// Log: appends, reads and offset lookups.  Loading is in log_loader.cc,
// retention and truncation in log_retention.cc / log_truncation.cc,
// flushing in log_flush.cc.

#include "kappa/storage/log.h"

#include "kappa/common/assert.h"
#include "kappa/protocol/record_batch.h"
#include "kappa/storage/file_names.h"
#include "logger.h"
#include "segment.h"

namespace kappa::storage {

using protocol::BatchHeader;

Log::Log(LogParams params)
    : params_(std::move(params)),
      epochs_(*params_.fs, params_.dir / std::string(kLeaderEpochCheckpointFile)) {}

Log::~Log() = default;

std::error_code Log::update_config(const LogConfig& config) {
  if (auto ec = validate(config)) return ec;
  params_.config = config;
  return {};
}

Segment& Log::active() const {
  KAPPA_ASSERT(!segments_.empty(), "log {} has no segments", params_.topic_partition);
  return *segments_.rbegin()->second;
}

std::error_code Log::check_writable() const {
  if (closed_) return make_error_code(StorageErrc::kLogClosed);
  if (failed_ || segments_.empty()) return make_error_code(StorageErrc::kLogFailed);
  return {};
}

void Log::mark_failed(std::string_view what, std::error_code ec) {
  if (!failed_) {
    logger().error("[{}] log failed after {}: {}; refusing appends until restart", params_.topic_partition, what,
                   ec.message());
  }
  failed_ = true;
}

std::error_code Log::roll(int64_t now_ms, int64_t base_offset) {
  base_offset = std::max(base_offset, next_offset_);
  active().seal();
  auto segment = Segment::create(*params_.fs, params_.dir, base_offset, SegmentOptions::from(params_.config), now_ms);
  if (!segment) return segment.error();
  segments_.emplace(base_offset, std::move(*segment));
  dir_dirty_ = rolled_since_flush_ = true;
  logger().debug("[{}] rolled a new segment at offset {}", params_.topic_partition, base_offset);
  return {};
}

// A new segment starts at the batch's base offset, which is beyond the log
// end when a follower copies a gap that compaction left on the leader.  An
// empty active segment is kept unless the batch's offsets would not fit it
// (a gap of more than 2^31 offsets); it then stays behind, empty.
std::error_code Log::maybe_roll(const BatchHeader& h, int64_t now_ms) {
  const LogConfig& config = params_.config;
  if (static_cast<int64_t>(h.total_size()) > config.segment_bytes) return make_error_code(StorageErrc::kBatchTooLarge);
  const Segment& segment = active();
  bool offsets_overflow = h.last_offset() - segment.base_offset() > INT32_MAX;
  if (segment.empty()) return offsets_overflow ? roll(now_ms, h.base_offset) : std::error_code();
  bool full = static_cast<int64_t>(segment.size() + h.total_size()) > config.segment_bytes;
  bool old = segment.age_for_roll(now_ms, h.max_timestamp) > config.segment_ms;
  if (!full && !old && !offsets_overflow && !segment.index_full()) return {};
  return roll(now_ms, h.base_offset);
}

std::error_code Log::write_batch(std::span<const uint8_t> batch, const BatchHeader& header) {
  if (auto ec = maybe_roll(header, params_.clock->wall_ms())) return ec;
  if (auto ec = active().append(batch, header)) {
    if (ec == StorageErrc::kLogFailed) mark_failed("a failed write", ec);
    return ec;
  }
  next_offset_ = header.next_offset();
  return {};
}

std::error_code Log::note_epoch(int32_t epoch, int64_t start_offset) {
  if (epoch < 0) return {};
  auto ec = epochs_.assign(LeaderEpoch(epoch), start_offset);
  if (ec) logger().warn("[{}] cannot write the leader epoch checkpoint (retried at flush): {}", params_.topic_partition, ec.message());
  return ec;
}

Result<AppendResult> Log::append(std::span<uint8_t> batch, LeaderEpoch epoch) {
  if (auto ec = check_writable()) return ec;
  auto header = protocol::peek_batch_header(batch);
  if (!header || header->magic != 2 || header->total_size() != batch.size() || header->last_offset_delta < 0) {
    return make_error_code(StorageErrc::kInvalidBatch);
  }
  AppendResult result{next_offset_, next_offset_ + header->last_offset_delta, -1, log_start_offset_};
  protocol::set_base_offset(batch, result.base_offset);
  protocol::set_partition_leader_epoch(batch, epoch.value());
  if (params_.config.message_timestamp_type == TimestampType::kLogAppendTime) {
    result.log_append_time_ms = params_.clock->wall_ms();
    protocol::set_log_append_time(batch, result.log_append_time_ms);
  }
  header = protocol::peek_batch_header(batch);
  if (auto ec = write_batch(batch, *header)) return ec;
  (void)note_epoch(epoch.value(), result.base_offset);
  return result;
}

Result<AppendResult> Log::append_as_follower(std::span<const uint8_t> batches) {
  if (auto ec = check_writable()) return ec;
  std::vector<BatchHeader> headers;
  std::error_code invalid;
  int64_t expected = next_offset_;  // the lowest base offset the next batch may have
  size_t consumed = protocol::for_each_batch(batches, [&](std::span<const uint8_t> batch) {
    if (invalid) return;
    // The leader's batches may have been compacted: gaps inside and between them.
    auto v = protocol::validate_batch(batch, protocol::BatchOrigin::kStored);
    if (v.error != protocol::ErrorCode::kNone) {
      logger().warn("[{}] refusing a replicated batch at offset {}: {}", params_.topic_partition,
                    v.header.base_offset, v.message);
      invalid = make_error_code(StorageErrc::kCorruptBatch);
    } else if (v.header.base_offset < expected) {
      invalid = make_error_code(StorageErrc::kNonContiguousOffsets);
    }
    expected = v.header.next_offset();
    headers.push_back(v.header);
  });
  if (invalid) return invalid;
  if (consumed != batches.size()) return make_error_code(StorageErrc::kInvalidBatch);
  AppendResult result{headers.empty() ? next_offset_ : headers.front().base_offset, next_offset_ - 1, -1,
                      log_start_offset_};
  size_t pos = 0;
  for (const BatchHeader& h : headers) {
    if (auto ec = write_batch(batches.subspan(pos, h.total_size()), h)) return ec;
    (void)note_epoch(h.partition_leader_epoch, h.base_offset);
    pos += h.total_size();
    result.last_offset = h.last_offset();
  }
  return result;
}

Result<protocol::Records> Log::read(int64_t offset, size_t max_bytes, int64_t max_offset_exclusive,
                                    bool min_one_batch) const {
  if (closed_) return make_error_code(StorageErrc::kLogClosed);
  if (segments_.empty()) return make_error_code(StorageErrc::kLogFailed);
  if (offset < log_start_offset_ || offset > next_offset_) return make_error_code(StorageErrc::kOffsetOutOfRange);
  if (offset == next_offset_ || offset >= max_offset_exclusive) return protocol::Records::empty();
  auto it = segments_.upper_bound(offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end() && it->first < max_offset_exclusive; ++it) {
    auto slice = it->second->slice(offset, max_bytes, max_offset_exclusive, min_one_batch);
    if (!slice) return slice.error();
    if (!*slice) continue;  // nothing at or after `offset` in this segment
    if ((*slice)->size == 0) break;
    return protocol::Records::from_file(**slice, it->second->log_file());
  }
  return protocol::Records::empty();
}

void Log::update_high_watermark(int64_t offset) {
  high_watermark_ = std::clamp(offset, log_start_offset_, next_offset_);
}

uint64_t Log::size_bytes() const {
  uint64_t total = 0;
  for (const auto& [base, segment] : segments_) total += segment->size();
  return total;
}

std::vector<int64_t> Log::segment_base_offsets() const {
  std::vector<int64_t> bases;
  for (const auto& [base, segment] : segments_) bases.push_back(base);
  return bases;
}

Result<std::optional<TimestampAndOffset>> Log::offset_for_timestamp(int64_t timestamp) const {
  using Found = std::optional<TimestampAndOffset>;
  if (closed_) return make_error_code(StorageErrc::kLogClosed);
  if (timestamp == kEarliestTimestamp) {
    return Found(TimestampAndOffset{-1, log_start_offset_, epochs_.epoch_for_offset(log_start_offset_)});
  }
  if (timestamp == kLatestTimestamp) return Found(TimestampAndOffset{-1, next_offset_, epochs_.latest_epoch()});
  const Segment* best = nullptr;
  for (const auto& [base, segment] : segments_) {
    if (segment->next_offset() <= log_start_offset_ || segment->max_timestamp() < 0) continue;
    if (timestamp == kMaxTimestamp) {
      if (!best || segment->max_timestamp() > best->max_timestamp()) best = segment.get();
      continue;
    }
    if (timestamp < 0 || segment->max_timestamp() < timestamp) continue;
    auto found = segment->find_timestamp(timestamp, log_start_offset_);
    if (!found) return found.error();
    if (!*found) continue;
    const BatchHeader& h = (*found)->header;
    std::optional<LeaderEpoch> epoch;
    if (h.partition_leader_epoch >= 0) epoch = LeaderEpoch(h.partition_leader_epoch);
    return Found(TimestampAndOffset{h.max_timestamp, std::max(h.base_offset, log_start_offset_), epoch});
  }
  if (!best) return Found();
  int64_t offset = std::max(best->offset_of_max_timestamp(), log_start_offset_);
  return Found(TimestampAndOffset{best->max_timestamp(), offset, epochs_.epoch_for_offset(offset)});
}

EpochEndOffset Log::end_offset_for_epoch(LeaderEpoch epoch) const { return epochs_.end_offset_for(epoch, next_offset_); }

std::error_code Log::assign_epoch(LeaderEpoch epoch, int64_t start_offset) {
  if (auto ec = check_writable()) return ec;
  return epochs_.assign(epoch, start_offset);
}

std::error_code Log::for_each_batch_header(int64_t from_offset,
                                          const std::function<void(const protocol::BatchHeader&)>& fn) const {
  if (closed_) return StorageErrc::kLogClosed;
  auto it = segments_.upper_bound(from_offset);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    if (auto ec = it->second->for_each_header([&](const BatchLocation& loc) { fn(loc.header); })) return ec;
  }
  return {};
}

}  // namespace kappa::storage

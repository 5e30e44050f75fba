// Segment recovery: validate every batch of a segment that may have been
// torn by a crash, cut it at the first bad batch and rebuild its indexes.

#include <fmt/format.h>

#include <algorithm>

#include "chunk_reader.h"
#include "segment.h"

namespace kappa::storage {

namespace layout = protocol::batch_layout;

Result<std::unique_ptr<Segment>> Segment::recover(FileSystem& fs, const std::filesystem::path& dir,
                                                  int64_t base_offset, const SegmentOptions& options, int64_t now_ms,
                                                  RecoveryOutcome& outcome) {
  auto files = open_files(fs, dir, base_offset, OpenMode::kOpenExisting);
  if (!files) return files.error();
  auto segment = std::unique_ptr<Segment>(new Segment(fs, dir, base_offset, options, now_ms, std::move(*files)));
  auto log_size = segment->log_->size();
  if (!log_size) return log_size.error();
  if (auto ec = segment->validate_batches(*log_size, outcome)) return ec;
  segment->indexes_rebuilt_ = segment->dirty_ = true;
  if (auto ec = segment->persist_indexes()) return ec;
  return segment;
}

std::error_code Segment::validate_batches(uint64_t log_size, RecoveryOutcome& outcome) {
  reset_tracking();
  ChunkReader reader(*log_, log_size);
  uint64_t pos = 0;
  std::string reason;
  while (pos < log_size && reason.empty()) {
    auto prefix = reader.view(pos, layout::kLogOverhead);
    if (!prefix) return prefix.error();
    auto size = protocol::peek_batch_size(*prefix);
    if (!size) {
      reason = prefix->size() < layout::kLogOverhead ? "incomplete batch header" : "negative batch length";
      break;
    }
    if (*size < layout::kHeaderSize || pos + *size > std::min<uint64_t>(log_size, INT32_MAX)) {
      reason = fmt::format("batch of {} bytes does not fit the {} bytes left", *size, log_size - pos);
      break;
    }
    auto bytes = reader.view(pos, *size);
    if (!bytes) return bytes.error();
    // Stored batches: the log cleaner leaves offset gaps inside batches.
    auto v = protocol::validate_batch(*bytes, protocol::BatchOrigin::kStored);
    const auto& h = v.header;
    if (v.error != protocol::ErrorCode::kNone) {
      reason = v.message;
    } else if (h.base_offset < next_offset_) {
      reason = fmt::format("offset {} does not follow {}", h.base_offset, next_offset_);
    } else if (h.last_offset() - base_offset_ > INT32_MAX) {
      reason = fmt::format("offset {} is too far from the segment base", h.last_offset());
    } else {
      track(h, static_cast<uint32_t>(pos));
      pos += *size;
    }
  }
  outcome = RecoveryOutcome{};
  outcome.offset = next_offset_;
  if (pos == log_size) return {};
  if (auto ec = log_->truncate(pos)) return ec;
  outcome.truncated = true;
  outcome.bytes_dropped = log_size - pos;
  outcome.reason = fmt::format("{} at position {}", reason.empty() ? "invalid batch" : reason, pos);
  return {};
}

}  // namespace kappa::storage

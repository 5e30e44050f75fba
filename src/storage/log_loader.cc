// Log loading and recovery (docs/storage.md "Recovery").
//
// After a clean shutdown every segment is trusted: its indexes are loaded
// (rebuilt from batch headers if missing or damaged) and only the batches
// after the last index entry are read to find the end.  Otherwise the
// segments from the one containing the recovery point onwards are
// validated batch by batch; the first invalid batch ends the log and
// everything after it is deleted.

#include <limits>
#include <set>

#include "kappa/storage/file_names.h"
#include "kappa/storage/log.h"
#include "logger.h"
#include "segment.h"

namespace kappa::storage {
namespace {

void remove_files_of(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset) {
  for (auto suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
    (void)fs.remove(dir / segment_file_name(base_offset, suffix));
  }
}

}  // namespace

Result<std::unique_ptr<Log>> Log::open(LogParams params) {
  if (auto ec = validate(params.config)) return ec;
  if (auto ec = params.fs->create_directories(params.dir)) return ec;
  std::unique_ptr<Log> log(new Log(std::move(params)));
  if (auto ec = log->load()) return ec;
  return log;
}

std::error_code Log::load() {
  FileSystem& fs = *params_.fs;
  auto names = fs.list(params_.dir);
  if (!names) return names.error();
  std::set<int64_t> bases;
  for (const auto& name : *names) {
    if (name.ends_with(kTempSuffix)) (void)fs.remove(params_.dir / name);
    if (auto base = parse_segment_file_name(name, kLogSuffix)) bases.insert(*base);
  }
  for (const auto& name : *names) {  // indexes whose .log is gone
    auto base = parse_segment_file_name(name, kIndexSuffix);
    if (!base) base = parse_segment_file_name(name, kTimeIndexSuffix);
    if (base && !bases.contains(*base)) (void)fs.remove(params_.dir / name);
  }

  // Validate from the segment holding the recovery point: everything
  // before it was fsynced.
  int64_t recover_from = std::numeric_limits<int64_t>::max();
  if (!params_.clean_shutdown) {
    recover_from = std::numeric_limits<int64_t>::min();
    if (params_.recovery_point) {
      auto it = bases.upper_bound(*params_.recovery_point);
      if (it != bases.begin()) recover_from = *std::prev(it);
    }
  }
  if (auto ec = load_segments({bases.begin(), bases.end()}, recover_from)) return ec;
  if (segments_.empty()) {
    if (auto ec = create_first_segment(std::max<int64_t>(params_.log_start_offset.value_or(0), 0))) return ec;
  }
  next_offset_ = active().next_offset();
  log_start_offset_ = std::max(params_.log_start_offset.value_or(0), segments_.begin()->first);
  if (log_start_offset_ > next_offset_) {
    logger().warn("[{}] log start offset {} is beyond the recovered log end {}; starting an empty log there",
                  params_.topic_partition, log_start_offset_, next_offset_);
    if (auto ec = truncate_fully_and_start_at(log_start_offset_)) return ec;
  }
  for (auto it = segments_.begin(); std::next(it) != segments_.end(); ++it) it->second->seal();
  if (auto ec = load_epochs(recover_from)) return ec;

  high_watermark_ = next_offset_;
  last_flush_ms_ = params_.clock->wall_ms();
  recovery_point_ = params_.clean_shutdown ? next_offset_ : std::min(params_.recovery_point.value_or(0), next_offset_);
  load_stats_.segments = segments_.size();
  // Recovered or re-indexed segments are fsynced before they are trusted.
  return flush();
}

std::error_code Log::load_segments(const std::vector<int64_t>& bases, int64_t recover_from) {
  const auto options = SegmentOptions::from(params_.config);
  const int64_t now = params_.clock->wall_ms();
  for (size_t i = 0; i < bases.size(); ++i) {
    const int64_t base = bases[i];
    std::unique_ptr<Segment> segment;
    RecoveryOutcome outcome;
    bool validate = base >= recover_from;
    if (!validate) {
      auto opened = Segment::open(*params_.fs, params_.dir, base, options, now);
      if (opened) {
        segment = std::move(*opened);
      } else if (opened.error() == StorageErrc::kCorruptSegment) {
        logger().warn("[{}] segment {} does not end on a batch boundary; validating it", params_.topic_partition, base);
        validate = true;
      } else {
        return opened.error();
      }
    }
    if (validate) {
      auto recovered = Segment::recover(*params_.fs, params_.dir, base, options, now, outcome);
      if (!recovered) return recovered.error();
      segment = std::move(*recovered);
      ++load_stats_.segments_recovered;
    }
    if (segment->indexes_rebuilt()) ++load_stats_.indexes_rebuilt;
    if (!segments_.empty() && active().next_offset() > base) {
      outcome = {true, base, segment->size(), fmt::format("segment {} overlaps the previous one", base)};
      segment.reset();
      remove_files_of(*params_.fs, params_.dir, base);
    } else {
      segments_.emplace(base, std::move(segment));
    }
    if (outcome.truncated) {
      logger().warn("[{}] truncated a torn or corrupt tail at offset {}: {}; {} bytes and {} later segment(s) dropped",
                    params_.topic_partition, outcome.offset, outcome.reason, outcome.bytes_dropped,
                    bases.size() - i - 1);
      load_stats_.bytes_truncated += outcome.bytes_dropped;
      for (size_t j = i + 1; j < bases.size(); ++j) remove_files_of(*params_.fs, params_.dir, bases[j]);
      dir_dirty_ = true;
      break;
    }
  }
  return {};
}

std::error_code Log::create_first_segment(int64_t base_offset) {
  auto segment = Segment::create(*params_.fs, params_.dir, base_offset, SegmentOptions::from(params_.config),
                                 params_.clock->wall_ms());
  if (!segment) return segment.error();
  segments_.emplace(base_offset, std::move(*segment));
  dir_dirty_ = true;
  return {};
}

// Loads the leader epoch checkpoint, then replays the epochs of the batches
// it cannot know about: those of validated segments, or all of them when
// the checkpoint is missing or damaged.
std::error_code Log::load_epochs(int64_t recover_from) {
  bool loaded = epochs_.load();
  load_stats_.epoch_cache_rebuilt = !loaded;
  for (const auto& [base, segment] : segments_) {
    if (loaded && base < recover_from) continue;
    auto ec = segment->for_each_header([&](const BatchLocation& loc) {
      (void)epochs_.assign(LeaderEpoch(loc.header.partition_leader_epoch), loc.header.base_offset, Persist::kLater);
    });
    if (ec) return ec;
  }
  (void)epochs_.truncate_from_end(next_offset_, Persist::kLater);
  (void)epochs_.truncate_from_start(log_start_offset_, Persist::kLater);
  if (auto ec = epochs_.persist()) {
    logger().warn("[{}] cannot write the leader epoch checkpoint (retried at flush): {}", params_.topic_partition,
                  ec.message());
  }
  return {};
}

}  // namespace kappa::storage

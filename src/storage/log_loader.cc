// Log loading and recovery (docs/storage.md "Recovery").
//
// First, cleaned segments whose swap was interrupted by a crash are swapped
// in (or discarded if uncommitted; segment_swap.h).  Then, after a clean
// shutdown every segment is trusted: its indexes are loaded
// (rebuilt from batch headers if missing or damaged) and only the batches
// after the last index entry are read to find the end.  Otherwise the
// segments from the one containing the recovery point onwards are
// validated batch by batch; the first invalid batch ends the log and
// everything after it is deleted.

#include <limits>
#include <set>

#include <fmt/format.h>

#include "kappa/storage/file_names.h"
#include "kappa/storage/log.h"
#include "logger.h"
#include "segment.h"
#include "segment_swap.h"

namespace kappa::storage {
namespace {

void remove_files_of(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset) {
  for (auto suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
    (void)fs.remove(dir / segment_file_name(base_offset, suffix));
  }
}

// The base offsets of the segments in `dir`, after removing leftover
// temporary files and indexes whose .log is gone.
Result<std::set<int64_t>> list_segments(FileSystem& fs, const std::filesystem::path& dir) {
  auto names = fs.list(dir);
  if (!names) return names.error();
  std::set<int64_t> bases;
  for (const auto& name : *names) {
    if (name.ends_with(kTempSuffix)) (void)fs.remove(dir / name);
    if (auto base = parse_segment_file_name(name, kLogSuffix)) bases.insert(*base);
  }
  for (const auto& name : *names) {
    auto base = parse_segment_file_name(name, kIndexSuffix);
    if (!base) base = parse_segment_file_name(name, kTimeIndexSuffix);
    if (base && !bases.contains(*base)) (void)fs.remove(dir / name);
  }
  return bases;
}

// The base offset from which segments are validated: none after a clean
// shutdown, else the segment holding the recovery point (everything
// before it was fsynced), or all of them without one.
int64_t recovery_start(const LogParams& params, const std::set<int64_t>& bases) {
  if (params.clean_shutdown) return std::numeric_limits<int64_t>::max();
  if (params.recovery_point) {
    auto it = bases.upper_bound(*params.recovery_point);
    if (it != bases.begin()) return *std::prev(it);
  }
  return std::numeric_limits<int64_t>::min();
}

// Opens the segment at `base`: trusted unless `validate`, or if its
// batches do not end where the file does.
Result<std::unique_ptr<Segment>> open_segment(const LogParams& params, int64_t base, bool validate,
                                              RecoveryOutcome& outcome, LoadStats& stats) {
  const auto options = SegmentOptions::from(params.config);
  const int64_t now = params.clock->wall_ms();
  if (!validate) {
    auto opened = Segment::open(*params.fs, params.dir, base, options, now);
    if (opened) {
      stats.indexes_rebuilt += (*opened)->indexes_rebuilt();
      return opened;
    }
    if (opened.error() != StorageErrc::kCorruptSegment) return opened.error();
    logger().warn("[{}] segment {} does not end on a batch boundary; validating it", params.topic_partition, base);
  }
  auto recovered = Segment::recover(*params.fs, params.dir, base, options, now, outcome);
  if (recovered) {
    ++stats.segments_recovered;
    ++stats.indexes_rebuilt;
  }
  return recovered;
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
  auto swaps = complete_interrupted_swaps(*params_.fs, params_.dir);
  if (!swaps) return swaps.error();
  load_stats_.swaps_completed = *swaps;
  auto bases = list_segments(*params_.fs, params_.dir);
  if (!bases) return bases.error();
  const int64_t recover_from = recovery_start(params_, *bases);
  if (auto ec = load_segments({bases->begin(), bases->end()}, recover_from)) return ec;
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

  high_watermark_ = std::clamp(params_.high_watermark.value_or(log_start_offset_), log_start_offset_, next_offset_);
  cleaned_offset_ = params_.cleaner_checkpoint.value_or(log_start_offset_);
  if (cleaned_offset_ < log_start_offset_ || cleaned_offset_ > next_offset_) cleaned_offset_ = log_start_offset_;
  last_flush_ms_ = params_.clock->wall_ms();
  recovery_point_ = params_.clean_shutdown ? next_offset_ : std::min(params_.recovery_point.value_or(0), next_offset_);
  load_stats_.segments = segments_.size();
  // Recovered or re-indexed segments are fsynced before they are trusted.
  return flush();
}

std::error_code Log::load_segments(const std::vector<int64_t>& bases, int64_t recover_from) {
  for (size_t i = 0; i < bases.size(); ++i) {
    RecoveryOutcome outcome;
    auto segment = open_segment(params_, bases[i], bases[i] >= recover_from, outcome, load_stats_);
    if (!segment) return segment.error();
    if (!segments_.empty() && active().next_offset() > bases[i]) {
      outcome = {true, bases[i], (*segment)->size(), fmt::format("segment {} overlaps the previous one", bases[i])};
      segment->reset();  // close it before removing its files
      remove_files_of(*params_.fs, params_.dir, bases[i]);
    } else {
      segments_.emplace(bases[i], std::move(*segment));
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

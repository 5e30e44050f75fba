#include "segment.h"

#include <algorithm>
#include <array>
#include <limits>

#include "kappa/common/assert.h"
#include "kappa/storage/file_names.h"
#include "logger.h"

namespace kappa::storage {

using protocol::BatchHeader;
namespace layout = protocol::batch_layout;

namespace {

constexpr uint64_t kMaxSegmentSize = std::numeric_limits<int32_t>::max();

// Returned by a scan callback to end the scan early, without an error.
std::error_code stop_scan() { return std::make_error_code(std::errc::interrupted); }

}  // namespace

SegmentOptions SegmentOptions::from(const LogConfig& config) {
  return {config.index_interval_bytes, static_cast<size_t>(config.max_index_entries(OffsetIndexEntry::kSize)),
          static_cast<size_t>(config.max_index_entries(TimeIndexEntry::kSize))};
}

Segment::Segment(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset,
                 const SegmentOptions& options, int64_t now_ms, Files files)
    : fs_(fs),
      dir_(dir),
      base_offset_(base_offset),
      options_(options),
      created_ms_(now_ms),
      log_(std::move(files.log)),
      offset_index_(std::move(files.index), base_offset, options.max_offset_entries),
      time_index_(std::move(files.time_index), base_offset, options.max_time_entries),
      next_offset_(base_offset) {}

std::filesystem::path Segment::path_of(std::string_view suffix) const {
  return dir_ / (segment_file_name(base_offset_, suffix) + file_suffix_);
}

Result<Segment::Files> Segment::open_files(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset,
                                           OpenMode mode, std::string_view file_suffix) {
  auto path_of = [&](std::string_view suffix) {
    return dir / (segment_file_name(base_offset, suffix) + std::string(file_suffix));
  };
  Files files;
  auto log = fs.open(path_of(kLogSuffix), mode);
  if (!log) return log.error();
  files.log = *log;
  for (auto [suffix, out] : {std::pair{kIndexSuffix, &files.index}, std::pair{kTimeIndexSuffix, &files.time_index}}) {
    auto path = path_of(suffix);
    if (!fs.exists(path)) files.indexes_missing = true;
    auto file = fs.open(path, mode == OpenMode::kCreate ? OpenMode::kCreate : OpenMode::kCreateOrOpen);
    if (!file) return file.error();
    *out = *file;
  }
  return files;
}

Result<std::unique_ptr<Segment>> Segment::create(FileSystem& fs, const std::filesystem::path& dir,
                                                 int64_t base_offset, const SegmentOptions& options, int64_t now_ms,
                                                 std::string_view file_suffix) {
  auto files = open_files(fs, dir, base_offset, OpenMode::kCreate, file_suffix);
  if (!files) {
    if (files.error() != std::errc::file_exists) {  // do not remove another segment's files
      for (auto suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
        (void)fs.remove(dir / (segment_file_name(base_offset, suffix) + std::string(file_suffix)));
      }
    }
    return files.error();
  }
  auto segment = std::unique_ptr<Segment>(new Segment(fs, dir, base_offset, options, now_ms, std::move(*files)));
  segment->file_suffix_ = file_suffix;
  segment->dirty_ = true;
  return segment;
}

Result<std::unique_ptr<Segment>> Segment::open(FileSystem& fs, const std::filesystem::path& dir, int64_t base_offset,
                                               const SegmentOptions& options, int64_t now_ms) {
  auto files = open_files(fs, dir, base_offset, OpenMode::kOpenExisting);
  if (!files) return files.error();
  bool rebuild = files->indexes_missing;
  auto segment = std::unique_ptr<Segment>(new Segment(fs, dir, base_offset, options, now_ms, std::move(*files)));
  auto log_size = segment->log_->size();
  if (!log_size) return log_size.error();
  if (*log_size > kMaxSegmentSize) return make_error_code(StorageErrc::kCorruptSegment);
  auto loaded = [&](std::error_code ec) -> std::error_code {
    if (ec == StorageErrc::kCorruptIndex) rebuild = true;
    return ec == StorageErrc::kCorruptIndex ? std::error_code() : ec;
  };
  if (!rebuild) {
    if (auto ec = loaded(segment->offset_index_.load(*log_size))) return ec;
    if (auto ec = loaded(segment->time_index_.load())) return ec;
  }
  if (!rebuild) {
    if (auto ec = loaded(segment->load_tail(*log_size))) return ec;
  }
  if (rebuild) {
    if (auto ec = segment->rebuild_indexes(*log_size)) return ec;
    segment->indexes_rebuilt_ = true;
  }
  return segment;
}

int64_t Segment::age_for_roll(int64_t now_ms, int64_t batch_timestamp) const {
  if (first_batch_timestamp_ && *first_batch_timestamp_ >= 0 && batch_timestamp >= 0) {
    return batch_timestamp - *first_batch_timestamp_;
  }
  return now_ms - created_ms_;
}

void Segment::reset_tracking() {
  offset_index_.reset();
  time_index_.reset();
  size_ = 0;
  next_offset_ = base_offset_;
  max_timestamp_ = offset_of_max_timestamp_ = -1;
  first_batch_timestamp_.reset();
  bytes_since_index_entry_ = 0;
}

// The bookkeeping of one batch at `position`, shared by append, index
// rebuild and recovery so all three produce the same indexes.
void Segment::track(const BatchHeader& h, uint32_t position) {
  if (position == 0) first_batch_timestamp_ = h.max_timestamp;
  if (h.max_timestamp > max_timestamp_) {
    max_timestamp_ = h.max_timestamp;
    offset_of_max_timestamp_ = h.base_offset;
  }
  if (bytes_since_index_entry_ >= static_cast<uint64_t>(options_.index_interval_bytes)) {
    offset_index_.append(h.base_offset, position);
    if (max_timestamp_ >= 0) time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
    bytes_since_index_entry_ = 0;
  }
  bytes_since_index_entry_ += h.total_size();
  size_ = position + h.total_size();
  next_offset_ = h.next_offset();
}

std::error_code Segment::append(std::span<const uint8_t> batch, const BatchHeader& header) {
  KAPPA_ASSERT(batch.size() == header.total_size(), "batch of {} bytes, header says {}", batch.size(),
               header.total_size());
  KAPPA_ASSERT(header.base_offset >= next_offset_, "append of offset {} to segment ending at {}", header.base_offset,
               next_offset_);
  KAPPA_ASSERT(size_ + batch.size() <= kMaxSegmentSize, "segment {} would exceed 2 GiB", base_offset_);
  if (auto ec = log_->write_at(size_, batch)) {
    if (auto undo = log_->truncate(size_)) {
      logger().error("cannot undo a failed write to {} ({}): {}", log_->path().string(), ec.message(), undo.message());
      return make_error_code(StorageErrc::kLogFailed);
    }
    return ec;
  }
  track(header, static_cast<uint32_t>(size_));
  dirty_ = true;
  return {};
}

Result<BatchHeader> Segment::read_header(uint64_t position, uint64_t limit) const {
  std::array<uint8_t, layout::kHeaderSize> bytes;
  auto got = log_->read_at(position, bytes);
  if (!got) return got.error();
  auto header = protocol::peek_batch_header(std::span(bytes.data(), *got));
  if (!header || header->magic != 2 || header->batch_length < static_cast<int32_t>(layout::kHeaderSize - layout::kLogOverhead) ||
      position + header->total_size() > limit || header->last_offset_delta < 0) {
    return make_error_code(StorageErrc::kCorruptSegment);
  }
  return *header;
}

std::error_code Segment::scan_headers(uint64_t from, uint64_t limit,
                                      const std::function<std::error_code(const BatchLocation&)>& fn) const {
  for (uint64_t pos = from; pos < limit;) {
    auto header = read_header(pos, limit);
    if (!header) return header.error();
    if (auto ec = fn(BatchLocation{static_cast<uint32_t>(pos), *header})) return ec == stop_scan() ? std::error_code() : ec;
    pos += header->total_size();
  }
  return {};
}

std::error_code Segment::for_each_header(const std::function<void(const BatchLocation&)>& fn) const {
  return scan_headers(0, size_, [&](const BatchLocation& loc) {
    fn(loc);
    return std::error_code();
  });
}

// Trusted open: the indexes cover everything up to their last entries, so
// only the batches after the last offset index entry need reading.
std::error_code Segment::load_tail(uint64_t log_size) {
  IndexPoint start = offset_index_.last().value_or(IndexPoint{base_offset_, 0});
  if (auto last = time_index_.last()) {
    max_timestamp_ = last->timestamp;
    offset_of_max_timestamp_ = last->offset;
  }
  if (log_size > 0) {
    auto first = read_header(0, log_size);
    if (!first) return first.error();
    first_batch_timestamp_ = first->max_timestamp;
  }
  size_ = start.position;
  auto ec = scan_headers(start.position, log_size, [&](const BatchLocation& loc) -> std::error_code {
    const BatchHeader& h = loc.header;
    if (loc.position == start.position && start.position > 0 && h.base_offset != start.offset) {
      return make_error_code(StorageErrc::kCorruptIndex);
    }
    if (h.max_timestamp > max_timestamp_) {
      max_timestamp_ = h.max_timestamp;
      offset_of_max_timestamp_ = h.base_offset;
    }
    bytes_since_index_entry_ += h.total_size();
    size_ = loc.position + h.total_size();
    next_offset_ = h.next_offset();
    return {};
  });
  if (ec) return ec;
  if (auto last = time_index_.last(); last && last->offset >= next_offset_) {
    return make_error_code(StorageErrc::kCorruptIndex);
  }
  return {};
}

std::error_code Segment::rebuild_indexes(uint64_t log_size) {
  reset_tracking();
  auto ec = scan_headers(0, log_size, [&](const BatchLocation& loc) -> std::error_code {
    if (loc.header.base_offset < next_offset_ || loc.header.last_offset() - base_offset_ > INT32_MAX) {
      return make_error_code(StorageErrc::kCorruptSegment);
    }
    track(loc.header, loc.position);
    return {};
  });
  if (ec) return ec;
  dirty_ = true;
  return persist_indexes();
}

Result<std::optional<BatchLocation>> Segment::find(int64_t offset) const {
  if (offset >= next_offset_) return std::optional<BatchLocation>();
  std::optional<BatchLocation> found;
  auto ec = scan_headers(offset_index_.lookup(offset).position, size_, [&](const BatchLocation& loc) {
    if (loc.header.last_offset() < offset) return std::error_code();
    found = loc;
    return stop_scan();
  });
  if (ec) return ec;
  return found;
}

// The largest batch boundary <= limit, scanning forward from the nearest
// index entry (but not before `from`, itself a boundary).
uint64_t Segment::boundary_at_or_before(uint64_t limit, uint64_t from, std::error_code& ec) const {
  uint64_t pos = std::max<uint64_t>(offset_index_.lookup_position(limit).position, from);
  while (pos < size_) {
    auto header = read_header(pos, size_);
    if (!header) {
      ec = header.error();
      return from;
    }
    if (pos + header->total_size() > limit) break;
    pos += header->total_size();
  }
  return pos;
}

Result<std::optional<protocol::FileSlice>> Segment::slice(int64_t offset, size_t max_bytes,
                                                          int64_t max_offset_exclusive, bool min_one_batch) const {
  auto first = find(offset);
  if (!first) return first.error();
  if (!*first) return std::optional<protocol::FileSlice>();
  const uint64_t start = (*first)->position;
  protocol::FileSlice slice{log_->fd(), start, 0};
  if ((*first)->header.last_offset() >= max_offset_exclusive) return std::optional(slice);
  uint64_t end = size_;
  if (max_offset_exclusive < next_offset_) {
    auto stop = find(max_offset_exclusive);
    if (!stop) return stop.error();
    if (*stop) end = (*stop)->position;
  }
  if (max_bytes < end - start) {
    std::error_code ec;
    end = boundary_at_or_before(start + max_bytes, start, ec);
    if (ec) return ec;
    if (end == start && min_one_batch) end = start + (*first)->header.total_size();
  }
  slice.size = static_cast<uint32_t>(end - start);
  return std::optional(slice);
}

Result<std::optional<BatchLocation>> Segment::find_timestamp(int64_t timestamp, int64_t min_offset) const {
  auto entry = time_index_.lookup(timestamp);
  auto first = find(std::max(entry ? entry->offset : base_offset_, min_offset));
  if (!first) return first.error();
  if (!*first) return std::optional<BatchLocation>();
  std::optional<BatchLocation> found;
  auto ec = scan_headers((*first)->position, size_, [&](const BatchLocation& loc) {
    if (loc.header.max_timestamp < timestamp) return std::error_code();
    found = loc;
    return stop_scan();
  });
  if (ec) return ec;
  return found;
}

std::error_code Segment::truncate_to(int64_t offset) {
  auto cut = find(offset);
  if (!cut) return cut.error();
  if (!*cut) return {};
  const uint64_t new_size = (*cut)->position;
  if (auto ec = log_->truncate(new_size)) return ec;
  dirty_ = true;
  // Timestamps and index positions are re-derived from what remains; a
  // truncation is rare enough that re-reading the headers is fine.
  return rebuild_indexes(new_size);
}

void Segment::seal() {
  if (max_timestamp_ < 0) return;
  size_t before = time_index_.size();
  time_index_.maybe_append(max_timestamp_, offset_of_max_timestamp_);
  if (time_index_.size() != before) dirty_ = true;
}

std::error_code Segment::persist_indexes() {
  if (auto ec = offset_index_.persist()) return ec;
  return time_index_.persist();
}

void Segment::add_files(std::vector<std::shared_ptr<File>>& out) const {
  out.push_back(log_);
  out.push_back(offset_index_.file());
  out.push_back(time_index_.file());
}

std::error_code Segment::sync_files() const {
  for (const auto& file : {log_, offset_index_.file(), time_index_.file()}) {
    if (auto ec = file->sync()) return ec;
  }
  return {};
}

std::error_code Segment::remove_files() {
  std::error_code first_error;
  for (auto suffix : {kLogSuffix, kIndexSuffix, kTimeIndexSuffix}) {
    if (auto ec = fs_.remove(path_of(suffix)); ec && !first_error) first_error = ec;
  }
  return first_error;
}

}  // namespace kappa::storage

// CleanJob: the three passes of a cleaning round (log_cleaner.h).

#include "log_cleaner.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "batch_cleaner.h"
#include "chunk_reader.h"
#include "kappa/protocol/control_record.h"
#include "kappa/storage/file_names.h"
#include "key_offset_map.h"
#include "segment_swap.h"

namespace kappa::storage {

using protocol::BatchHeader;
namespace layout = protocol::batch_layout;

namespace {

constexpr uint64_t kMaxSegmentSize = std::numeric_limits<int32_t>::max();
// A rebuilt record's timestamp delta varint may grow (a new base timestamp
// or a delete horizon); budgeted per record when grouping segments.
constexpr uint64_t kMaxRecordGrowth = 9;

enum class Read { kHeaders, kWhole };

// Calls fn(bytes, header) for every batch of `s`; with Read::kHeaders only
// control batches come whole (their record says commit or abort), others
// with just their header bytes.  kCorruptSegment if [0, size) is not whole
// batches (the snapshot changed under us: the result will be discarded).
template <typename Fn>
std::error_code for_each_batch_of(const SegmentSnapshot& s, Read read, const std::atomic<bool>& cancelled, Fn&& fn) {
  ChunkReader reader(*s.log, s.size);
  for (uint64_t pos = 0; pos < s.size;) {
    if (cancelled.load(std::memory_order_relaxed)) return std::make_error_code(std::errc::operation_canceled);
    auto prefix = reader.view(pos, layout::kHeaderSize);
    if (!prefix) return prefix.error();
    auto h = protocol::peek_batch_header(*prefix);
    if (!h || h->magic != 2 || h->batch_length < static_cast<int32_t>(layout::kHeaderSize - layout::kLogOverhead) ||
        pos + h->total_size() > s.size || h->last_offset_delta < 0) {
      return make_error_code(StorageErrc::kCorruptSegment);
    }
    std::span<const uint8_t> bytes = *prefix;
    if (read == Read::kWhole || h->is_control()) {
      auto whole = reader.view(pos, h->total_size());
      if (!whole) return whole.error();
      if (whole->size() != h->total_size()) return make_error_code(StorageErrc::kCorruptSegment);
      bytes = *whole;
    }
    if (auto ec = fn(bytes, *h)) return ec;
    pos += h->total_size();
  }
  return {};
}

// ABORT or COMMIT, for a transaction marker batch.
std::optional<protocol::ControlRecordType> marker_type(std::span<const uint8_t> batch) {
  std::optional<protocol::ControlRecordType> type;
  auto ec = protocol::for_each_record(batch, [&](const BatchHeader&, const protocol::Record& r) {
    type = protocol::parse_control_key(r.key);
  });
  if (ec) return std::nullopt;
  return type;
}

struct Txn {
  int64_t first = 0;    // base offset of its first data batch
  int64_t marker = -1;  // its ABORT/COMMIT marker, -1 while open
  bool aborted = false;
  std::vector<int64_t> batches;
};

}  // namespace

struct CleanJob::Plan {
  std::unordered_map<int64_t, int64_t> last_batch;  // producer id -> base offset of its last batch
  std::unordered_set<int64_t> aborted;              // base offsets of aborted data batches
  std::vector<uint64_t> records;                    // per scanned segment
  int64_t stop = 0;                                 // the end of the dirty range
  size_t keys = 0;                                  // records in [first_dirty, stop): a bound on keys
  size_t rewrite = 0;                               // segments [0, rewrite) are rewritten
};

std::error_code CleanJob::scan(Plan& out) {
  out.stop = cleanable_end;
  bool stopped = false;
  std::unordered_map<int64_t, Txn> open;  // by producer id
  std::vector<Txn> done;
  for (size_t i = 0; i < segments.size() && !stopped; ++i) {
    uint64_t records = 0;
    auto ec = for_each_batch_of(segments[i], Read::kHeaders, cancelled, [&](auto bytes, const BatchHeader& h) {
      records += static_cast<uint64_t>(h.records_count);
      if (h.has_producer_id()) out.last_batch[h.producer_id] = h.base_offset;
      if (stopped || h.next_offset() <= first_dirty) return std::error_code();
      if (out.keys > 0 && out.keys + static_cast<size_t>(h.records_count) > max_keys) {
        stopped = true;  // the map is full: read the rest of this segment for last_batch only
        out.stop = h.base_offset;
        return std::error_code();
      }
      out.keys += static_cast<size_t>(h.records_count);
      if (!h.is_transactional() || !h.has_producer_id()) return std::error_code();
      if (!h.is_control()) {
        auto [it, fresh] = open.try_emplace(h.producer_id);
        if (fresh) it->second.first = h.base_offset;
        it->second.batches.push_back(h.base_offset);
      } else if (auto type = marker_type(bytes); type && open.contains(h.producer_id)) {
        Txn txn = std::move(open[h.producer_id]);
        open.erase(h.producer_id);
        txn.marker = h.base_offset;
        txn.aborted = *type == protocol::ControlRecordType::kAbort;
        done.push_back(std::move(txn));
      }
      return std::error_code();
    });
    if (ec) return ec;
    out.records.push_back(records);
  }
  // No transaction may straddle `stop`: its outcome is unknown below it.
  for (auto& [producer, txn] : open) done.push_back(std::move(txn));
  for (bool moved = true; moved;) {
    moved = false;
    for (const Txn& t : done) {
      if (t.first < out.stop && (t.marker < 0 || t.marker >= out.stop)) {
        out.stop = t.first;
        moved = true;
      }
    }
  }
  for (const Txn& t : done) {
    if (t.aborted && t.marker < out.stop) out.aborted.insert(t.batches.begin(), t.batches.end());
  }
  while (out.rewrite < out.records.size() && segments[out.rewrite].base_offset < out.stop) ++out.rewrite;
  return {};
}

std::error_code CleanJob::build_map(const Plan& plan, KeyOffsetMap& map) {
  for (size_t i = 0; i < plan.rewrite; ++i) {
    if (segments[i].next_offset <= first_dirty) continue;
    auto ec = for_each_batch_of(segments[i], Read::kWhole, cancelled, [&](auto bytes, const BatchHeader& h) {
      if (h.next_offset() <= first_dirty || h.base_offset >= plan.stop || h.is_control() ||
          plan.aborted.contains(h.base_offset)) {
        return std::error_code();
      }
      bool fits = true;
      auto read = protocol::for_each_record(bytes, [&](const BatchHeader&, const protocol::Record& r) {
        if (!r.key.is_null()) fits &= map.put(r.key, r.offset);
      });
      KAPPA_ASSERT(fits, "offset map of {} keys overflowed", map.capacity());
      return read ? make_error_code(StorageErrc::kCorruptSegment) : std::error_code();
    });
    if (ec) return ec;
  }
  stats.map_keys = map.size();
  return {};
}

// Whether snapshot segment `next` may join the cleaned segment `out`
// (replacing segments from `first`).  Hard limits with worst-case bounds:
// 2 GiB, 32-bit relative offsets.  Soft ones with a prediction: the output
// stays near segment.bytes (the next segment shrinks as much as this round's
// input so far) and its index size.
bool CleanJob::joins_group(const Plan& plan, const Segment& out, size_t first, size_t next) const {
  const SegmentSnapshot& s = segments[next];
  const uint64_t worst = s.size + kMaxRecordGrowth * plan.records[next];
  const double shrink = stats.bytes_read == 0 ? 1.0
                                              : static_cast<double>(stats.bytes_written + out.size()) /
                                                    static_cast<double>(stats.bytes_read);
  const auto predicted = static_cast<uint64_t>(static_cast<double>(s.size) * shrink) + 1;
  const size_t max_entries = std::min(segment_options.max_offset_entries, segment_options.max_time_entries);
  return out.size() + worst <= kMaxSegmentSize && s.next_offset - 1 - segments[first].base_offset <= INT32_MAX &&
         out.size() + predicted <= static_cast<uint64_t>(segment_bytes) &&
         out.index_entries() + s.index_entries + 2 < max_entries;
}

// Cleans snapshot segment `i` into `out`.
std::error_code CleanJob::clean_segment(const Plan& plan, BatchCleaner& cleaner, Segment& out, size_t i) {
  auto ec = for_each_batch_of(segments[i], Read::kWhole, cancelled, [&](auto bytes, const BatchHeader& h) {
    CleanedBatch result{BatchFate::kCopied, bytes, std::nullopt};
    if (h.base_offset < plan.stop) {
      const bool dirty = h.next_offset() > first_dirty;
      auto last = plan.last_batch.find(h.producer_id);
      BatchContext context{.dirty = dirty,
                           .aborted = dirty && plan.aborted.contains(h.base_offset),
                           .last_of_producer = last != plan.last_batch.end() && last->second == h.base_offset};
      auto cleaned_batch = cleaner.clean(bytes, h, context);
      if (!cleaned_batch) return cleaned_batch.error();
      result = *cleaned_batch;
    } else {
      ++stats.batches_copied;  // beyond the dirty range: untouched
    }
    if (result.delete_horizon) {
      next_delete_horizon = std::min(next_delete_horizon.value_or(INT64_MAX), *result.delete_horizon);
    }
    if (result.bytes.empty()) return std::error_code();
    if (out.size() + result.bytes.size() > kMaxSegmentSize) return make_error_code(StorageErrc::kBatchTooLarge);
    return out.append(result.bytes, *protocol::peek_batch_header(result.bytes));
  });
  if (ec) return ec;
  stats.bytes_read += segments[i].size;
  ++stats.segments_read;
  return {};
}

// Writes the cleaned segment replacing [first, end) for some end > first,
// as many segments as joins_group() allows; returns end.
Result<size_t> CleanJob::write_group(const Plan& plan, BatchCleaner& cleaner, size_t first) {
  const int64_t base = segments[first].base_offset;
  discard_cleaned_segment(*fs, dir, base);  // leftovers of an abandoned round
  auto segment = Segment::create(*fs, dir, base, segment_options, segments[first].created_ms, kCleanedSuffix);
  if (!segment) return segment.error();
  cleaned.push_back({first, first, std::move(*segment)});
  CleanedSegment& group = cleaned.back();
  Segment& out = *group.segment;
  do {
    if (auto ec = clean_segment(plan, cleaner, out, group.end)) return ec;
    ++group.end;
  } while (group.end < plan.rewrite && joins_group(plan, out, first, group.end));
  // Retention by time ages a segment without timestamps by this.
  for (size_t i = first; i < group.end; ++i) {
    if (segments[i].created_ms > out.created_ms()) out.set_created_ms(segments[i].created_ms);
  }
  out.seal();
  if (auto ec = out.persist_indexes()) return ec;
  if (auto ec = out.sync_files()) return ec;
  out.mark_flushed();
  stats.bytes_written += out.size();
  ++stats.segments_written;
  return group.end;
}

std::error_code CleanJob::rewrite(const Plan& plan, const KeyOffsetMap& map) {
  BatchCleaner cleaner(map, now_ms, delete_retention_ms, stats);
  for (size_t first = 0; first < plan.rewrite;) {
    auto end = write_group(plan, cleaner, first);
    if (!end) return end.error();
    first = *end;
  }
  return {};
}

std::error_code CleanJob::run() {
  stats.first_dirty_offset = cleaned_up_to = first_dirty;
  Plan plan;
  auto ec = scan(plan);
  const bool progress = plan.stop > first_dirty;
  if (!ec && (progress || tombstones_due) && plan.rewrite > 0) {
    KeyOffsetMap map(std::max<size_t>(plan.keys, 1), load_factor);
    ec = build_map(plan, map);
    if (!ec) ec = rewrite(plan, map);
  }
  if (ec) {
    discard();
    return ec;
  }
  cleaned_up_to = std::max(first_dirty, plan.stop);
  stats.cleaned_up_to = cleaned_up_to;
  return {};
}

void CleanJob::discard() {
  for (const auto& c : cleaned) discard_cleaned_segment(*fs, dir, c.segment->base_offset());
  cleaned.clear();
}

}  // namespace kappa::storage

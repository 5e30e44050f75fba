#pragma once
// A compacted Log with keyed batches, one-call cleaning rounds, and a model
// of what compaction must preserve, for the cleaner tests.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"
#include "log_fixture.h"

namespace kappa::storage::test {

// One record; a null value is a tombstone, a null key is invalid here.
struct KV {
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = -1;  // -1: the clock's time
};

// A record as read back from the log.
struct StoredRecord {
  int64_t offset = 0;
  std::optional<std::string> key;
  std::optional<std::string> value;
  int64_t timestamp = 0;
  auto operator<=>(const StoredRecord&) const = default;
};

inline protocol::BytesView view_of(const std::optional<std::string>& s) {
  return s ? protocol::BytesView(*s) : protocol::BytesView();
}

inline std::optional<std::string> string_of(protocol::BytesView b) {
  return b.is_null() ? std::nullopt : std::optional<std::string>(b.str());
}

// Key -> value after reading every record in order (tombstones delete).
inline std::map<std::string, std::string> final_state(const std::vector<StoredRecord>& records) {
  std::map<std::string, std::string> state;
  for (const auto& r : records) {
    if (!r.key) continue;
    if (r.value) {
      state[*r.key] = *r.value;
    } else {
      state.erase(*r.key);
    }
  }
  return state;
}

class CompactionTest : public LogTest {
 protected:
  CompactionTest() {
    config.cleanup_policy = CleanupPolicy::kCompact;
    config.segment_bytes = 4000;
    config.min_cleanable_dirty_ratio = 0;  // clean whenever anything is dirty
    config.delete_retention_ms = 60'000;
  }

  // Appends one batch of `records` as leader; returns its base offset.
  int64_t append_keyed(const std::vector<KV>& records, protocol::BatchOptions options = {}, int32_t epoch = 0) {
    protocol::RecordBatchBuilder builder(options);
    for (const auto& r : records) {
      builder.append(r.timestamp >= 0 ? r.timestamp : clock.wall_ms(), view_of(r.key), view_of(r.value));
    }
    auto batch = builder.finish();
    auto result = log->append(batch, LeaderEpoch(epoch));
    EXPECT_TRUE(result) << result.error().message();
    return result ? result->base_offset : -1;
  }

  // Every batch from the log start, validated as stored batches.
  std::vector<std::vector<uint8_t>> read_batches() {
    std::vector<std::vector<uint8_t>> batches;
    for (int64_t offset = log->log_start_offset(); offset < log->log_end_offset();) {
      auto records = log->read(offset, 1 << 30, INT64_MAX);
      EXPECT_TRUE(records) << records.error().message();
      if (!records || records->size() == 0) break;
      auto bytes = records->to_vector();
      protocol::for_each_batch(bytes, [&](std::span<const uint8_t> b) {
        auto v = protocol::validate_batch(b, protocol::BatchOrigin::kStored);
        EXPECT_EQ(v.error, protocol::ErrorCode::kNone) << v.message;
        batches.emplace_back(b.begin(), b.end());
        offset = v.header.next_offset();
      });
    }
    return batches;
  }

  std::vector<StoredRecord> read_all() {
    std::vector<StoredRecord> out;
    for (const auto& batch : read_batches()) {
      auto ec = protocol::for_each_record(batch, [&](const protocol::BatchHeader& h, const protocol::Record& r) {
        if (h.is_control()) return;
        out.push_back({r.offset, string_of(r.key), string_of(r.value), r.timestamp});
      });
      EXPECT_FALSE(ec) << ec.message();
    }
    return out;
  }

  // One cleaning round on the calling thread; nullopt if none was due.
  std::optional<CleanerStats> clean(int64_t now_ms = -1, CleanerConfig cleaner = {}) {
    auto task = log->prepare_cleaning(now_ms >= 0 ? now_ms : clock.wall_ms(), cleaner);
    EXPECT_TRUE(task) << task.error().message();
    if (!task || !*task) return std::nullopt;
    auto done = log->complete_cleaning(**task, (*task)->run());
    EXPECT_TRUE(done) << done.error().message();
    if (!done) return std::nullopt;
    return *done;
  }

  // Rolls the active segment by appending a batch after segment.ms.
  void roll_with(const std::vector<KV>& records) {
    clock.advance(config.segment_ms + 1);
    append_keyed(records);
  }

  void mark_all_committed() { log->update_high_watermark(log->log_end_offset()); }

  // The log's cleanable end without min.compaction.lag.ms: the base of the
  // first segment that is active or reaches past the high watermark.
  int64_t cleanable_end() const {
    auto bases = log->segment_base_offsets();
    for (size_t i = 0; i + 1 < bases.size(); ++i) {
      if (bases[i + 1] > log->high_watermark()) return bases[i];
    }
    return bases.back();
  }

  // What a full round may do to `before` (the log's records before it)
  // given its cleanable end: drop records, never alter or invent one, keep
  // every record at or after the end, keep the final state of every key,
  // and leave each key at most once below the end.
  static void expect_compacted(const std::vector<StoredRecord>& before, const std::vector<StoredRecord>& after,
                               int64_t cleanable_end) {
    std::map<int64_t, StoredRecord> by_offset;
    for (const auto& r : before) by_offset[r.offset] = r;
    std::map<std::string, int> below_end;
    for (const auto& r : after) {
      auto it = by_offset.find(r.offset);
      ASSERT_NE(it, by_offset.end()) << "invented record at " << r.offset;
      EXPECT_EQ(it->second, r);
      if (r.offset < cleanable_end && r.key) {
        EXPECT_EQ(++below_end[*r.key], 1) << "key " << *r.key << " twice";
      }
    }
    size_t kept_tail = 0;
    for (const auto& r : before) kept_tail += r.offset >= cleanable_end;
    size_t after_tail = 0;
    for (const auto& r : after) after_tail += r.offset >= cleanable_end;
    EXPECT_EQ(after_tail, kept_tail);
    EXPECT_EQ(final_state(after), final_state(before));
  }
};

}  // namespace kappa::storage::test

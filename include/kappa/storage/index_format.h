#pragma once
// Entry layouts of a segment's two sparse indexes (Kafka's formats).  An index
// file is its entries back to back, nothing else; offsets are stored relative
// to the segment's base offset.
//
//   .index      8 bytes:  relative offset u32 BE | .log file position u32 BE
//   .timeindex 12 bytes:  timestamp i64 BE       | relative offset u32 BE
//
// Offset index: one entry per index_interval_bytes of log, for the batch
// that starts at that position; relative offsets and positions strictly
// increase.  Time index: (largest timestamp so far, offset of the batch that
// first reached it), appended at the same points when the largest timestamp
// has grown, and once more when the segment stops being active; timestamps
// strictly increase.  Every batch before an entry's offset has a smaller
// timestamp than the entry's.

#include <cstddef>
#include <cstdint>

namespace kappa::storage {

struct OffsetIndexEntry {
  uint32_t relative_offset = 0;
  uint32_t position = 0;

  static constexpr size_t kSize = 8;
  void encode(uint8_t* out) const;
  static OffsetIndexEntry decode(const uint8_t* in);
  auto operator<=>(const OffsetIndexEntry&) const = default;
};

struct TimeIndexEntry {
  int64_t timestamp = 0;
  uint32_t relative_offset = 0;

  static constexpr size_t kSize = 12;
  void encode(uint8_t* out) const;
  static TimeIndexEntry decode(const uint8_t* in);
  auto operator<=>(const TimeIndexEntry&) const = default;
};

}  // namespace kappa::storage

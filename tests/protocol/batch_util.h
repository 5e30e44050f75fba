#pragma once
// Hand-assembly of records and batches for tests that need shapes the
// builder never makes (offset gaps, bad framing, compacted batches).

#include <cstdint>
#include <span>
#include <vector>

#include "kappa/protocol/bytes_view.h"
#include "kappa/protocol/compression.h"
#include "kappa/protocol/record_batch.h"
#include "protocol/big_endian.h"
#include "protocol/zigzag.h"

namespace kappa::protocol::testing {

struct RawRecord {
  int32_t offset_delta = 0;
  int64_t timestamp_delta = 0;
  BytesView key = {};
  BytesView value = {};
  std::vector<RecordHeader> headers = {};
};

inline void append_field(std::vector<uint8_t>& out, BytesView b) {
  zigzag::append(out, b.wire_length());
  out.insert(out.end(), b.data(), b.data() + b.size());
}

inline std::vector<uint8_t> encode_records(std::span<const RawRecord> records) {
  std::vector<uint8_t> out;
  for (const auto& r : records) {
    std::vector<uint8_t> body = {0};
    zigzag::append(body, r.timestamp_delta);
    zigzag::append(body, r.offset_delta);
    append_field(body, r.key);
    append_field(body, r.value);
    zigzag::append(body, static_cast<int64_t>(r.headers.size()));
    for (const auto& h : r.headers) {
      append_field(body, BytesView(h.key));
      append_field(body, h.value);
    }
    zigzag::append(out, static_cast<int64_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

struct RawBatch {
  int64_t base_offset = 0;
  uint16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t base_timestamp = 1700000000000;
  int64_t max_timestamp = 1700000000000;
  int32_t records_count = 0;
};

// A batch around already-encoded (and, per attributes, compressed) records,
// with a correct batchLength and CRC.
inline std::vector<uint8_t> wrap_records(const RawBatch& h, std::span<const uint8_t> payload) {
  using namespace batch_layout;
  std::vector<uint8_t> b(kHeaderSize + payload.size());
  std::copy(payload.begin(), payload.end(), b.begin() + kHeaderSize);
  be::store(b.data() + kBaseOffset, h.base_offset);
  be::store(b.data() + kBatchLength, static_cast<int32_t>(b.size() - kLogOverhead));
  be::store(b.data() + kPartitionLeaderEpoch, int32_t{-1});
  b[kMagic] = 2;
  be::store(b.data() + kAttributes, h.attributes);
  be::store(b.data() + kLastOffsetDelta, h.last_offset_delta);
  be::store(b.data() + kBaseTimestamp, h.base_timestamp);
  be::store(b.data() + kMaxTimestamp, h.max_timestamp);
  be::store(b.data() + kProducerId, int64_t{-1});
  be::store(b.data() + kProducerEpoch, int16_t{-1});
  be::store(b.data() + kBaseSequence, int32_t{-1});
  be::store(b.data() + kRecordsCount, h.records_count);
  be::store(b.data() + kCrc, crc32c(std::span(b).subspan(kAttributes)));
  return b;
}

inline std::vector<uint8_t> raw_batch(const RawBatch& h, std::span<const RawRecord> records) {
  auto payload = encode_records(records);
  auto codec = static_cast<Compression>(h.attributes & kCompressionMask);
  if (codec != Compression::kNone) payload = compress(codec, payload);
  return wrap_records(h, payload);
}

}  // namespace kappa::protocol::testing

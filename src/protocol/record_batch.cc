#include "kappa/protocol/record_batch.h"

#include <isa-l/crc.h>

#include <fmt/format.h>

namespace kappa::protocol {
namespace {

using namespace batch_layout;

template <typename T>
T load_be(const uint8_t* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | p[i]);
  return v;
}

template <typename T>
void store_be(uint8_t* p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
}

// Zig-zag varint within [p, end); returns false on overflow/truncation.
bool read_varint(const uint8_t*& p, const uint8_t* end, int64_t& out, int max_bytes) {
  uint64_t u = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p == end) return false;
    uint8_t b = *p++;
    u |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      out = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
      return true;
    }
  }
  return false;
}

// Checks the framing of `count` uncompressed records in [p, end).  Offset
// deltas must be 0, 1, 2, ... for produced batches; stored batches may have
// gaps left by the log cleaner (increasing, at most `last_delta`).
bool check_records(const uint8_t* p, const uint8_t* end, int32_t count, BatchOrigin origin, int64_t last_delta,
                   std::string& why) {
  int64_t previous_delta = -1;
  for (int32_t i = 0; i < count; ++i) {
    int64_t len;
    if (!read_varint(p, end, len, 5) || len < 0 || len > end - p) {
      why = fmt::format("record {} has a bad length", i);
      return false;
    }
    const uint8_t* rec_end = p + len;
    const uint8_t* q = p + 1;  // attributes
    int64_t ts_delta, offset_delta, key_len, value_len, headers;
    if (q > rec_end || !read_varint(q, rec_end, ts_delta, 10) || !read_varint(q, rec_end, offset_delta, 5)) {
      why = fmt::format("record {} is truncated", i);
      return false;
    }
    const bool in_order = origin == BatchOrigin::kProduced
                              ? offset_delta == i
                              : offset_delta > previous_delta && offset_delta <= last_delta;
    if (!in_order) {
      why = fmt::format("record {} has offset delta {}", i, offset_delta);
      return false;
    }
    previous_delta = offset_delta;
    if (!read_varint(q, rec_end, key_len, 5) || key_len < -1 || key_len > rec_end - q) {
      why = fmt::format("record {} has a bad key length", i);
      return false;
    }
    if (key_len > 0) q += key_len;
    if (!read_varint(q, rec_end, value_len, 5) || value_len < -1 || value_len > rec_end - q) {
      why = fmt::format("record {} has a bad value length", i);
      return false;
    }
    if (value_len > 0) q += value_len;
    if (!read_varint(q, rec_end, headers, 5) || headers < 0) {
      why = fmt::format("record {} has a bad header count", i);
      return false;
    }
    for (int64_t h = 0; h < headers; ++h) {
      int64_t klen, vlen;
      if (!read_varint(q, rec_end, klen, 5) || klen < 0 || klen > rec_end - q) {
        why = fmt::format("record {} header {} has a bad key", i, h);
        return false;
      }
      q += klen;
      if (!read_varint(q, rec_end, vlen, 5) || vlen < -1 || vlen > rec_end - q) {
        why = fmt::format("record {} header {} has a bad value", i, h);
        return false;
      }
      if (vlen > 0) q += vlen;
    }
    if (q != rec_end) {
      why = fmt::format("record {} length does not match its fields", i);
      return false;
    }
    p = rec_end;
  }
  if (p != end) {
    why = "trailing bytes after the last record";
    return false;
  }
  return true;
}

}  // namespace

int32_t BatchHeader::last_sequence() const {
  if (base_sequence < 0) return -1;
  int64_t last = static_cast<int64_t>(base_sequence) + last_offset_delta;
  return last > INT32_MAX ? static_cast<int32_t>(last - INT32_MAX - 1) : static_cast<int32_t>(last);
}

std::optional<size_t> peek_batch_size(std::span<const uint8_t> bytes) {
  if (bytes.size() < kLogOverhead) return std::nullopt;
  int32_t len = static_cast<int32_t>(load_be<uint32_t>(bytes.data() + kBatchLength));
  if (len < 0) return std::nullopt;
  return kLogOverhead + static_cast<size_t>(len);
}

std::optional<BatchHeader> peek_batch_header(std::span<const uint8_t> b) {
  if (b.size() < kHeaderSize) return std::nullopt;
  const uint8_t* p = b.data();
  BatchHeader h;
  h.base_offset = static_cast<int64_t>(load_be<uint64_t>(p + kBaseOffset));
  h.batch_length = static_cast<int32_t>(load_be<uint32_t>(p + kBatchLength));
  h.partition_leader_epoch = static_cast<int32_t>(load_be<uint32_t>(p + kPartitionLeaderEpoch));
  h.magic = static_cast<int8_t>(p[kMagic]);
  h.crc = load_be<uint32_t>(p + kCrc);
  h.attributes = load_be<uint16_t>(p + kAttributes);
  h.last_offset_delta = static_cast<int32_t>(load_be<uint32_t>(p + kLastOffsetDelta));
  h.base_timestamp = static_cast<int64_t>(load_be<uint64_t>(p + kBaseTimestamp));
  h.max_timestamp = static_cast<int64_t>(load_be<uint64_t>(p + kMaxTimestamp));
  h.producer_id = static_cast<int64_t>(load_be<uint64_t>(p + kProducerId));
  h.producer_epoch = static_cast<int16_t>(load_be<uint16_t>(p + kProducerEpoch));
  h.base_sequence = static_cast<int32_t>(load_be<uint32_t>(p + kBaseSequence));
  h.records_count = static_cast<int32_t>(load_be<uint32_t>(p + kRecordsCount));
  return h;
}

uint32_t crc32c(std::span<const uint8_t> bytes, uint32_t seed) {
  // ISA-L's crc32_iscsi takes and returns the raw register; the standard
  // CRC-32C pre- and post-inverts it.
  return ~crc32_iscsi(const_cast<unsigned char*>(bytes.data()), static_cast<int>(bytes.size()), ~seed);
}

BatchValidation validate_batch(std::span<const uint8_t> batch, BatchOrigin origin) {
  BatchValidation v;
  auto fail = [&](ErrorCode e, std::string msg) {
    v.error = e;
    v.message = std::move(msg);
    return v;
  };
  if (batch.size() < kLogOverhead + 5) return fail(ErrorCode::kCorruptMessage, "batch shorter than its header");
  if (batch.size() >= kMagic + 1 && static_cast<int8_t>(batch[kMagic]) != 2) {
    return fail(ErrorCode::kUnsupportedForMessageFormat,
                fmt::format("magic {} is not supported; only magic 2 record batches",
                            static_cast<int>(static_cast<int8_t>(batch[kMagic]))));
  }
  auto h = peek_batch_header(batch);
  if (!h) return fail(ErrorCode::kCorruptMessage, "batch shorter than its header");
  v.header = *h;
  if (h->batch_length < static_cast<int32_t>(kHeaderSize - kLogOverhead) || h->total_size() != batch.size()) {
    return fail(ErrorCode::kCorruptMessage,
                fmt::format("batch length {} does not match {} bytes", h->batch_length, batch.size()));
  }
  uint32_t crc = crc32c(batch.subspan(kAttributes));
  if (crc != h->crc) {
    return fail(ErrorCode::kCorruptMessage, fmt::format("CRC mismatch: stored {:08x}, computed {:08x}", h->crc, crc));
  }
  if (h->records_count < 0 || h->last_offset_delta < 0) {
    return fail(ErrorCode::kInvalidRecord, "negative record count or offset delta");
  }
  if (static_cast<uint8_t>(h->compression()) > static_cast<uint8_t>(Compression::kZstd)) {
    return fail(ErrorCode::kUnsupportedCompressionType,
                fmt::format("unknown compression codec {}", static_cast<int>(h->compression())));
  }
  // 64-bit: lastOffsetDelta may be INT32_MAX on hostile input.
  const int64_t span = static_cast<int64_t>(h->last_offset_delta) + 1;
  const bool count_ok = origin == BatchOrigin::kProduced ? h->is_control() || h->records_count == span
                                                         : h->records_count <= span;
  if (!count_ok) {
    return fail(ErrorCode::kInvalidRecord, fmt::format("{} records but last offset delta {}", h->records_count,
                                                       h->last_offset_delta));
  }
  if (h->compression() == Compression::kNone) {
    std::string why;
    if (!check_records(batch.data() + kHeaderSize, batch.data() + batch.size(), h->records_count, origin,
                       h->last_offset_delta, why)) {
      return fail(ErrorCode::kCorruptMessage, why);
    }
  }
  return v;
}

void set_base_offset(std::span<uint8_t> batch, int64_t base_offset) {
  store_be(batch.data() + kBaseOffset, static_cast<uint64_t>(base_offset));
}

void set_partition_leader_epoch(std::span<uint8_t> batch, int32_t epoch) {
  store_be(batch.data() + kPartitionLeaderEpoch, static_cast<uint32_t>(epoch));
}

void set_log_append_time(std::span<uint8_t> batch, int64_t append_time_ms) {
  uint16_t attrs = load_be<uint16_t>(batch.data() + kAttributes);
  store_be(batch.data() + kAttributes, static_cast<uint16_t>(attrs | kTimestampTypeBit));
  store_be(batch.data() + kMaxTimestamp, static_cast<uint64_t>(append_time_ms));
  store_be(batch.data() + kCrc, crc32c(batch.subspan(kAttributes)));
}

}  // namespace kappa::protocol

#include "kappa/protocol/record_batch_builder.h"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "kappa/protocol/compression.h"
#include "protocol/big_endian.h"
#include "protocol/zigzag.h"

namespace kappa::protocol {
namespace {

using namespace batch_layout;

constexpr size_t kMaxBatchSize = INT32_MAX;

int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

size_t field_size(BytesView b) { return zigzag::size_of(b.wire_length()) + b.size(); }

uint8_t* write_field(uint8_t* p, BytesView b) {
  p = zigzag::write(p, b.wire_length());
  return std::copy_n(b.data(), b.size(), p);
}

}  // namespace

void RecordBatchBuilder::append(int64_t timestamp, BytesView key, BytesView value,
                                std::span<const RecordHeader> headers) {
  if (last_delta_ == INT32_MAX) throw std::length_error("record batch holds INT32_MAX records");
  append_with_offset_delta(last_delta_ + 1, timestamp, key, value, headers);
}

void RecordBatchBuilder::append_with_offset_delta(int32_t offset_delta, int64_t timestamp, BytesView key,
                                                  BytesView value, std::span<const RecordHeader> headers) {
  if (offset_delta <= last_delta_) throw std::invalid_argument("record offset deltas must increase");
  if (count_ == 0) {
    base_timestamp_ = options_.delete_horizon_ms.value_or(timestamp);
    max_timestamp_ = timestamp;
  }
  const int64_t ts_delta = wrapping_sub(timestamp, base_timestamp_);
  size_t body = 1 + zigzag::size_of(ts_delta) + zigzag::size_of(offset_delta) + field_size(key) +
                field_size(value) + zigzag::size_of(static_cast<int64_t>(headers.size()));
  for (const auto& h : headers) body += field_size(BytesView(h.key)) + field_size(h.value);
  if (body > kMaxBatchSize || headers.size() > INT32_MAX ||
      uncompressed_size() + body + zigzag::size_of(static_cast<int64_t>(body)) > kMaxBatchSize) {
    throw std::length_error("record batch would exceed 2 GiB");
  }

  const size_t start = records_.size();
  records_.resize(start + zigzag::size_of(static_cast<int64_t>(body)) + body);
  uint8_t* p = zigzag::write(records_.data() + start, static_cast<int64_t>(body));
  *p++ = 0;  // attributes
  p = zigzag::write(p, ts_delta);
  p = zigzag::write(p, offset_delta);
  p = write_field(p, key);
  p = write_field(p, value);
  p = zigzag::write(p, static_cast<int64_t>(headers.size()));
  for (const auto& h : headers) {
    p = write_field(p, BytesView(h.key));
    p = write_field(p, h.value);
  }
  max_timestamp_ = std::max(max_timestamp_, timestamp);
  last_delta_ = offset_delta;
  ++count_;
}

void RecordBatchBuilder::write_header(uint8_t* b, size_t size) const {
  uint16_t attributes = static_cast<uint16_t>(options_.compression) & kCompressionMask;
  if (options_.log_append_time) attributes |= kTimestampTypeBit;
  if (options_.transactional) attributes |= kTransactionalBit;
  if (options_.control) attributes |= kControlBit;
  if (options_.delete_horizon_ms) attributes |= kDeleteHorizonBit;
  be::store(b + kBaseOffset, options_.base_offset);
  be::store(b + kBatchLength, static_cast<int32_t>(size - kLogOverhead));
  be::store(b + kPartitionLeaderEpoch, options_.partition_leader_epoch);
  b[kMagic] = 2;
  be::store(b + kAttributes, attributes);
  be::store(b + kLastOffsetDelta, options_.last_offset_delta.value_or(last_delta_));
  be::store(b + kBaseTimestamp, base_timestamp_);
  be::store(b + kMaxTimestamp, options_.log_append_time.value_or(max_timestamp_));
  be::store(b + kProducerId, options_.producer_id);
  be::store(b + kProducerEpoch, options_.producer_epoch);
  be::store(b + kBaseSequence, options_.base_sequence);
  be::store(b + kRecordsCount, count_);
  be::store(b + kCrc, crc32c({b + kAttributes, size - kAttributes}));
}

void RecordBatchBuilder::finish_into(std::vector<uint8_t>& out) {
  if (count_ == 0) return;
  if (options_.last_offset_delta && *options_.last_offset_delta < last_delta_) {
    throw std::invalid_argument("last_offset_delta is below the last record's offset delta");
  }
  const size_t start = out.size();
  out.resize(start + kHeaderSize);
  if (options_.compression == Compression::kNone) {
    out.insert(out.end(), records_.begin(), records_.end());
  } else {
    append_compressed(options_.compression, records_, out, options_.compression_level);
  }
  const size_t size = out.size() - start;
  if (size > kMaxBatchSize) {
    out.resize(start);
    throw std::length_error("compressed record batch exceeds 2 GiB");
  }
  write_header(out.data() + start, size);
  records_.clear();
  count_ = 0;
  last_delta_ = -1;
}

std::vector<uint8_t> RecordBatchBuilder::finish() {
  std::vector<uint8_t> out;
  out.reserve(uncompressed_size());
  finish_into(out);
  return out;
}

std::vector<uint8_t> build_empty_batch(const BatchOptions& options, int64_t max_timestamp) {
  if (!options.last_offset_delta || *options.last_offset_delta < 0) {
    throw std::invalid_argument("an empty batch needs a last_offset_delta >= 0");
  }
  uint16_t attributes = options.log_append_time ? kTimestampTypeBit : 0;
  if (options.transactional) attributes |= kTransactionalBit;
  if (options.control) attributes |= kControlBit;
  std::vector<uint8_t> b(kHeaderSize);
  be::store(b.data() + kBaseOffset, options.base_offset);
  be::store(b.data() + kBatchLength, static_cast<int32_t>(kHeaderSize - kLogOverhead));
  be::store(b.data() + kPartitionLeaderEpoch, options.partition_leader_epoch);
  b[kMagic] = 2;
  be::store(b.data() + kAttributes, attributes);
  be::store(b.data() + kLastOffsetDelta, *options.last_offset_delta);
  be::store(b.data() + kBaseTimestamp, int64_t{-1});
  be::store(b.data() + kMaxTimestamp, max_timestamp);
  be::store(b.data() + kProducerId, options.producer_id);
  be::store(b.data() + kProducerEpoch, options.producer_epoch);
  be::store(b.data() + kBaseSequence, options.base_sequence);
  be::store(b.data() + kRecordsCount, int32_t{0});
  be::store(b.data() + kCrc, crc32c({b.data() + kAttributes, kHeaderSize - kAttributes}));
  return b;
}

std::vector<uint8_t> build_txn_marker_batch(const TxnMarker& marker, int64_t base_offset,
                                            int32_t partition_leader_epoch) {
  RecordBatchBuilder builder({.base_offset = base_offset,
                              .partition_leader_epoch = partition_leader_epoch,
                              .producer_id = marker.producer_id,
                              .producer_epoch = marker.producer_epoch,
                              .base_sequence = -1,
                              .transactional = true,
                              .control = true});
  const auto key = encode_control_key(marker.type);
  const auto value = encode_end_txn_marker(marker.coordinator_epoch);
  builder.append(marker.timestamp, std::span<const uint8_t>(key), std::span<const uint8_t>(value));
  return builder.finish();
}

}  // namespace kappa::protocol

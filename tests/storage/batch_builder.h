#pragma once
// Builds valid magic-2 record batches for the storage tests: uncompressed
// records with a correct CRC-32C.  Deliberately tiny and independent of the
// protocol module's record builder.

#include <cstdint>
#include <span>
#include <vector>

#include "kappa/protocol/record_batch.h"

namespace kappa::storage::test {

struct BatchSpec {
  int64_t base_offset = 0;
  int records = 1;
  size_t value_size = 16;
  int64_t timestamp = 1'700'000'000'000;  // record i has timestamp + i
  int32_t leader_epoch = -1;
  uint8_t fill = 'x';
};

namespace detail {

inline void put_be(std::vector<uint8_t>& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

inline void put_varint(std::vector<uint8_t>& out, int64_t value) {
  uint64_t u = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (u >= 0x80) {
    out.push_back(static_cast<uint8_t>(u | 0x80));
    u >>= 7;
  }
  out.push_back(static_cast<uint8_t>(u));
}

}  // namespace detail

inline std::vector<uint8_t> make_batch(const BatchSpec& spec) {
  using detail::put_be;
  using detail::put_varint;
  std::vector<uint8_t> records;
  for (int i = 0; i < spec.records; ++i) {
    std::vector<uint8_t> body;
    body.push_back(0);      // attributes
    put_varint(body, i);    // timestamp delta
    put_varint(body, i);    // offset delta
    put_varint(body, -1);   // null key
    put_varint(body, static_cast<int64_t>(spec.value_size));
    body.insert(body.end(), spec.value_size, spec.fill);
    put_varint(body, 0);    // headers
    put_varint(records, static_cast<int64_t>(body.size()));
    records.insert(records.end(), body.begin(), body.end());
  }
  std::vector<uint8_t> out;
  put_be(out, static_cast<uint64_t>(spec.base_offset), 8);
  put_be(out, protocol::batch_layout::kHeaderSize - protocol::batch_layout::kLogOverhead + records.size(), 4);
  put_be(out, static_cast<uint32_t>(spec.leader_epoch), 4);
  out.push_back(2);                                   // magic
  put_be(out, 0, 4);                                  // crc, below
  put_be(out, 0, 2);                                  // attributes
  put_be(out, static_cast<uint32_t>(spec.records - 1), 4);
  put_be(out, static_cast<uint64_t>(spec.timestamp), 8);
  put_be(out, static_cast<uint64_t>(spec.timestamp + spec.records - 1), 8);
  put_be(out, static_cast<uint64_t>(-1), 8);          // producer id
  put_be(out, 0xffff, 2);                             // producer epoch
  put_be(out, 0xffffffff, 4);                         // base sequence
  put_be(out, static_cast<uint32_t>(spec.records), 4);
  out.insert(out.end(), records.begin(), records.end());
  uint32_t crc = protocol::crc32c(std::span(out).subspan(protocol::batch_layout::kAttributes));
  for (int i = 0; i < 4; ++i) out[protocol::batch_layout::kCrc + i] = static_cast<uint8_t>(crc >> (8 * (3 - i)));
  return out;
}

// Header fields of every batch in `bytes`.
inline std::vector<protocol::BatchHeader> headers_of(std::span<const uint8_t> bytes) {
  std::vector<protocol::BatchHeader> out;
  protocol::for_each_batch(bytes, [&](std::span<const uint8_t> b) { out.push_back(*protocol::peek_batch_header(b)); });
  return out;
}

}  // namespace kappa::storage::test

#pragma once
// Zig-zag varints of the record format (protobuf sint32/sint64): at most 5
// bytes for a varint, 10 for a varlong, little-endian 7-bit groups, the high
// bit of each byte set when another follows. Decoders stay inside [p, end)
// and reject over-long or overflowing encodings.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace kappa::protocol::zigzag {

inline bool read_unsigned(const uint8_t*& p, const uint8_t* end, uint64_t& out, int max_bytes) {
  uint64_t v = 0;
  for (int i = 0; i < max_bytes; ++i) {
    if (p == end) return false;
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) {
      // The last permitted byte may only carry the bits that still fit.
      if (i == max_bytes - 1 && (b >> (max_bytes == 5 ? 4 : 1)) != 0) return false;
      out = v;
      return true;
    }
  }
  return false;
}

inline bool read_varint(const uint8_t*& p, const uint8_t* end, int32_t& out) {
  if (p != end && !(*p & 0x80)) {  // one-byte fast path
    const uint32_t u = *p++;
    out = static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
    return true;
  }
  uint64_t u;
  if (!read_unsigned(p, end, u, 5)) return false;
  const auto u32 = static_cast<uint32_t>(u);
  out = static_cast<int32_t>((u32 >> 1) ^ (~(u32 & 1) + 1));
  return true;
}

inline bool read_varlong(const uint8_t*& p, const uint8_t* end, int64_t& out) {
  uint64_t u;
  if (!read_unsigned(p, end, u, 10)) return false;
  out = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

inline uint64_t encode(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

inline size_t size_of(int64_t v) {
  uint64_t u = encode(v);
  size_t n = 1;
  while (u >= 0x80) {
    u >>= 7;
    ++n;
  }
  return n;
}

// Writes at `p` (which must have size_of(v) bytes) and returns the end.
inline uint8_t* write(uint8_t* p, int64_t v) {
  uint64_t u = encode(v);
  while (u >= 0x80) {
    *p++ = static_cast<uint8_t>(u | 0x80);
    u >>= 7;
  }
  *p++ = static_cast<uint8_t>(u);
  return p;
}

inline void append(std::vector<uint8_t>& out, int64_t v) {
  uint8_t buf[10];
  out.insert(out.end(), buf, write(buf, v));
}

}  // namespace kappa::protocol::zigzag

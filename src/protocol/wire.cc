#include "kappa/protocol/wire.h"

#include <bit>
#include <fmt/format.h>

namespace kappa::protocol {

// ----------------------------------------------------------------- Reader

std::span<const uint8_t> Reader::raw(size_t n) {
  if (n > remaining()) {
    throw DecodeError(fmt::format("truncated: need {} bytes at offset {}, have {}", n, pos_, remaining()));
  }
  auto s = data_.subspan(pos_, n);
  pos_ += n;
  return s;
}

uint8_t Reader::u8() { return raw(1)[0]; }

double Reader::f64() { return std::bit_cast<double>(be<uint64_t>()); }

Uuid Reader::uuid() {
  Uuid u;
  auto s = raw(16);
  std::copy(s.begin(), s.end(), u.bytes.begin());
  return u;
}

uint32_t Reader::uvarint() {
  uint32_t v = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    uint8_t b = u8();
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  throw DecodeError("unsigned varint longer than 5 bytes");
}

uint64_t Reader::uvarlong() {
  uint64_t v = 0;
  for (int shift = 0; shift <= 63; shift += 7) {
    uint8_t b = u8();
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  throw DecodeError("unsigned varlong longer than 10 bytes");
}

int32_t Reader::varint() {
  uint32_t u = uvarint();
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t Reader::varlong() {
  uint64_t u = uvarlong();
  return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

int64_t Reader::length(bool flex, bool wide) {
  if (flex) return static_cast<int64_t>(uvarint()) - 1;
  return wide ? i32() : i16();
}

std::string Reader::string(bool flex) {
  int64_t n = length(flex, false);
  if (n < 0) throw DecodeError("null string in a non-nullable field");
  auto s = raw(static_cast<size_t>(n));
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

std::optional<std::string> Reader::nullable_string(bool flex, bool nullable) {
  int64_t n = length(flex, false);
  if (n < 0) {
    if (!nullable || n < -1) throw DecodeError("invalid string length");
    return std::nullopt;
  }
  auto s = raw(static_cast<size_t>(n));
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

Bytes Reader::bytes(bool flex) {
  int64_t n = length(flex, true);
  if (n < 0) throw DecodeError("null bytes in a non-nullable field");
  auto s = raw(static_cast<size_t>(n));
  return Bytes(s.begin(), s.end());
}

std::optional<Bytes> Reader::nullable_bytes(bool flex, bool nullable) {
  int64_t n = length(flex, true);
  if (n < 0) {
    if (!nullable || n < -1) throw DecodeError("invalid bytes length");
    return std::nullopt;
  }
  auto s = raw(static_cast<size_t>(n));
  return Bytes(s.begin(), s.end());
}

Records Reader::records(bool flex, bool nullable) {
  int64_t n = length(flex, true);
  if (n < 0) {
    if (!nullable || n < -1) throw DecodeError("invalid records length");
    return Records();
  }
  return Records::from_memory(raw(static_cast<size_t>(n)), owner_);
}

int32_t Reader::array_len(bool flex, bool nullable) {
  int64_t n = flex ? static_cast<int64_t>(uvarint()) - 1 : i32();
  if (n < 0) {
    if (!nullable || n < -1) throw DecodeError("invalid array length");
    return -1;
  }
  if (static_cast<uint64_t>(n) > remaining() && n > 0) {
    // Every element occupies at least one byte, except empty non-flexible
    // structs which no schema has; a larger count cannot be honest.
    throw DecodeError(fmt::format("array of {} elements in {} bytes", n, remaining()));
  }
  return static_cast<int32_t>(n);
}

bool Reader::struct_present(bool nullable) {
  int8_t b = i8();
  if (b < 0) {
    if (!nullable) throw DecodeError("null struct in a non-nullable field");
    return false;
  }
  return true;
}

// ----------------------------------------------------------------- Writer

void Writer::f64(double v) { be(std::bit_cast<uint64_t>(v)); }

void Writer::uvarint(uint32_t v) {
  while (v >= 0x80) {
    u8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  u8(static_cast<uint8_t>(v));
}

void Writer::uvarlong(uint64_t v) {
  while (v >= 0x80) {
    u8(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  u8(static_cast<uint8_t>(v));
}

void Writer::varint(int32_t v) {
  uvarint((static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31));
}

void Writer::varlong(int64_t v) {
  uvarlong((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

void Writer::string(std::string_view s, bool flex) {
  if (flex) {
    uvarint(static_cast<uint32_t>(s.size() + 1));
  } else {
    i16(static_cast<int16_t>(s.size()));
  }
  append(s.data(), s.size());
}

void Writer::nullable_string(const std::optional<std::string>& s, bool flex, bool nullable) {
  if (s) return string(*s, flex);
  if (!nullable) return string("", flex);
  if (flex) {
    uvarint(0);
  } else {
    i16(-1);
  }
}

void Writer::bytes(std::span<const uint8_t> b, bool flex) {
  if (flex) {
    uvarint(static_cast<uint32_t>(b.size() + 1));
  } else {
    i32(static_cast<int32_t>(b.size()));
  }
  append(b.data(), b.size());
}

void Writer::nullable_bytes(const std::optional<Bytes>& b, bool flex, bool nullable) {
  if (b) return bytes(*b, flex);
  if (!nullable) return bytes({}, flex);
  if (flex) {
    uvarint(0);
  } else {
    i32(-1);
  }
}

void Writer::records(const Records& r, bool flex, bool nullable) {
  if (r.is_null()) {
    if (!nullable) return bytes({}, flex);
    if (flex) {
      uvarint(0);
    } else {
      i32(-1);
    }
    return;
  }
  const size_t n = r.size();
  if (flex) {
    uvarint(static_cast<uint32_t>(n + 1));
  } else {
    i32(static_cast<int32_t>(n));
  }
  if (r.in_memory() && n <= kInlineRecordsLimit) {
    append(r.bytes().data(), n);
  } else if (n > 0) {
    inserts_.push_back(Insert{buf_.size(), r});
    insert_bytes_ += n;
  }
}

void Writer::array_len(size_t n, bool flex) {
  if (flex) {
    uvarint(static_cast<uint32_t>(n + 1));
  } else {
    i32(static_cast<int32_t>(n));
  }
}

void Writer::null_array(bool flex, bool nullable) {
  if (!nullable) return array_len(0, flex);
  if (flex) {
    uvarint(0);
  } else {
    i32(-1);
  }
}

void Writer::null_struct(bool nullable) { i8(nullable ? -1 : 1); }

void Writer::tagged_value(const Writer& value) {
  auto flat = value.flatten();
  uvarint(static_cast<uint32_t>(flat.size()));
  append(flat.data(), flat.size());
}

void Writer::patch_i32(size_t pos, int32_t v) {
  auto u = static_cast<uint32_t>(v);
  for (int i = 0; i < 4; ++i) buf_[pos + i] = static_cast<uint8_t>(u >> (24 - 8 * i));
}

std::vector<uint8_t> Writer::flatten() const {
  if (inserts_.empty()) return buf_;
  std::vector<uint8_t> out;
  out.reserve(size());
  size_t from = 0;
  for (const auto& ins : inserts_) {
    out.insert(out.end(), buf_.begin() + static_cast<ptrdiff_t>(from), buf_.begin() + static_cast<ptrdiff_t>(ins.at));
    auto bytes = ins.records.to_vector();
    out.insert(out.end(), bytes.begin(), bytes.end());
    from = ins.at;
  }
  out.insert(out.end(), buf_.begin() + static_cast<ptrdiff_t>(from), buf_.end());
  return out;
}

}  // namespace kappa::protocol

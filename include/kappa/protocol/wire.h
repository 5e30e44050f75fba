#pragma once
// Primitive encodings of the Kafka protocol, shared by every generated codec.
//
// Fixed-width integers are big-endian.  Non-flexible versions prefix strings
// with int16 lengths and bytes/arrays with int32 lengths (-1 = null).
// Flexible versions (KIP-482) use unsigned varints holding length+1 (0 = null)
// and end every struct with a tagged-field section.  Zig-zag varints are only
// used inside record batches (see record_batch.h), not here.
//
// Reader throws DecodeError on any malformed or truncated input; it never reads
// past its span and never trusts a wire length for an allocation size.

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/protocol/records.h"
#include "kappa/protocol/uuid.h"

namespace kappa::protocol {

using Bytes = std::vector<uint8_t>;

class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> data, std::shared_ptr<const void> owner = nullptr)
      : data_(data), owner_(std::move(owner)) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  bool boolean() { return u8() != 0; }
  int8_t i8() { return static_cast<int8_t>(u8()); }
  int16_t i16() { return static_cast<int16_t>(be<uint16_t>()); }
  uint16_t u16() { return be<uint16_t>(); }
  int32_t i32() { return static_cast<int32_t>(be<uint32_t>()); }
  uint32_t u32() { return be<uint32_t>(); }
  int64_t i64() { return static_cast<int64_t>(be<uint64_t>()); }
  double f64();
  Uuid uuid();
  uint32_t uvarint();
  uint64_t uvarlong();
  int32_t varint();   // zig-zag
  int64_t varlong();  // zig-zag

  std::string string(bool flex);
  std::optional<std::string> nullable_string(bool flex, bool nullable = true);
  Bytes bytes(bool flex);
  std::optional<Bytes> nullable_bytes(bool flex, bool nullable = true);
  Records records(bool flex, bool nullable = true);
  // Element count of an array, -1 for null (only accepted when nullable).
  int32_t array_len(bool flex, bool nullable = false);
  // Presence byte of a nullable struct.
  bool struct_present(bool nullable);

  std::span<const uint8_t> raw(size_t n);
  void skip(size_t n) { raw(n); }
  Reader sub(size_t n) { return Reader(raw(n), owner_); }
  std::span<const uint8_t> rest() { return raw(remaining()); }

  template <typename V>
  void reserve_for(V& v, int32_t n) {
    // Never trust a wire count for an allocation: each element takes >= 1 byte.
    v.reserve(std::min<size_t>(static_cast<size_t>(n), remaining()));
  }

 private:
  uint8_t u8();
  template <typename T>
  T be() {
    auto s = raw(sizeof(T));
    T v = 0;
    for (uint8_t b : s) v = static_cast<T>((v << 8) | b);
    return v;
  }
  int64_t length(bool flex, bool wide);  // -1 = null

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  std::shared_ptr<const void> owner_;
};

// Writer appends to a growable buffer.  Records above kInlineRecordsLimit are
// not copied: they are remembered as inserts at the current position so the
// network layer can send them from their own memory or file (sendfile).
class Writer {
 public:
  static constexpr size_t kInlineRecordsLimit = 4096;

  struct Insert {
    size_t at;  // position in buffer() before which the records go
    Records records;
  };

  void boolean(bool v) { u8(v ? 1 : 0); }
  void i8(int8_t v) { u8(static_cast<uint8_t>(v)); }
  void i16(int16_t v) { be(static_cast<uint16_t>(v)); }
  void u16(uint16_t v) { be(v); }
  void i32(int32_t v) { be(static_cast<uint32_t>(v)); }
  void u32(uint32_t v) { be(v); }
  void i64(int64_t v) { be(static_cast<uint64_t>(v)); }
  void f64(double v);
  void uuid(const Uuid& v) { append(v.bytes.data(), v.bytes.size()); }
  void uvarint(uint32_t v);
  void uvarlong(uint64_t v);
  void varint(int32_t v);
  void varlong(int64_t v);

  void string(std::string_view s, bool flex);
  void nullable_string(const std::optional<std::string>& s, bool flex, bool nullable = true);
  void bytes(std::span<const uint8_t> b, bool flex);
  void nullable_bytes(const std::optional<Bytes>& b, bool flex, bool nullable = true);
  void records(const Records& r, bool flex, bool nullable = true);
  void array_len(size_t n, bool flex);
  void null_array(bool flex, bool nullable);
  void null_struct(bool nullable);
  // A tagged field's value: its size as an unsigned varint, then its bytes.
  void tagged_value(const Writer& value);

  void append(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
  }
  void u8(uint8_t v) { buf_.push_back(v); }
  // Overwrites 4 bytes at `pos` (used to back-patch frame lengths).
  void patch_i32(size_t pos, int32_t v);

  // Bytes of the whole encoding, inserts included.
  size_t size() const { return buf_.size() + insert_bytes_; }
  const std::vector<uint8_t>& buffer() const { return buf_; }
  std::vector<uint8_t>& buffer() { return buf_; }
  const std::vector<Insert>& inserts() const { return inserts_; }
  // The whole encoding as one contiguous vector (reads file inserts).
  std::vector<uint8_t> flatten() const;

 private:
  template <typename T>
  void be(T v) {
    uint8_t b[sizeof(T)];
    for (size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
    append(b, sizeof(T));
  }

  std::vector<uint8_t> buf_;
  std::vector<Insert> inserts_;
  size_t insert_bytes_ = 0;
};

}  // namespace kappa::protocol

#pragma once
// BytesView: a non-owning view of Kafka's nullable `bytes` as found inside
// records (key, value, header value). Null and empty are different: a null
// value is a tombstone on a compacted topic, an empty one is not.
//
// Converts implicitly from strings, byte spans/vectors and std::nullopt so
// that building records reads naturally:
//   builder.append(ts, "key", std::nullopt, {{"trace", "abc"}});
// The viewed memory must outlive the view.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

namespace kappa::protocol {

namespace detail {
template <typename T>
concept StringLike =
    std::is_convertible_v<const T&, std::string_view> && !std::is_same_v<T, std::string_view>;
template <typename T>
concept ByteContainer =
    std::is_convertible_v<const T&, std::span<const uint8_t>> && !std::is_same_v<T, std::span<const uint8_t>>;
}  // namespace detail

class BytesView {
 public:
  constexpr BytesView() = default;  // null
  constexpr BytesView(std::nullopt_t) {}
  constexpr BytesView(std::span<const uint8_t> b) : data_(b.data()), size_(static_cast<int64_t>(b.size())) {}
  constexpr BytesView(const uint8_t* data, size_t size) : data_(data), size_(static_cast<int64_t>(size)) {}
  BytesView(std::string_view s) : BytesView(reinterpret_cast<const uint8_t*>(s.data()), s.size()) {}
  BytesView(const char* s) : BytesView(std::string_view(s)) {}
  // Strings and byte containers (std::string, std::vector<uint8_t>, ...).
  template <detail::StringLike T>
  BytesView(const T& s) : BytesView(std::string_view(s)) {}
  template <detail::ByteContainer T>
  BytesView(const T& b) : BytesView(std::span<const uint8_t>(b)) {}

  bool is_null() const { return size_ < 0; }
  // 0 for null.
  size_t size() const { return size_ < 0 ? 0 : static_cast<size_t>(size_); }
  // -1 for null: the length as the record format encodes it.
  int64_t wire_length() const { return size_; }
  const uint8_t* data() const { return data_; }
  std::span<const uint8_t> bytes() const { return {data_, size()}; }
  std::string_view str() const { return {reinterpret_cast<const char*>(data_), size()}; }

  // Null equals only null; otherwise byte-wise comparison.
  friend bool operator==(const BytesView& a, const BytesView& b) {
    if (a.is_null() || b.is_null()) return a.is_null() == b.is_null();
    return a.str() == b.str();
  }

 private:
  const uint8_t* data_ = nullptr;
  int64_t size_ = -1;
};

// One record header: the key is a non-null UTF-8 string, the value nullable.
struct RecordHeader {
  std::string_view key;
  BytesView value;

  friend bool operator==(const RecordHeader&, const RecordHeader&) = default;
};

}  // namespace kappa::protocol

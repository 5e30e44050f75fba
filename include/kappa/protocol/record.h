#pragma once
// Record: one decoded record of a v2 batch, as views into the batch (or into
// the reader's decompression buffer). Nothing here owns memory.
//
// Record layout (all integers zig-zag varints, see record_batch.h):
//   length varint (bytes that follow) | attributes i8 (unused) |
//   timestampDelta varlong | offsetDelta varint |
//   keyLength varint (-1 = null) | key | valueLength varint (-1 = null) | value |
//   headersCount varint | headers: keyLength varint (>= 0) | key |
//                                  valueLength varint (-1 = null) | value

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <span>

#include "kappa/protocol/bytes_view.h"

namespace kappa::protocol {

// The headers of one record, decoded lazily while iterating. Only the
// RecordReader creates non-empty ones, after checking their framing.
class RecordHeaders {
 public:
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = RecordHeader;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    const RecordHeader& operator*() const { return current_; }
    const RecordHeader* operator->() const { return &current_; }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.left_ == b.left_; }

   private:
    friend class RecordHeaders;
    Iterator(const uint8_t* p, const uint8_t* end, int32_t count);
    void decode();

    const uint8_t* p_ = nullptr;
    const uint8_t* end_ = nullptr;
    int32_t left_ = 0;  // headers not yet passed, including current_
    RecordHeader current_;
  };

  RecordHeaders() = default;
  // `bytes` must hold exactly `count` well-formed headers.
  RecordHeaders(std::span<const uint8_t> bytes, int32_t count) : bytes_(bytes), count_(count) {}

  Iterator begin() const { return Iterator(bytes_.data(), bytes_.data() + bytes_.size(), count_); }
  Iterator end() const { return Iterator(); }
  size_t size() const { return static_cast<size_t>(count_); }
  bool empty() const { return count_ == 0; }
  // The encoded headers, without their count.
  std::span<const uint8_t> raw() const { return bytes_; }

 private:
  std::span<const uint8_t> bytes_;
  int32_t count_ = 0;
};

struct Record {
  int64_t offset = 0;     // batch base offset + offset delta
  int64_t timestamp = 0;  // base + delta, or the batch maxTimestamp for LogAppendTime
  int32_t offset_delta = 0;
  int8_t attributes = 0;
  BytesView key;
  BytesView value;
  RecordHeaders headers;
};

}  // namespace kappa::protocol

#include "kappa/group/group_partitioner.h"

#include "kappa/common/assert.h"

namespace kappa::group {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

bool not_continuation(uint8_t b) { return (b & 0xC0) != 0x80; }

// Java's UTF-8 decoding (java.lang.String's decoder in JDK 9-21), step by
// step, because its handling of malformed input is not Unicode's
// "maximal subpart" rule in every case (an encoded surrogate becomes one
// U+FFFD, a truncated sequence at the end of the input becomes one U+FFFD).
// Appends the UTF-16 code units of the character at s[i] to `emit` and
// returns the index after it.
template <typename Emit>
size_t decode_one(std::string_view s, size_t i, Emit&& emit) {
  const size_t n = s.size();
  const auto at = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t b1 = at(i++);
  if (b1 < 0x80) {
    emit(b1);
    return i;
  }
  if (b1 >= 0xC2 && b1 <= 0xDF) {  // two bytes
    if (i < n) {
      const uint8_t b2 = at(i);
      if (not_continuation(b2)) {
        emit(kReplacement);
        return i;
      }
      emit(((b1 & 0x1Fu) << 6) | (b2 & 0x3Fu));
      return i + 1;
    }
    emit(kReplacement);
    return n;
  }
  if (b1 >= 0xE0 && b1 <= 0xEF) {  // three bytes
    const auto malformed_2 = [&](uint8_t b2) {
      return (b1 == 0xE0 && (b2 & 0xE0) == 0x80) || not_continuation(b2);
    };
    if (i + 1 < n) {
      const uint8_t b2 = at(i), b3 = at(i + 1);
      if (malformed_2(b2) || not_continuation(b3)) {
        emit(kReplacement);
        return malformed_2(b2) ? i : i + 1;
      }
      const uint32_t c = ((b1 & 0x0Fu) << 12) | ((b2 & 0x3Fu) << 6) | (b3 & 0x3Fu);
      emit(c >= 0xD800 && c <= 0xDFFF ? kReplacement : c);  // an encoded surrogate: one U+FFFD
      return i + 2;
    }
    emit(kReplacement);
    if (i < n && malformed_2(at(i))) return i;
    return n;  // truncated at the end: one U+FFFD for the rest
  }
  if (b1 >= 0xF0 && b1 <= 0xF7) {  // four bytes
    const auto malformed_2 = [&](uint8_t b2) {
      return b1 > 0xF4 || (b1 == 0xF0 && (b2 < 0x90 || b2 > 0xBF)) || (b1 == 0xF4 && (b2 & 0xF0) != 0x80) ||
             not_continuation(b2);
    };
    if (i + 2 < n) {
      const uint8_t b2 = at(i), b3 = at(i + 1), b4 = at(i + 2);
      const uint32_t cp = ((b1 & 0x07u) << 18) | ((b2 & 0x3Fu) << 12) | ((b3 & 0x3Fu) << 6) | (b4 & 0x3Fu);
      const bool malformed = not_continuation(b2) || not_continuation(b3) || not_continuation(b4) ||
                             cp < 0x10000 || cp > 0x10FFFF;
      if (malformed) {
        emit(kReplacement);
        if (malformed_2(b2)) return i;
        return not_continuation(b3) ? i + 1 : i + 2;
      }
      const uint32_t v = cp - 0x10000;
      emit(0xD800 + (v >> 10));
      emit(0xDC00 + (v & 0x3FF));
      return i + 3;
    }
    if (b1 > 0xF4 || (i < n && malformed_2(at(i)))) {
      emit(kReplacement);
      return i;
    }
    ++i;
    emit(kReplacement);
    if (i < n && not_continuation(at(i))) return i;
    return n;
  }
  emit(kReplacement);  // stray continuation, C0, C1, F8..FF
  return i;
}

}  // namespace

int32_t java_string_hashcode(std::string_view utf8) {
  uint32_t h = 0;  // Java int arithmetic: wraps modulo 2^32
  auto emit = [&h](uint32_t unit) { h = 31 * h + unit; };
  for (size_t i = 0; i < utf8.size();) i = decode_one(utf8, i, emit);
  return static_cast<int32_t>(h);
}

int32_t partition_for_group(std::string_view group_id, int32_t partitions) {
  KAPPA_ASSERT(partitions > 0, "partition count {}", partitions);
  return kafka_abs(java_string_hashcode(group_id)) % partitions;
}

}  // namespace kappa::group

#include "kappa/storage/index_format.h"

namespace kappa::storage {
namespace {

template <typename T>
void store_be(uint8_t* p, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
}

template <typename T>
T load_be(const uint8_t* p) {
  T v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | p[i]);
  return v;
}

}  // namespace

void OffsetIndexEntry::encode(uint8_t* out) const {
  store_be(out, relative_offset);
  store_be(out + 4, position);
}

OffsetIndexEntry OffsetIndexEntry::decode(const uint8_t* in) {
  return {load_be<uint32_t>(in), load_be<uint32_t>(in + 4)};
}

void TimeIndexEntry::encode(uint8_t* out) const {
  store_be(out, static_cast<uint64_t>(timestamp));
  store_be(out + 8, relative_offset);
}

TimeIndexEntry TimeIndexEntry::decode(const uint8_t* in) {
  return {static_cast<int64_t>(load_be<uint64_t>(in)), load_be<uint32_t>(in + 8)};
}

}  // namespace kappa::storage

#include "key_offset_map.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "kappa/common/assert.h"

namespace kappa::storage {

KeyOffsetMap::KeyOffsetMap(size_t keys, double load_factor) {
  KAPPA_ASSERT(load_factor > 0 && load_factor <= 1, "load factor {} out of (0, 1]", load_factor);
  keys = std::max<size_t>(keys, 1);
  const auto wanted = static_cast<size_t>(std::ceil(static_cast<double>(keys) / load_factor));
  slots_.resize(std::bit_ceil(std::max<size_t>(wanted, 2)));
  mask_ = slots_.size() - 1;
  // Never fill the last slot: a probe must always find an empty one.
  capacity_ = std::min(slots_.size() - 1, static_cast<size_t>(static_cast<double>(slots_.size()) * load_factor));
  capacity_ = std::max(capacity_, keys);
}

size_t KeyOffsetMap::keys_for_memory(size_t memory_bytes, double load_factor) {
  const size_t slots = std::bit_floor(std::max<size_t>(memory_bytes / kSlotBytes, 2));
  return std::max<size_t>(1, std::min(slots - 1, static_cast<size_t>(static_cast<double>(slots) * load_factor)));
}

KeyOffsetMap::Hash KeyOffsetMap::hash(protocol::BytesView key) {
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  return {h.low64, h.high64};
}

size_t KeyOffsetMap::find(const Hash& h) const {
  size_t i = h.low & mask_;
  while (slots_[i].offset >= 0 && (slots_[i].low != h.low || slots_[i].high != h.high)) i = (i + 1) & mask_;
  return i;
}

bool KeyOffsetMap::put(protocol::BytesView key, int64_t offset) {
  KAPPA_ASSERT(offset >= 0, "negative offset {}", offset);
  const Hash h = hash(key);
  Slot& slot = slots_[find(h)];
  if (slot.offset < 0) {
    if (size_ >= capacity_) return false;
    ++size_;
    slot.low = h.low;
    slot.high = h.high;
  }
  slot.offset = offset;
  return true;
}

int64_t KeyOffsetMap::get(protocol::BytesView key) const { return slots_[find(hash(key))].offset; }

}  // namespace kappa::storage

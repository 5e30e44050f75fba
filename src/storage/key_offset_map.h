#pragma once
// KeyOffsetMap: the log cleaner's map from a record key to the offset of its
// latest record in the dirty part of a log (Kafka's "offset map").
//
// Keys are not stored, only a 128-bit XXH3 hash of them (16 bytes + an 8-byte
// offset per slot), so the map's memory does not depend on key sizes.  Two
// keys with the same hash would make the cleaner treat one as superseding
// the other; at 128 bits an accidental collision is negligible (Kafka takes
// the same trade with MD5).  Open addressing with linear probing in a
// power-of-two table filled to at most `load_factor`.
//
// Thread-safety: none; used by one cleaning task at a time.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kappa/protocol/bytes_view.h"

namespace kappa::storage {

class KeyOffsetMap {
 public:
  static constexpr size_t kSlotBytes = 24;

  // Room for at least `keys` distinct keys (at least one).
  explicit KeyOffsetMap(size_t keys, double load_factor = 0.9);

  // The most keys a map of `memory_bytes` holds at `load_factor`.
  static size_t keys_for_memory(size_t memory_bytes, double load_factor = 0.9);

  // Records that `key`'s latest record so far is at `offset`.  Returns false
  // (and changes nothing) when the key is new and the map is full.
  bool put(protocol::BytesView key, int64_t offset);
  // The offset last put for `key`, or -1.
  int64_t get(protocol::BytesView key) const;

  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  size_t memory_bytes() const { return slots_.size() * kSlotBytes; }

 private:
  struct Slot {
    uint64_t low = 0;
    uint64_t high = 0;
    int64_t offset = -1;  // -1: empty
  };
  struct Hash {
    uint64_t low, high;
  };
  static Hash hash(protocol::BytesView key);
  // The slot holding `h`, or the empty slot where it would go.
  size_t find(const Hash& h) const;

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace kappa::storage

#pragma once
// Fixed-width big-endian loads and stores on raw memory (the caller has
// checked the bounds).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace kappa::protocol::be {

template <std::integral T>
T load(const uint8_t* p) {
  std::make_unsigned_t<T> v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<std::make_unsigned_t<T>>((v << 8) | p[i]);
  return static_cast<T>(v);
}

template <std::integral T>
void store(uint8_t* p, T value) {
  const auto v = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<uint8_t>(v >> (8 * (sizeof(T) - 1 - i)));
}

}  // namespace kappa::protocol::be

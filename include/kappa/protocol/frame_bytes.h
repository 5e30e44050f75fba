#pragma once
// FrameBytes: the bytes of one received request or response frame.  A
// std::vector<uint8_t> whose resize() leaves new bytes uninitialised: frames
// are read from the socket straight into fresh memory, and zero-filling them
// first would be one more pass over every byte produced or replicated.

#include <cstdint>
#include <memory>
#include <vector>

namespace kappa::protocol {

template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;  // default-initialised: no zeroing
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

using FrameBytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

}  // namespace kappa::protocol

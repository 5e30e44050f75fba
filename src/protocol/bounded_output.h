#pragma once
// BoundedOutput: the growable destination of a decompressor.
//
// It writes into a caller's vector, starts from a size guess and doubles, but
// never holds more than limit + 1 bytes: a codec that fills the last byte has
// proved the output exceeds the limit (no codec needs to look further to tell
// a complete stream from a bomb). Sizes read from compressed input are only
// ever used as a capped guess, never trusted for an allocation.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kappa::protocol {

class BoundedOutput {
 public:
  // A decompressor that expands its input more than this is presumably a
  // bomb; a claimed size above in_size * kTrustedRatio is not pre-allocated.
  static constexpr size_t kTrustedRatio = 64;
  static constexpr size_t kMinChunk = 4096;

  // `out` must outlive this object; its contents are replaced.
  BoundedOutput(std::vector<uint8_t>& out, size_t limit, size_t in_size)
      : out_(out), cap_(limit == SIZE_MAX ? limit : limit + 1), limit_(limit), in_size_(in_size) {
    out_.resize(clamp_guess(in_size * 4));
  }

  // Re-sizes the empty buffer for a stream that declares its decompressed
  // size (lz4/zstd frame headers); the claim is capped, not trusted.
  void expect(size_t claimed) {
    if (used_ == 0 && claimed < SIZE_MAX) out_.resize(clamp_guess(claimed + 1));
  }

  uint8_t* free_begin() { return out_.data() + used_; }
  size_t free_size() const { return out_.size() - used_; }
  void commit(size_t n) { used_ += n; }
  size_t used() const { return used_; }
  bool over_limit() const { return used_ > limit_; }
  size_t limit() const { return limit_; }

  // Makes room for at least `n` more bytes (default: double); false when the
  // buffer already has its maximal size and is still too small.
  bool grow(size_t n = 0) {
    size_t want = std::max(out_.size() * 2, used_ + std::max(n, kMinChunk));
    want = std::min(want, cap_);
    if (want <= out_.size() || want - used_ < n) return false;
    out_.resize(want);
    return true;
  }

  // Shrinks the vector to the bytes produced.
  void finish() { out_.resize(used_); }

 private:
  size_t clamp_guess(size_t guess) const {
    guess = std::min(guess, in_size_ * kTrustedRatio + kMinChunk);
    return std::min(std::max(guess, kMinChunk), cap_);
  }

  std::vector<uint8_t>& out_;
  size_t used_ = 0;
  size_t cap_;
  size_t limit_;
  size_t in_size_;
};

}  // namespace kappa::protocol

#pragma once
// Helpers shared by the protocol tests: hex vectors and seeded randomness.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::protocol::testing {

// "0a 1B..." -> bytes; whitespace is ignored.
inline std::vector<uint8_t> from_hex(std::string_view hex) {
  std::vector<uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    } else {
      continue;
    }
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  EXPECT_EQ(hi, -1) << "odd number of hex digits";
  return out;
}

inline std::string to_hex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 15];
  }
  return s;
}

inline std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

// The seed of a randomized test: $KAPPA_TEST_SEED if set, else a fresh one.
// It is printed and recorded so a failure can be replayed.
inline uint64_t test_seed() {
  uint64_t seed;
  if (const char* env = std::getenv("KAPPA_TEST_SEED")) {
    seed = std::strtoull(env, nullptr, 10);
  } else {
    seed = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
  }
  std::cout << "[   SEED   ] KAPPA_TEST_SEED=" << seed << "\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

inline std::vector<uint8_t> random_bytes(std::mt19937_64& rng, size_t n) {
  std::vector<uint8_t> out(n);
  for (auto& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Text-like bytes that compress about 3-5x: words from a small vocabulary
// with random numbers, like log lines or JSON events.
inline std::vector<uint8_t> compressible_bytes(std::mt19937_64& rng, size_t n) {
  static constexpr std::string_view kWords[] = {"user",  "order", "\"id\":",  "event",
                                                "kappa", "click", "{\"ts\":", "partition",
                                                ", ",    "}\n",   "view",     "topic"};
  std::string s;
  s.reserve(n + 32);
  while (s.size() < n) {
    s += kWords[rng() % std::size(kWords)];
    if (rng() % 3 == 0) s += std::to_string(rng() % 100000);
  }
  s.resize(n);
  return {s.begin(), s.end()};
}

}  // namespace kappa::protocol::testing

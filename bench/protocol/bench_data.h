#pragma once
// Deterministic, text-like payloads for the protocol benchmarks: JSON-ish
// events that compress about 3-5x, like typical application records.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kappa/protocol/record_batch_builder.h"

namespace kappa::protocol::bench {

inline constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                          Compression::kLz4, Compression::kZstd};

inline std::string event_text(std::mt19937_64& rng, size_t n) {
  static constexpr const char* kWords[] = {
      "\"user\":", "\"order\":", "\"id\":", "\"event\":\"click\"", "\"page\":\"/cart\"",
      "{\"ts\":",  ", ",         "}\n",     "\"price\":"};
  std::string s;
  s.reserve(n + 32);
  while (s.size() < n) {
    s += kWords[rng() % std::size(kWords)];
    s += std::to_string(rng() % 1000000);
  }
  s.resize(n);
  return s;
}

inline std::vector<uint8_t> event_bytes(size_t n, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  auto s = event_text(rng, n);
  return {s.begin(), s.end()};
}

// `count` records with 16-byte keys and `value_size`-byte values.
inline std::vector<std::pair<std::string, std::string>> event_records(size_t count, size_t value_size) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<std::string, std::string>> out;
  for (size_t i = 0; i < count; ++i) out.emplace_back(event_text(rng, 16), event_text(rng, value_size));
  return out;
}

inline std::vector<uint8_t> event_batch(Compression codec, size_t count, size_t value_size) {
  RecordBatchBuilder b({.compression = codec});
  for (const auto& [k, v] : event_records(count, value_size)) b.append(1700000000000, k, v);
  return b.finish();
}

}  // namespace kappa::protocol::bench

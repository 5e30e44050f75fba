// Compression and decompression throughput per codec on 1 MiB of
// record-like text (bytes/s counts uncompressed bytes).

#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "kappa/protocol/compression.h"

namespace kappa::protocol::bench {
namespace {

constexpr size_t kInput = 1 << 20;

void BM_Compress(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  const auto data = event_bytes(kInput);
  std::vector<uint8_t> out;
  for (auto _ : state) {
    out.clear();
    append_compressed(codec, data, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kInput));
  state.counters["ratio"] = static_cast<double>(kInput) / static_cast<double>(out.size());
  state.SetLabel(std::string(compression_name(codec)));
}
BENCHMARK(BM_Compress)->DenseRange(1, 4);

void BM_Decompress(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  const auto packed = compress(codec, event_bytes(kInput));
  std::vector<uint8_t> out;
  for (auto _ : state) {
    if (auto ec = decompress(codec, packed, out)) state.SkipWithError(ec.message().c_str());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kInput));
  state.SetLabel(std::string(compression_name(codec)));
}
BENCHMARK(BM_Decompress)->DenseRange(1, 4);

}  // namespace
}  // namespace kappa::protocol::bench

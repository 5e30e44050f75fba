// CRC-32C and validate_batch throughput.

#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "kappa/protocol/compression.h"
#include "kappa/protocol/record_batch.h"

namespace kappa::protocol::bench {
namespace {

void BM_Crc32c(benchmark::State& state) {
  const auto data = event_bytes(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(crc32c(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Crc32c)->Arg(1 << 20)->Arg(16 << 10);

// 16 records of 1 KiB: a typical 16 KiB producer batch.
void BM_ValidateBatch(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  const auto batch = event_batch(codec, 16, 1024);
  for (auto _ : state) {
    auto v = validate_batch(batch);
    if (v.error != ErrorCode::kNone) state.SkipWithError(v.message.c_str());
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
  state.SetLabel(std::string(compression_name(codec)) + " " + std::to_string(batch.size()) + " B");
}
BENCHMARK(BM_ValidateBatch)->DenseRange(0, 4);

}  // namespace
}  // namespace kappa::protocol::bench

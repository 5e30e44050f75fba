// Building 16 KiB batches (16 records of 1 KiB) per codec; bytes/s counts
// the uncompressed batch.

#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "kappa/protocol/compression.h"
#include "kappa/protocol/record_batch_builder.h"

namespace kappa::protocol::bench {
namespace {

void BM_BuildBatch(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  const auto records = event_records(16, 1024);
  RecordBatchBuilder b({.compression = codec});
  std::vector<uint8_t> out;
  size_t uncompressed = 0;
  for (auto _ : state) {
    for (const auto& [k, v] : records) b.append(1700000000000, k, v);
    uncompressed = b.uncompressed_size();
    out.clear();
    b.finish_into(out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * uncompressed));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records.size()));
  state.SetLabel(std::string(compression_name(codec)));
}
BENCHMARK(BM_BuildBatch)->DenseRange(0, 4);

}  // namespace
}  // namespace kappa::protocol::bench

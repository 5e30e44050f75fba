// Reading every record of a 16 KiB batch (16 x 1 KiB) after validate_batch,
// as a broker does on produce; bytes/s counts the uncompressed records.

#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "kappa/protocol/record_reader.h"

namespace kappa::protocol::bench {
namespace {

void BM_ValidateAndReadBatch(benchmark::State& state) {
  const auto codec = static_cast<Compression>(state.range(0));
  const auto batch = event_batch(codec, 16, 1024);
  RecordReader reader;
  size_t record_bytes = 0;
  for (auto _ : state) {
    if (validate_batch(batch).error != ErrorCode::kNone || reader.open(batch))
      state.SkipWithError("bad batch");
    record_bytes = reader.records_bytes().size();
    Record r;
    while (reader.next(r)) benchmark::DoNotOptimize(r.value.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * record_bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 16));
  state.SetLabel(std::string(compression_name(codec)));
}
BENCHMARK(BM_ValidateAndReadBatch)->DenseRange(0, 4);

// Small records: the per-record cost of the reader.
void BM_ReadSmallRecords(benchmark::State& state) {
  const auto batch = event_batch(Compression::kNone, 1000, 50);
  RecordReader reader;
  for (auto _ : state) {
    (void)reader.open(batch);
    Record r;
    while (reader.next(r)) benchmark::DoNotOptimize(r.value.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 1000));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch.size()));
}
BENCHMARK(BM_ReadSmallRecords);

}  // namespace
}  // namespace kappa::protocol::bench

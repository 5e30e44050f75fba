// Offset and time index lookups (in memory, binary search).

#include <stdlib.h>

#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>

#include "kappa/storage/file_system.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace kappa::storage {
namespace {

std::shared_ptr<File> scratch_file(std::string_view name) {
  auto path = std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  auto file = FileSystem::posix().open(path, OpenMode::kCreateOrOpen);
  (void)FileSystem::posix().remove(path);  // the descriptor keeps it alive
  return *file;
}

void BM_OffsetIndexLookup(benchmark::State& state) {
  const int64_t entries = state.range(0);
  OffsetIndex index(scratch_file("kappa-bench-index"), 0, static_cast<size_t>(entries));
  for (int64_t i = 0; i < entries; ++i) index.append(i * 16, static_cast<uint32_t>(i * 1024));
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> offsets(0, entries * 16);
  for (auto _ : state) benchmark::DoNotOptimize(index.lookup(offsets(rng)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OffsetIndexLookup)->Arg(1 << 10)->Arg(1 << 16)->Arg(10 << 20 >> 3);

void BM_TimeIndexLookup(benchmark::State& state) {
  const int64_t entries = state.range(0);
  TimeIndex index(scratch_file("kappa-bench-timeindex"), 0, static_cast<size_t>(entries) + 1);
  for (int64_t i = 0; i < entries; ++i) index.maybe_append(1'700'000'000'000 + i * 10, i * 16);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int64_t> timestamps(1'700'000'000'000, 1'700'000'000'000 + entries * 10);
  for (auto _ : state) benchmark::DoNotOptimize(index.lookup(timestamps(rng)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TimeIndexLookup)->Arg(1 << 10)->Arg(1 << 16);

}  // namespace
}  // namespace kappa::storage

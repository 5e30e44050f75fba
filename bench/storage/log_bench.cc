// Log append throughput and read (lookup to file slice) cost.
//
// The append benchmark writes 16 KiB batches of 16 records of 1 KiB through
// the leader path (offset and epoch patching included) into the page cache;
// nothing is fsynced, as in Kafka's default configuration.  The read
// benchmarks time Log::read() up to the file slice handed to sendfile; the
// bytes are not copied.

#include <stdlib.h>

#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>

#include "../../tests/storage/batch_builder.h"  // the storage tests' batch helper
#include "kappa/common/clock.h"
#include "kappa/storage/log.h"

namespace kappa::storage {
namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kappa-bench-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<Log> open_log(const std::filesystem::path& dir, const Clock& clock, LogConfig config) {
  LogParams params;
  params.dir = dir / "bench-0";
  params.topic_partition = {"bench", PartitionId(0)};
  params.config = config;
  params.clock = &clock;
  return std::move(*Log::open(params));
}

std::vector<uint8_t> batch_of(int records, size_t record_bytes) {
  return test::make_batch({.records = records, .value_size = record_bytes});
}

void BM_LogAppend(benchmark::State& state) {
  TempDir dir;
  ManualClock clock;
  LogConfig config;
  config.segment_bytes = 64 << 20;
  auto log = open_log(dir.path(), clock, config);
  auto batch = batch_of(static_cast<int>(state.range(0)), 1000);
  int64_t appended = 0;
  for (auto _ : state) {
    auto result = log->append(batch, LeaderEpoch(1));
    if (!result) state.SkipWithError(result.error().message().c_str());
    if (++appended % 8192 == 0) {  // keep the disk footprint bounded
      state.PauseTiming();
      log->update_high_watermark(log->log_end_offset());
      (void)log->delete_records_before(log->log_end_offset());
      state.ResumeTiming();
    }
  }
  state.SetBytesProcessed(appended * static_cast<int64_t>(batch.size()));
  state.counters["batch_bytes"] = static_cast<double>(batch.size());
}
BENCHMARK(BM_LogAppend)->Arg(1)->Arg(16)->Arg(64);

// 16 KiB batches with a flush (prepare, fsync, complete) every `range(0)`
// batches, as with flush.messages: what durability on every write costs.
void BM_LogAppendAndFlush(benchmark::State& state) {
  TempDir dir;
  ManualClock clock;
  LogConfig config;
  config.segment_bytes = 64 << 20;
  auto log = open_log(dir.path(), clock, config);
  auto batch = batch_of(16, 1000);
  int64_t appended = 0;
  for (auto _ : state) {
    (void)log->append(batch, LeaderEpoch(1));
    if (++appended % state.range(0) == 0) {
      if (auto ec = log->flush()) state.SkipWithError(ec.message().c_str());
    }
    if (appended % 4096 == 0) {
      state.PauseTiming();
      log->update_high_watermark(log->log_end_offset());
      (void)log->delete_records_before(log->log_end_offset());
      state.ResumeTiming();
    }
  }
  state.SetBytesProcessed(appended * static_cast<int64_t>(batch.size()));
}
BENCHMARK(BM_LogAppendAndFlush)->Arg(1)->Arg(64)->UseRealTime();

// Reads of up to max_bytes at random offsets of a 256 MiB log: index
// lookup, a scan of a few batch headers, and the max_bytes boundary.
void BM_LogRead(benchmark::State& state) {
  TempDir dir;
  ManualClock clock;
  LogConfig config;
  config.segment_bytes = 64 << 20;
  auto log = open_log(dir.path(), clock, config);
  auto batch = batch_of(static_cast<int>(state.range(0)), 1000);
  while (log->size_bytes() < (256u << 20)) (void)log->append(batch, LeaderEpoch(1));
  const size_t max_bytes = static_cast<size_t>(state.range(1));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> offsets(0, log->log_end_offset() - 1);
  int64_t bytes = 0;
  for (auto _ : state) {
    auto records = log->read(offsets(rng), max_bytes, INT64_MAX);
    if (!records) state.SkipWithError(records.error().message().c_str());
    bytes += static_cast<int64_t>(records->size());
    benchmark::DoNotOptimize(records);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_LogRead)->Args({16, 1 << 20})->Args({16, 64 << 10})->Args({1, 1 << 20})->Args({1, 64 << 10});

}  // namespace
}  // namespace kappa::storage

// Log compaction throughput: one cleaning round (prepare, run, complete:
// scan, offset map, rewrite, fsync, swap) over a freshly written log whose
// keys are 10% unique (each key written about ten times), reported as MB/s
// of log read.  The log is ~40 MB of 32-record batches with 16-byte keys and
// 100-byte values, in 8 MiB segments; range(0) is the codec (0 none, 3 lz4,
// 4 zstd), so re-compression is included.  Writing the log is not timed.

#include <stdlib.h>

#include <filesystem>
#include <optional>
#include <random>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "kappa/common/clock.h"
#include "kappa/protocol/record_batch_builder.h"
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

constexpr int64_t kRecords = 320'000;
constexpr int64_t kKeys = kRecords / 10;
constexpr int kBatchRecords = 32;

std::unique_ptr<Log> write_log(const std::filesystem::path& dir, ManualClock& clock, protocol::Compression codec) {
  LogParams params;
  params.dir = dir / "compacted-0";
  params.topic_partition = {"compacted", PartitionId(0)};
  params.config.cleanup_policy = CleanupPolicy::kCompact;
  params.config.segment_bytes = 8 << 20;
  params.config.min_cleanable_dirty_ratio = 0;
  params.clock = &clock;
  auto log = std::move(*Log::open(params));
  std::mt19937_64 rng(42);
  std::string value(100, 'v');
  for (int64_t i = 0; i < kRecords; i += kBatchRecords) {
    protocol::RecordBatchBuilder builder({.compression = codec});
    for (int r = 0; r < kBatchRecords; ++r) {
      auto key = fmt::format("key-{:012d}", rng() % kKeys);
      for (size_t c = 0; c < value.size(); c += 8) value[c] = static_cast<char>('a' + rng() % 26);
      builder.append(clock.wall_ms(), key, value);
    }
    auto batch = builder.finish();
    (void)log->append(batch, LeaderEpoch(1));
  }
  clock.advance(params.config.segment_ms + 1);  // roll: everything written becomes cleanable
  protocol::RecordBatchBuilder tail;
  tail.append(clock.wall_ms(), "tail", "t");
  auto batch = tail.finish();
  (void)log->append(batch, LeaderEpoch(1));
  log->update_high_watermark(log->log_end_offset());
  return log;
}

void BM_CleanRound(benchmark::State& state) {
  const auto codec = static_cast<protocol::Compression>(state.range(0));
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::optional<TempDir> dir(std::in_place);
    ManualClock clock;
    auto log = write_log(dir->path(), clock, codec);
    state.ResumeTiming();

    auto task = log->prepare_cleaning(clock.wall_ms(), {});
    if (!task || !*task) {
      state.SkipWithError("no cleaning round was due");
      break;
    }
    auto done = log->complete_cleaning(**task, (*task)->run());
    if (!done) {
      state.SkipWithError(done.error().message().c_str());
      break;
    }

    state.PauseTiming();
    bytes_read += static_cast<int64_t>(done->bytes_read);
    bytes_written += static_cast<int64_t>(done->bytes_written);
    log.reset();
    dir.reset();
    state.ResumeTiming();
  }
  state.SetBytesProcessed(bytes_read);
  state.counters["out/in"] = bytes_read ? static_cast<double>(bytes_written) / static_cast<double>(bytes_read) : 0;
}
BENCHMARK(BM_CleanRound)->Arg(0)->Arg(3)->Arg(4)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace
}  // namespace kappa::storage

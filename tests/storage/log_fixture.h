#pragma once
// A Log in a temporary directory with a manual clock, for the Log tests.

#include <memory>

#include <gtest/gtest.h>

#include "batch_builder.h"
#include "kappa/common/clock.h"
#include "kappa/storage/log.h"
#include "test_dir.h"

namespace kappa::storage::test {

class LogTest : public ::testing::Test {
 protected:
  LogTest() { config.segment_bytes = 64 * 1024; }

  LogParams params(bool clean_shutdown = false) {
    LogParams p;
    p.dir = dir / "topic-0";
    p.topic_partition = TopicPartition{"topic", PartitionId(0)};
    p.config = config;
    p.fs = fs;
    p.clock = &clock;
    p.clean_shutdown = clean_shutdown;
    return p;
  }

  void open(bool clean_shutdown = false) { open_with(params(clean_shutdown)); }
  void open_with(LogParams p) {
    log.reset();
    auto opened = Log::open(std::move(p));
    ASSERT_TRUE(opened) << opened.error().message();
    log = std::move(*opened);
  }
  // Closes cleanly and reopens as after a clean shutdown.
  void reopen_clean() {
    ASSERT_FALSE(log->close());
    open(true);
  }

  // Appends a batch of `records` records as leader; returns its result.
  AppendResult append(int records = 1, size_t value_size = 16, int64_t timestamp = -1, int32_t epoch = 0) {
    auto batch = make_batch({.records = records,
                             .value_size = value_size,
                             .timestamp = timestamp >= 0 ? timestamp : clock.wall_ms()});
    auto result = log->append(batch, LeaderEpoch(epoch));
    EXPECT_TRUE(result) << result.error().message();
    return result ? *result : AppendResult{};
  }

  std::vector<protocol::BatchHeader> read_headers(int64_t offset, size_t max_bytes = 1 << 30,
                                                  int64_t max_offset = INT64_MAX) {
    auto records = log->read(offset, max_bytes, max_offset);
    EXPECT_TRUE(records) << records.error().message();
    if (!records) return {};
    auto bytes = records->to_vector();
    return headers_of(bytes);
  }

  TestDir dir;
  ManualClock clock;
  LogConfig config;
  FileSystem* fs = &FileSystem::posix();
  std::unique_ptr<Log> log;
};

}  // namespace kappa::storage::test

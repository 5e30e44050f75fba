#pragma once
// A partition replica for the Partition tests: a real storage::Log in a
// temporary directory, a Partition over it and a shared manual clock; plus
// the two halves of one follower fetch, done by hand as the broker's
// replica fetcher and fetch handler do them.

#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "kappa/common/clock.h"
#include "kappa/replication/partition.h"
#include "kappa/storage/log.h"
#include "storage/test_dir.h"

namespace kappa::replication::test {

inline storage::LogConfig small_log_config() {
  storage::LogConfig c;
  c.segment_bytes = 16 * 1024;
  c.segment_index_bytes = 64 * 1024;
  return c;
}

struct TestReplica {
  TestReplica(int32_t id, const storage::test::TestDir& dir, const Clock& clock) : id(id) {
    storage::LogParams p;
    p.dir = dir.path() / ("broker-" + std::to_string(id)) / "topic-0";
    p.topic_partition = storage::TopicPartition{"topic", PartitionId(0)};
    p.config = small_log_config();
    p.clock = &clock;
    auto opened = storage::Log::open(std::move(p));
    if (!opened) throw std::runtime_error(opened.error().message());
    log = std::shared_ptr<storage::Log>(std::move(*opened));
    partition = std::make_unique<Partition>(storage::TopicPartition{"topic", PartitionId(0)}, protocol::Uuid{}, log,
                                            id, clock);
    EXPECT_FALSE(partition->load());
  }

  int32_t id;
  std::shared_ptr<storage::Log> log;
  std::unique_ptr<Partition> partition;
};

inline metadata::PartitionState partition_state(std::vector<int32_t> replicas, std::vector<int32_t> isr,
                                                int32_t leader, int32_t leader_epoch, int32_t partition_epoch) {
  metadata::PartitionState s;
  s.id = 0;
  s.replicas = std::move(replicas);
  s.isr = std::move(isr);
  s.leader = leader;
  s.leader_epoch = leader_epoch;
  s.partition_epoch = partition_epoch;
  return s;
}

// The follower's side of settling a new leader: OffsetsForLeaderEpoch and truncation.
inline void settle_divergence(Partition& follower, const Partition& leader) {
  const int32_t local = follower.latest_local_epoch();
  if (local < 0) {
    ASSERT_FALSE(follower.truncate_after_divergence(-1, {-1, -1}));
    return;
  }
  ASSERT_FALSE(follower.truncate_after_divergence(local, leader.end_offset_for_epoch(local)));
}

// One follower fetch: the leader records the follower's position, then the
// follower appends what the leader returned and follows its high watermark.
inline void fetch_once(Partition& follower, Partition& leader) {
  if (follower.follower_phase() == FollowerPhase::kTruncating) settle_divergence(follower, leader);
  const int64_t at = follower.log().log_end_offset();
  ASSERT_TRUE(leader.record_follower_fetch(follower.local_broker(), at));
  auto read = leader.read(at, 1 << 20, /*up_to_log_end=*/true, /*min_one_batch=*/true);
  ASSERT_EQ(read.error, protocol::ErrorCode::kNone);
  auto bytes = read.records.to_vector();
  ASSERT_EQ(follower.append_as_follower(bytes, read.high_watermark), protocol::ErrorCode::kNone);
}

}  // namespace kappa::replication::test

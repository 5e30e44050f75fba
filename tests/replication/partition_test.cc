// Partition: leader and follower roles over real logs — acks=all completion,
// min.insync.replicas, the high watermark, consumer visibility, role changes.
#include "kappa/replication/partition.h"

#include <gtest/gtest.h>

#include "batches.h"
#include "replica_fixture.h"

namespace kappa::replication {
namespace {

using protocol::ErrorCode;
using test::fetch_once;
using test::partition_state;
using test::TestReplica;

constexpr int16_t kAcksAll = -1;

class PartitionTest : public ::testing::Test {
 protected:
  // Broker 1 leads epoch `epoch` with ISR `isr` over replicas 1, 2, 3.
  void lead(std::vector<int32_t> isr, int32_t epoch = 0, int32_t partition_epoch = 0) {
    auto s = partition_state({1, 2, 3}, std::move(isr), 1, epoch, partition_epoch);
    for (auto* r : {&r1, &r2, &r3}) r->partition->update_state(s);
  }
  AppendOutcome produce(int64_t pid, int32_t seq, int16_t acks = kAcksAll, int32_t min_isr = 2, int records = 1) {
    auto batch = test::producer_batch(pid, 0, seq, records);
    return r1.partition->append_as_leader(batch, acks, min_isr);
  }

  storage::test::TestDir dir;
  ManualClock clock;
  TestReplica r1{1, dir, clock}, r2{2, dir, clock}, r3{3, dir, clock};
  Partition& leader = *r1.partition;
};

TEST_F(PartitionTest, acks_all_completes_only_once_every_in_sync_replica_has_the_record) {
  lead({1, 2, 3});
  auto out = produce(7, 0, kAcksAll, 2, 3);
  ASSERT_EQ(out.error, ErrorCode::kNone);
  EXPECT_EQ(out.result.base_offset, 0);
  EXPECT_EQ(out.result.last_offset, 2);
  const int64_t end = out.result.last_offset + 1;
  EXPECT_EQ(leader.acks_all_outcome(end, 2), std::nullopt);
  fetch_once(*r2.partition, leader);
  fetch_once(*r2.partition, leader);  // r2's second fetch shows it has the records
  EXPECT_EQ(leader.acks_all_outcome(end, 2), std::nullopt) << "r3 is in sync and lacks them";
  fetch_once(*r3.partition, leader);
  EXPECT_EQ(leader.acks_all_outcome(end, 2), std::nullopt) << "r3 fetched them but has not confirmed";
  fetch_once(*r3.partition, leader);
  EXPECT_EQ(leader.high_watermark(), end);
  EXPECT_EQ(leader.acks_all_outcome(end, 2), ErrorCode::kNone);
}

TEST_F(PartitionTest, produce_is_refused_when_the_isr_is_smaller_than_min_insync_replicas) {
  lead({1});
  auto out = produce(7, 0, kAcksAll, 2);
  EXPECT_EQ(out.error, ErrorCode::kNotEnoughReplicas);
  EXPECT_EQ(leader.log().log_end_offset(), 0) << "nothing appended";
  EXPECT_EQ(produce(7, 0, 1, 2).error, ErrorCode::kNone) << "acks=1 does not care";
}

// Regression: the ISR shrank to the leader alone after the append; the high
// watermark then jumps to the leader's log end, but acks=all must not report
// success with a single copy when min.insync.replicas is 2.
TEST_F(PartitionTest, acks_all_fails_after_append_when_the_isr_shrank_below_min_insync_replicas) {
  lead({1, 2, 3});
  auto out = produce(7, 0, kAcksAll, 2);
  ASSERT_EQ(out.error, ErrorCode::kNone);
  lead({1}, 0, 1);  // the controller committed a shrink to the leader alone
  EXPECT_EQ(leader.high_watermark(), 1);
  EXPECT_EQ(leader.acks_all_outcome(1, 2), ErrorCode::kNotEnoughReplicasAfterAppend);
  EXPECT_EQ(leader.acks_all_outcome(1, 1), ErrorCode::kNone);
}

TEST_F(PartitionTest, acks_all_waiting_on_a_deposed_leader_fails) {
  lead({1, 2, 3});
  ASSERT_EQ(produce(7, 0).error, ErrorCode::kNone);
  auto s = partition_state({1, 2, 3}, {2, 3}, 2, 1, 1);
  leader.update_state(s);
  EXPECT_EQ(leader.acks_all_outcome(1, 2), ErrorCode::kNotLeaderOrFollower);
  auto batch = test::producer_batch(7, 0, 1);
  EXPECT_EQ(leader.append_as_leader(batch, kAcksAll, 2).error, ErrorCode::kNotLeaderOrFollower);
}

TEST_F(PartitionTest, the_leader_deduplicates_retries_and_refuses_gaps) {
  lead({1});
  auto first = produce(7, 0, 1, 1, 2);
  ASSERT_EQ(first.error, ErrorCode::kNone);
  auto retry = produce(7, 0, 1, 1, 2);
  EXPECT_EQ(retry.error, ErrorCode::kNone);
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.result.base_offset, first.result.base_offset);
  EXPECT_EQ(leader.log().log_end_offset(), 2) << "written once";
  EXPECT_EQ(produce(7, 5, 1, 1).error, ErrorCode::kOutOfOrderSequenceNumber);
  auto bumped = test::producer_batch(7, 1, 0);
  EXPECT_EQ(leader.append_as_leader(bumped, 1, 1).error, ErrorCode::kNone);
  auto fenced = test::producer_batch(7, 0, 2);
  EXPECT_EQ(leader.append_as_leader(fenced, 1, 1).error, ErrorCode::kInvalidProducerEpoch);
}

TEST_F(PartitionTest, a_new_leader_knows_the_producers_from_replication) {
  lead({1, 2, 3});
  ASSERT_EQ(produce(7, 0).error, ErrorCode::kNone);
  fetch_once(*r2.partition, leader);
  // r2 takes over: a retry of the batch is a duplicate there too.
  auto s = partition_state({1, 2, 3}, {2, 3}, 2, 1, 1);
  for (auto* r : {&r1, &r2, &r3}) r->partition->update_state(s);
  ASSERT_TRUE(r2.partition->is_leader());
  auto batch = test::producer_batch(7, 0, 0);
  auto retry = r2.partition->append_as_leader(batch, 1, 1);
  EXPECT_EQ(retry.error, ErrorCode::kNone);
  EXPECT_TRUE(retry.duplicate);
  EXPECT_EQ(retry.result.base_offset, 0);
}

TEST_F(PartitionTest, the_high_watermark_never_moves_backwards_while_leading) {
  lead({1, 2});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(produce(7, i, 1).error, ErrorCode::kNone);
  fetch_once(*r2.partition, leader);
  fetch_once(*r2.partition, leader);
  ASSERT_EQ(leader.high_watermark(), 3);
  // r3 joins the ISR far behind; r2 reports a stale position: the high watermark stays.
  lead({1, 2, 3}, 0, 1);
  EXPECT_EQ(leader.high_watermark(), 3);
  ASSERT_TRUE(leader.record_follower_fetch(3, 0));
  ASSERT_TRUE(leader.record_follower_fetch(2, 1));
  EXPECT_EQ(leader.high_watermark(), 3);
  // An ISR expansion in flight counts for the high watermark.
  ASSERT_EQ(produce(7, 3, 1).error, ErrorCode::kNone);
  leader.isr_change_sent(std::vector<int32_t>{1, 2, 3});
  fetch_once(*r2.partition, leader);
  fetch_once(*r2.partition, leader);
  EXPECT_EQ(leader.high_watermark(), 3) << "r3 (joining) has not fetched offset 3";
}

TEST_F(PartitionTest, consumers_do_not_see_records_above_the_high_watermark) {
  lead({1, 2});
  ASSERT_EQ(produce(7, 0, 1).error, ErrorCode::kNone);
  fetch_once(*r2.partition, leader);
  fetch_once(*r2.partition, leader);
  ASSERT_EQ(produce(7, 1, 1).error, ErrorCode::kNone);
  ASSERT_EQ(leader.high_watermark(), 1);
  auto read = leader.read(0, 1 << 20, /*up_to_log_end=*/false, true);
  ASSERT_EQ(read.error, ErrorCode::kNone);
  auto bytes = read.records.to_vector();
  auto headers = test::headers_in(bytes);
  ASSERT_EQ(headers.size(), 1u);
  EXPECT_EQ(headers[0].base_offset, 0);
  auto above = leader.read(1, 1 << 20, false, true);
  EXPECT_EQ(above.error, ErrorCode::kNone);
  EXPECT_EQ(above.records.size(), 0u);
  EXPECT_EQ(above.high_watermark, 1);
  EXPECT_EQ(above.log_end_offset, 2);
  auto replica = leader.read(1, 1 << 20, /*up_to_log_end=*/true, true);
  EXPECT_GT(replica.records.size(), 0u) << "followers read up to the log end";
  // A follower serves its own high watermark to consumers the same way.
  auto on_follower = r2.partition->read(0, 1 << 20, false, true);
  auto follower_bytes = on_follower.records.to_vector();
  EXPECT_EQ(test::headers_in(follower_bytes).size(), 1u);
}

TEST_F(PartitionTest, leader_epoch_checks) {
  lead({1, 2, 3}, 5);
  EXPECT_EQ(leader.check_leader_epoch(-1), ErrorCode::kNone);
  EXPECT_EQ(leader.check_leader_epoch(5), ErrorCode::kNone);
  EXPECT_EQ(leader.check_leader_epoch(4), ErrorCode::kFencedLeaderEpoch);
  EXPECT_EQ(leader.check_leader_epoch(6), ErrorCode::kUnknownLeaderEpoch);
}

TEST_F(PartitionTest, becoming_leader_starts_the_epoch_at_the_log_end) {
  lead({1, 2, 3});
  ASSERT_EQ(produce(7, 0, 1, 1, 4).error, ErrorCode::kNone);
  fetch_once(*r2.partition, leader);
  auto s = partition_state({1, 2, 3}, {2, 3}, 2, 3, 1);
  for (auto* r : {&r1, &r2, &r3}) r->partition->update_state(s);
  EXPECT_TRUE(r2.partition->is_leader());
  EXPECT_EQ(r2.partition->end_offset_for_epoch(0).end_offset, 4) << "epoch 0 ends where epoch 3 starts";
  EXPECT_EQ(r2.partition->end_offset_for_epoch(3).epoch, 3);
  EXPECT_EQ(r1.partition->follower_phase(), FollowerPhase::kTruncating) << "the old leader settles first";
  EXPECT_TRUE(r1.partition->is_follower());
}

TEST_F(PartitionTest, isr_changes_are_proposed_once_and_cleared_by_committed_metadata) {
  lead({1, 2, 3});
  clock.advance(30'001);
  auto wanted = leader.wanted_isr(30'000);
  ASSERT_TRUE(wanted);
  EXPECT_EQ(*wanted, (std::vector<int32_t>{1}));
  leader.isr_change_sent(*wanted);
  EXPECT_EQ(leader.wanted_isr(30'000), std::nullopt) << "in flight";
  lead({1}, 0, 1);
  EXPECT_FALSE(leader.isr_change_in_flight());
  EXPECT_EQ(leader.wanted_isr(30'000), std::nullopt);
}

// Regression (replication simulation, seed 46): the leader re-added a
// follower that had restarted and lost records, from its old progress.
TEST_F(PartitionTest, a_restarted_follower_rejoins_only_after_fetching_again) {
  leader.update_broker_epochs({{1, 1}, {2, 2}, {3, 3}});
  lead({1, 2, 3});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(produce(7, i, 1).error, ErrorCode::kNone);
  fetch_once(*r2.partition, leader);
  fetch_once(*r3.partition, leader);
  EXPECT_EQ(leader.tracked_broker_epoch(3), 3);
  // 3 leaves the ISR (say it lagged), then restarts and registers again with epoch 7.
  lead({1, 2}, 0, 1);
  leader.update_broker_epochs({{1, 1}, {2, 2}, {3, 7}});
  EXPECT_EQ(leader.wanted_isr(30'000), std::nullopt) << "3's progress is from its previous incarnation";
  ASSERT_TRUE(leader.record_follower_fetch(3, 3));
  EXPECT_EQ(leader.tracked_broker_epoch(3), 7);
  auto wanted = leader.wanted_isr(30'000);
  ASSERT_TRUE(wanted);
  EXPECT_EQ(*wanted, (std::vector<int32_t>{1, 2, 3}));
}

}  // namespace
}  // namespace kappa::replication

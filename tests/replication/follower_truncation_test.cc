// Where a follower truncates after a leader change: the pure rule
// (truncation_offset) and the KIP-101 / KIP-279 scenarios played on real
// logs through Partition.
#include "kappa/replication/follower_truncation.h"

#include <map>

#include <gtest/gtest.h>

#include "batches.h"
#include "replica_fixture.h"

namespace kappa::replication {
namespace {

using test::fetch_once;
using test::partition_state;
using test::TestReplica;

// A follower's epochs as {epoch -> end offset}.
std::function<int64_t(int32_t)> local_epochs(std::map<int32_t, int64_t> ends) {
  return [ends](int32_t e) {
    auto it = ends.find(e);
    return it == ends.end() ? int64_t{-1} : it->second;
  };
}

TEST(TruncationOffset, same_epoch_keeps_what_the_leader_has) {
  EXPECT_EQ(truncation_offset(3, {3, 10}, 14, 8, local_epochs({})), 10) << "our tail beyond the leader's end goes";
  EXPECT_EQ(truncation_offset(3, {3, 20}, 14, 8, local_epochs({})), 14) << "the leader has more: keep everything";
}

TEST(TruncationOffset, an_older_leader_epoch_ends_where_either_side_ended_it) {
  // KIP-279: we wrote epoch 5 the leader never saw; its epoch 4 ends at 12.
  EXPECT_EQ(truncation_offset(5, {4, 12}, 20, 6, local_epochs({{4, 15}})), 12);
  // Our epoch 4 ended before the leader's did.
  EXPECT_EQ(truncation_offset(5, {4, 12}, 20, 6, local_epochs({{4, 9}})), 9);
}

TEST(TruncationOffset, no_answer_falls_back_to_the_high_watermark) {
  EXPECT_EQ(truncation_offset(2, {-1, -1}, 20, 7, local_epochs({})), 7);
  EXPECT_EQ(truncation_offset(2, {-1, -1}, 5, 7, local_epochs({})), 5);
}

class FollowerTruncation : public ::testing::Test {
 protected:
  void append_as(TestReplica& r, int32_t epoch, int n) {
    for (int i = 0; i < n; ++i) {
      auto b = test::plain_batch();
      ASSERT_TRUE(r.log->append(b, LeaderEpoch(epoch)));
    }
  }
  // The record bytes of a log from `offset`, for comparing replicas.
  std::vector<uint8_t> bytes(TestReplica& r, int64_t from = 0) {
    auto read = r.log->read(from, 1 << 20, r.log->log_end_offset());
    EXPECT_TRUE(read);
    return read ? read->to_vector() : std::vector<uint8_t>{};
  }

  storage::test::TestDir dir;
  ManualClock clock;
  TestReplica a{1, dir, clock};
  TestReplica b{2, dir, clock};
};

// KIP-101 scenario 1: a follower whose high watermark lagged must not drop
// records the leader has when leadership moves (truncating to the high
// watermark would lose them).
TEST_F(FollowerTruncation, kip101_a_follower_keeps_records_the_leader_has) {
  a.partition->update_state(partition_state({1, 2}, {1, 2}, 1, 0, 0));
  b.partition->update_state(partition_state({1, 2}, {1, 2}, 1, 0, 0));
  for (int i = 0; i < 2; ++i) {
    auto batch = test::plain_batch();
    ASSERT_EQ(a.partition->append_as_leader(batch, -1, 1).error, protocol::ErrorCode::kNone);
  }
  fetch_once(*b.partition, *a.partition);  // b has both records; its high watermark is still 0
  ASSERT_EQ(b.log->log_end_offset(), 2);
  ASSERT_EQ(b.partition->high_watermark(), 0);
  // New epoch, same leader (b restarted, say): b settles the divergence first.
  a.partition->update_state(partition_state({1, 2}, {1, 2}, 1, 1, 1));
  b.partition->update_state(partition_state({1, 2}, {1, 2}, 1, 1, 1));
  ASSERT_EQ(b.partition->follower_phase(), FollowerPhase::kTruncating);
  test::settle_divergence(*b.partition, *a.partition);
  EXPECT_EQ(b.partition->follower_phase(), FollowerPhase::kFetching);
  EXPECT_EQ(b.log->log_end_offset(), 2);
}

// KIP-101 scenario 2: both replicas restart; the one that missed a record
// leads the next epoch and writes a different one at that offset.  The old
// leader truncates its divergent record instead of keeping it.
TEST_F(FollowerTruncation, kip101_divergent_records_of_an_old_epoch_are_replaced) {
  append_as(a, 0, 2);  // offsets 0, 1 in epoch 0
  append_as(b, 0, 1);  // offset 0 only
  // b leads epoch 1 and appends at offset 1.
  b.partition->update_state(partition_state({1, 2}, {2}, 2, 1, 1));
  auto batch = test::plain_batch();
  ASSERT_EQ(b.partition->append_as_leader(batch, 1, 1).error, protocol::ErrorCode::kNone);
  a.partition->update_state(partition_state({1, 2}, {2}, 2, 1, 1));
  ASSERT_EQ(a.partition->latest_local_epoch(), 0);
  EXPECT_EQ(b.partition->end_offset_for_epoch(0).end_offset, 1);
  fetch_once(*a.partition, *b.partition);
  EXPECT_EQ(a.log->log_end_offset(), 2);
  EXPECT_EQ(bytes(a), bytes(b)) << "a's epoch-0 record at offset 1 was replaced by b's epoch-1 record";
}

// KIP-279: the follower wrote an epoch the new leader never saw; the leader
// answers with its latest older epoch.
TEST_F(FollowerTruncation, kip279_an_epoch_unknown_to_the_leader_is_truncated) {
  append_as(a, 0, 1);
  append_as(b, 0, 1);
  append_as(a, 1, 2);  // a led epoch 1 alone: offsets 1, 2
  // b leads epoch 2 from offset 1 and writes 3 records.
  b.partition->update_state(partition_state({1, 2}, {2}, 2, 2, 2));
  for (int i = 0; i < 3; ++i) {
    auto batch = test::plain_batch();
    ASSERT_EQ(b.partition->append_as_leader(batch, 1, 1).error, protocol::ErrorCode::kNone);
  }
  a.partition->update_state(partition_state({1, 2}, {2}, 2, 2, 2));
  auto answer = b.partition->end_offset_for_epoch(1);
  EXPECT_EQ(answer.epoch, 0);
  EXPECT_EQ(answer.end_offset, 1);
  fetch_once(*a.partition, *b.partition);
  EXPECT_EQ(bytes(a), bytes(b));
  EXPECT_EQ(a.log->log_end_offset(), 4);
}

// KIP-279, several rounds: the leader answers with an epoch the follower
// does not have either.  The follower truncates to the end of its own older
// epoch and asks again, instead of keeping records of that older epoch the
// leader replaced.
TEST_F(FollowerTruncation, kip279_asks_again_when_it_lacks_the_epoch_the_leader_answered) {
  append_as(a, 1, 10);  // follower a: epoch 1 at 0..9, epoch 3 at 10..19
  append_as(a, 3, 10);
  append_as(b, 1, 8);   // leader b: epoch 1 at 0..7, epoch 2 at 8..29, leads epoch 4
  append_as(b, 2, 22);
  b.partition->update_state(partition_state({1, 2}, {2}, 2, 4, 4));
  a.partition->update_state(partition_state({1, 2}, {2}, 2, 4, 4));
  auto answer = b.partition->end_offset_for_epoch(3);
  ASSERT_EQ(answer.epoch, 2);
  ASSERT_EQ(answer.end_offset, 30);
  test::settle_divergence(*a.partition, *b.partition);
  EXPECT_EQ(a.partition->follower_phase(), FollowerPhase::kTruncating) << "it must ask again with epoch 1";
  EXPECT_EQ(a.log->log_end_offset(), 10);
  test::settle_divergence(*a.partition, *b.partition);
  EXPECT_EQ(a.partition->follower_phase(), FollowerPhase::kFetching);
  EXPECT_EQ(a.log->log_end_offset(), 8);
  fetch_once(*a.partition, *b.partition);
  EXPECT_EQ(bytes(a), bytes(b));
}

// Regression: an OffsetsForLeaderEpoch answer from the previous leader,
// arriving after the follower learned of a new one, settled the follower
// without asking the new leader (which may hold different records).
TEST_F(FollowerTruncation, an_answer_asked_before_a_leadership_change_is_ignored) {
  append_as(a, 0, 3);
  append_as(b, 0, 1);
  a.partition->update_state(partition_state({1, 2, 3}, {2, 3}, 2, 1, 1));  // a follows b in epoch 1
  ASSERT_EQ(a.partition->follower_phase(), FollowerPhase::kTruncating);
  const int32_t asked_in = a.partition->leader_epoch();
  // Leadership moves to broker 3 (epoch 2) before b's answer (epoch 0 ends at 3) arrives.
  a.partition->update_state(partition_state({1, 2, 3}, {3}, 3, 2, 2));
  ASSERT_FALSE(a.partition->truncate_after_divergence(0, {0, 3}, asked_in));
  EXPECT_EQ(a.partition->follower_phase(), FollowerPhase::kTruncating) << "it must ask broker 3";
  ASSERT_FALSE(a.partition->truncate_after_divergence(0, {0, 1}, a.partition->leader_epoch()));
  EXPECT_EQ(a.partition->follower_phase(), FollowerPhase::kFetching);
  EXPECT_EQ(a.log->log_end_offset(), 1);
}

// Regression: a follower whose fetch found the leader behind its log end in
// the same epoch meant to settle the divergence again, but re-applying the
// same metadata did not change its phase.
TEST_F(FollowerTruncation, resettling_sends_a_fetching_follower_back_to_truncation) {
  a.partition->update_state(partition_state({1, 2}, {2}, 2, 0, 0));
  ASSERT_FALSE(a.partition->truncate_after_divergence(-1, {-1, -1}));
  ASSERT_EQ(a.partition->follower_phase(), FollowerPhase::kFetching);
  a.partition->update_state(a.partition->state());
  EXPECT_EQ(a.partition->follower_phase(), FollowerPhase::kFetching) << "same metadata: no change";
  a.partition->resettle_divergence();
  EXPECT_EQ(a.partition->follower_phase(), FollowerPhase::kTruncating);
  b.partition->update_state(partition_state({1, 2}, {2}, 2, 0, 0));
  b.partition->resettle_divergence();
  EXPECT_TRUE(b.partition->is_leader()) << "a leader is unaffected";
}

TEST_F(FollowerTruncation, a_follower_without_epochs_keeps_its_log_and_fetches) {
  b.partition->update_state(partition_state({1, 2}, {2}, 2, 0, 0));
  auto batch = test::plain_batch();
  ASSERT_EQ(b.partition->append_as_leader(batch, 1, 1).error, protocol::ErrorCode::kNone);
  a.partition->update_state(partition_state({1, 2}, {2}, 2, 0, 0));
  fetch_once(*a.partition, *b.partition);
  EXPECT_EQ(bytes(a), bytes(b));
}

TEST_F(FollowerTruncation, a_follower_behind_the_leader_log_start_restarts_there) {
  append_as(a, 0, 3);
  ASSERT_FALSE(a.partition->restart_at(50));
  EXPECT_EQ(a.log->log_start_offset(), 50);
  EXPECT_EQ(a.log->log_end_offset(), 50);
  EXPECT_EQ(a.partition->producers().size(), 0u);
}

}  // namespace
}  // namespace kappa::replication

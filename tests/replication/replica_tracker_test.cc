// ReplicaTracker: follower progress, the high watermark as the smallest log
// end of the ISR, and the ISR shrink/expand proposals.
#include "kappa/replication/replica_tracker.h"

#include <gtest/gtest.h>

namespace kappa::replication {
namespace {

constexpr int32_t kLeader = 1;
constexpr int64_t kLagMs = 10'000;

TEST(ReplicaTracker, tracks_follower_log_end_from_fetch_offsets) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  ASSERT_NE(t.progress(2), nullptr);
  EXPECT_EQ(t.progress(2)->log_end_offset, -1);  // not fetched yet
  EXPECT_TRUE(t.on_fetch(2, 5, 10, 100));
  EXPECT_EQ(t.progress(2)->log_end_offset, 5);
  EXPECT_EQ(t.progress(2)->last_fetch_ms, 100);
  EXPECT_EQ(t.progress(2)->leader_end_at_last_fetch, 10);
  EXPECT_FALSE(t.on_fetch(4, 5, 10, 100)) << "not a follower";
  EXPECT_EQ(t.progress(4), nullptr);
}

TEST(ReplicaTracker, high_watermark_is_the_smallest_log_end_of_the_isr) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 7, 10, 1);
  t.on_fetch(3, 4, 10, 1);
  EXPECT_EQ(t.high_watermark({1, 2, 3}, kLeader, 10, 0), 4);
  EXPECT_EQ(t.high_watermark({1, 2}, kLeader, 10, 0), 7) << "3 is not in sync: ignored";
  EXPECT_EQ(t.high_watermark({1}, kLeader, 10, 0), 10) << "a lone leader commits its log end";
  EXPECT_EQ(t.high_watermark({1, 2}, kLeader, 6, 0), 6) << "the leader's own log end counts";
}

TEST(ReplicaTracker, high_watermark_never_moves_backwards) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 3, 10, 1);
  t.on_fetch(3, 3, 10, 1);
  EXPECT_EQ(t.high_watermark({1, 2, 3}, kLeader, 10, 8), 8) << "followers behind the current high watermark";
  EXPECT_EQ(t.high_watermark({1, 2, 3}, kLeader, 2, 8), 8) << "leader log end behind it";
}

TEST(ReplicaTracker, an_in_sync_follower_not_heard_from_holds_the_high_watermark) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 9, 10, 1);
  EXPECT_EQ(t.high_watermark({1, 2, 3}, kLeader, 10, 4), 4);
  EXPECT_EQ(t.high_watermark({1, 2, 3, 7}, kLeader, 10, 4), 4) << "an untracked ISR member holds it too";
}

TEST(ReplicaTracker, reset_keeps_known_progress_and_its_lag_clock) {
  // Restarting the lag clock on every ISR change would make a dead follower
  // look caught up again right after it was removed.
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 6, 10, 50);
  t.reset({2, 3, 4}, 1'000);
  EXPECT_EQ(t.progress(2)->log_end_offset, 6);
  EXPECT_EQ(t.progress(2)->last_caught_up_ms, 0);
  EXPECT_EQ(t.progress(2)->last_fetch_ms, 50);
  EXPECT_EQ(t.progress(3)->log_end_offset, -1);
  EXPECT_EQ(t.progress(4)->last_caught_up_ms, 1'000) << "a new follower gets a full lag period";
  EXPECT_EQ(t.progress(4)->last_fetch_ms, -1) << "never fetched";
  t.reset({3}, 2'000);
  EXPECT_EQ(t.progress(2), nullptr) << "no longer a replica";
}

TEST(ReplicaTracker, caught_up_when_fetching_at_the_leader_log_end) {
  ReplicaTracker t;
  t.reset({2}, 0);
  t.on_fetch(2, 10, 10, 5'000);
  EXPECT_EQ(t.progress(2)->last_caught_up_ms, 5'000);
  t.on_fetch(2, 10, 20, 6'000);  // behind the new end, but had what the leader had at 5'000
  EXPECT_EQ(t.progress(2)->last_caught_up_ms, 5'000);
  t.on_fetch(2, 20, 30, 7'000);  // reached the end as of the previous fetch (6'000)
  EXPECT_EQ(t.progress(2)->last_caught_up_ms, 6'000);
  t.on_fetch(2, 21, 40, 8'000);  // short of the end as of the previous fetch (30): no progress
  EXPECT_EQ(t.progress(2)->last_caught_up_ms, 6'000);
}

TEST(ReplicaTracker, shrinks_the_isr_after_the_lag_time) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 10, 10, 1'000);
  t.on_fetch(3, 10, 10, 1'000);
  EXPECT_EQ(t.propose_isr({1, 2, 3}, {1, 2, 3}, kLeader, 10, 0, 1'000 + kLagMs, kLagMs), std::nullopt)
      << "exactly at the lag limit: still in sync";
  t.on_fetch(2, 15, 15, 2'000);  // 2 caught up at 2'000, then falls behind while fetching
  t.on_fetch(2, 15, 20, 5'000);
  t.on_fetch(2, 16, 25, 9'000);
  EXPECT_EQ(t.progress(2)->last_caught_up_ms, 2'000);
  auto isr = t.propose_isr({1, 2, 3}, {1, 2, 3}, kLeader, 10, 0, 2'000 + kLagMs, kLagMs);
  ASSERT_TRUE(isr);
  EXPECT_EQ(*isr, (std::vector<int32_t>{1, 2}));  // 3 stopped fetching at 1'000: caught up as of 1'000 < limit
  isr = t.propose_isr({1, 2, 3}, {1, 2, 3}, kLeader, 10, 0, 2'001 + kLagMs, kLagMs);
  ASSERT_TRUE(isr);
  EXPECT_EQ(*isr, (std::vector<int32_t>{1})) << "2 fetches but lags: out as well";
}

TEST(ReplicaTracker, the_leader_is_never_removed_and_untracked_members_stay) {
  ReplicaTracker t;
  t.reset({2}, 0);
  auto isr = t.propose_isr({1, 2, 3}, {1, 2, 3}, kLeader, 0, 0, 10 * kLagMs, kLagMs);
  ASSERT_TRUE(isr);
  EXPECT_EQ(*isr, (std::vector<int32_t>{1, 3}));
}

TEST(ReplicaTracker, expands_the_isr_once_a_follower_reached_the_high_watermark_and_epoch_start) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 10, 10, 100);
  t.on_fetch(3, 4, 10, 100);
  // 3 is behind the high watermark (8): not yet.
  auto isr = t.propose_isr({1, 2, 3}, {1, 2}, kLeader, 8, 0, 200, kLagMs);
  EXPECT_EQ(isr, std::nullopt);
  t.on_fetch(3, 8, 10, 300);
  // At the high watermark but before the start of the leader's epoch (9): not yet.
  EXPECT_EQ(t.propose_isr({1, 2, 3}, {1, 2}, kLeader, 8, 9, 300, kLagMs), std::nullopt);
  isr = t.propose_isr({1, 2, 3}, {1, 2}, kLeader, 8, 8, 300, kLagMs);
  ASSERT_TRUE(isr);
  EXPECT_EQ(*isr, (std::vector<int32_t>{1, 2, 3}));
}

TEST(ReplicaTracker, a_follower_that_stopped_fetching_long_ago_does_not_rejoin) {
  ReplicaTracker t;
  t.reset({2}, 0);
  t.on_fetch(2, 10, 10, 100);
  EXPECT_EQ(t.propose_isr({1, 2}, {1}, kLeader, 10, 0, 100 + kLagMs + 1, kLagMs), std::nullopt);
}

TEST(ReplicaTracker, same_isr_in_another_order_is_no_change) {
  ReplicaTracker t;
  t.reset({2, 3}, 0);
  t.on_fetch(2, 10, 10, 100);
  t.on_fetch(3, 10, 10, 100);
  EXPECT_EQ(t.propose_isr({1, 2, 3}, {3, 1, 2}, kLeader, 10, 0, 200, kLagMs), std::nullopt);
}

}  // namespace
}  // namespace kappa::replication

namespace kappa::replication {
namespace {

// Regression (found by the replication simulation, seed 46): a follower
// that lost unflushed records in a restart was put back into the ISR on the
// strength of what its previous incarnation had fetched.
TEST(ReplicaTracker, a_new_broker_epoch_forgets_the_previous_incarnations_progress) {
  ReplicaTracker t;
  t.reset({2}, 0);
  t.on_fetch(2, 10, 10, 100, /*broker_epoch=*/5);
  EXPECT_EQ(t.progress(2)->broker_epoch, 5);
  ASSERT_TRUE(t.propose_isr({1, 2}, {1}, kLeader, 10, 0, 200, kLagMs));
  t.on_broker_epoch(2, 5);
  EXPECT_EQ(t.progress(2)->log_end_offset, 10) << "same incarnation: kept";
  t.on_broker_epoch(2, 9);  // it registered again
  EXPECT_EQ(t.progress(2)->log_end_offset, -1);
  EXPECT_EQ(t.progress(2)->broker_epoch, 9);
  EXPECT_EQ(t.propose_isr({1, 2}, {1}, kLeader, 10, 0, 200, kLagMs), std::nullopt);
  EXPECT_EQ(t.high_watermark({1, 2}, kLeader, 12, 10), 10) << "an in-sync member not heard from holds it";
  t.on_fetch(2, 7, 12, 300, 9);  // the new incarnation reports what it really has
  EXPECT_EQ(t.progress(2)->log_end_offset, 7);
  EXPECT_EQ(t.propose_isr({1, 2}, {1}, kLeader, 10, 0, 300, kLagMs), std::nullopt);
}

TEST(ReplicaTracker, a_fetch_under_a_new_broker_epoch_replaces_the_old_progress) {
  ReplicaTracker t;
  t.reset({2}, 0);
  t.on_fetch(2, 10, 10, 100, 5);
  t.on_fetch(2, 4, 10, 200, 6);
  EXPECT_EQ(t.progress(2)->log_end_offset, 4);
  EXPECT_EQ(t.progress(2)->broker_epoch, 6);
  t.reset({2}, 300);
  EXPECT_EQ(t.progress(2)->broker_epoch, 6) << "reset keeps the incarnation with the progress";
}

}  // namespace
}  // namespace kappa::replication

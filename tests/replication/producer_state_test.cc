// ProducerStateManager: KIP-98 idempotence — duplicates of the last five
// batches, sequence gaps, fenced epochs, and rebuilding from a log.
#include "kappa/replication/producer_state.h"

#include <gtest/gtest.h>

#include "batches.h"
#include "replica_fixture.h"

namespace kappa::replication {
namespace {

using protocol::ErrorCode;
using test::header_at;
using test::producer_batch;

constexpr int64_t kPid = 42;

// Checks a batch and, when accepted and new, records it at `offset`.
SequenceCheck check_and_record(ProducerStateManager& m, std::vector<uint8_t> batch, int64_t offset) {
  auto h = header_at(std::move(batch), offset);
  auto c = m.check(h);
  if (c.error == ErrorCode::kNone && !c.duplicate_of) m.record(h);
  return c;
}

TEST(ProducerState, a_new_producer_starts_at_sequence_zero) {
  ProducerStateManager m;
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 0, 3), 0)).error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(check_and_record(m, producer_batch(kPid, 0, 0, 3), 0).error, ErrorCode::kNone);
  ASSERT_NE(m.find(kPid), nullptr);
  EXPECT_EQ(m.find(kPid)->batches.back().last_sequence, 2);
  EXPECT_EQ(m.find(kPid)->batches.back().last_offset, 2);
}

TEST(ProducerState, the_next_sequence_is_accepted_and_gaps_are_refused) {
  ProducerStateManager m;
  check_and_record(m, producer_batch(kPid, 0, 0, 3), 0);
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 0, 4), 3)).error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 0, 1), 3)).error, ErrorCode::kOutOfOrderSequenceNumber)
      << "overlaps an earlier batch without being a duplicate of it";
  EXPECT_EQ(check_and_record(m, producer_batch(kPid, 0, 3, 2), 3).error, ErrorCode::kNone);
}

TEST(ProducerState, a_retry_of_one_of_the_last_five_batches_is_a_duplicate_with_its_offsets) {
  ProducerStateManager m;
  for (int i = 0; i < 6; ++i) ASSERT_EQ(check_and_record(m, producer_batch(kPid, 0, i * 2, 2), 100 + i * 2).error,
                                        ErrorCode::kNone);
  EXPECT_EQ(m.find(kPid)->batches.size(), ProducerStateManager::kMaxBatches);
  for (int i = 1; i < 6; ++i) {
    auto c = m.check(header_at(producer_batch(kPid, 0, i * 2, 2), 999));
    EXPECT_EQ(c.error, ErrorCode::kNone);
    ASSERT_TRUE(c.duplicate_of) << i;
    EXPECT_EQ(c.duplicate_of->base_offset, 100 + i * 2);
    EXPECT_EQ(c.duplicate_of->last_offset, 101 + i * 2);
  }
  auto oldest = m.check(header_at(producer_batch(kPid, 0, 0, 2), 999));
  EXPECT_FALSE(oldest.duplicate_of) << "the sixth-latest batch is forgotten";
  EXPECT_EQ(oldest.error, ErrorCode::kOutOfOrderSequenceNumber);
}

TEST(ProducerState, an_older_epoch_is_fenced) {
  ProducerStateManager m;
  check_and_record(m, producer_batch(kPid, 3, 0), 0);
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 2, 1), 1)).error, ErrorCode::kInvalidProducerEpoch);
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 2, 0), 1)).error, ErrorCode::kInvalidProducerEpoch);
}

TEST(ProducerState, a_new_epoch_restarts_the_sequence_at_zero) {
  ProducerStateManager m;
  check_and_record(m, producer_batch(kPid, 0, 0, 5), 0);
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 1, 5), 5)).error, ErrorCode::kOutOfOrderSequenceNumber);
  EXPECT_EQ(check_and_record(m, producer_batch(kPid, 1, 0), 5).error, ErrorCode::kNone);
  EXPECT_EQ(m.find(kPid)->epoch, 1);
  EXPECT_EQ(m.find(kPid)->batches.size(), 1u) << "the old epoch's batches are dropped";
  EXPECT_EQ(m.check(header_at(producer_batch(kPid, 0, 5), 6)).error, ErrorCode::kInvalidProducerEpoch);
}

TEST(ProducerState, sequences_wrap_past_int32_max) {
  EXPECT_EQ(next_sequence(INT32_MAX), 0);
  EXPECT_EQ(next_sequence(7), 8);
  ProducerStateManager m;
  protocol::BatchHeader h = header_at(producer_batch(kPid, 0, 0), 0);
  h.base_sequence = INT32_MAX - 1;  // as if the producer had nearly exhausted the range
  m.record(h);
  h.base_sequence = INT32_MAX;
  h.base_offset = 1;
  ASSERT_EQ(m.check(h).error, ErrorCode::kNone);
  m.record(h);
  auto wrapped = m.check(header_at(producer_batch(kPid, 0, 0), 2));
  EXPECT_EQ(wrapped.error, ErrorCode::kNone);
  EXPECT_FALSE(wrapped.duplicate_of);
}

TEST(ProducerState, producers_are_independent_and_plain_batches_are_ignored) {
  ProducerStateManager m;
  check_and_record(m, producer_batch(1, 0, 0), 0);
  EXPECT_EQ(check_and_record(m, producer_batch(2, 0, 0), 1).error, ErrorCode::kNone);
  EXPECT_EQ(check_and_record(m, test::plain_batch(), 2).error, ErrorCode::kNone);
  EXPECT_EQ(m.size(), 2u);
}

TEST(ProducerState, an_idempotent_batch_without_a_sequence_is_invalid) {
  ProducerStateManager m;
  auto h = header_at(producer_batch(kPid, 0, 0), 0);
  h.base_sequence = -1;
  EXPECT_EQ(m.check(h).error, ErrorCode::kInvalidRecord);
}

TEST(ProducerState, rebuilds_from_the_log_and_forgets_truncated_batches) {
  storage::test::TestDir dir;
  ManualClock clock;
  test::TestReplica r(1, dir, clock);
  for (int i = 0; i < 4; ++i) {
    auto b = producer_batch(kPid, 0, i * 2, 2);
    ASSERT_TRUE(r.log->append(b, LeaderEpoch(0)));
  }
  auto p2 = producer_batch(7, 1, 0);
  ASSERT_TRUE(r.log->append(p2, LeaderEpoch(0)));
  ProducerStateManager m;
  ASSERT_FALSE(m.rebuild(*r.log));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.find(kPid)->batches.size(), 4u);
  EXPECT_EQ(m.find(kPid)->batches.back().base_offset, 6);
  auto dup = m.check(header_at(producer_batch(kPid, 0, 6, 2), 99));
  ASSERT_TRUE(dup.duplicate_of);
  EXPECT_EQ(dup.duplicate_of->base_offset, 6);
  EXPECT_EQ(m.find(7)->epoch, 1);

  ASSERT_FALSE(r.log->truncate_to(4));  // drops sequences 4..7 and producer 7
  ASSERT_FALSE(m.rebuild(*r.log));
  EXPECT_EQ(m.find(7), nullptr);
  EXPECT_EQ(m.find(kPid)->batches.back().last_sequence, 3);
  auto retry = m.check(header_at(producer_batch(kPid, 0, 4, 2), 4));
  EXPECT_EQ(retry.error, ErrorCode::kNone);
  EXPECT_FALSE(retry.duplicate_of) << "a truncated batch must be written again, not acknowledged";
}

}  // namespace
}  // namespace kappa::replication

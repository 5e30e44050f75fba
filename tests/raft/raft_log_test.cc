#include "kappa/raft/raft_log.h"

#include <gtest/gtest.h>

namespace kappa::raft {
namespace {

Entry entry(int64_t index, int64_t term, size_t payload_bytes = 0) {
  return Entry{.index = index,
               .term = Term{term},
               .type = EntryType::kData,
               .payload = std::vector<uint8_t>(payload_bytes, 7)};
}

RaftLog log_with_terms(std::initializer_list<int64_t> terms) {
  std::vector<Entry> entries;
  int64_t index = 1;
  for (int64_t t : terms) entries.push_back(entry(index++, t));
  return RaftLog(Snapshot{}, std::move(entries));
}

TEST(RaftLog, empty_log_has_index_zero_term_zero) {
  RaftLog log(Snapshot{}, {});
  EXPECT_EQ(log.last_index(), 0);
  EXPECT_EQ(log.last_term(), Term{0});
  EXPECT_EQ(log.term_at(0), Term{0});
  EXPECT_EQ(log.term_at(1), std::nullopt);
  EXPECT_EQ(log.stable_index(), 0);
}

TEST(RaftLog, up_to_date_compares_last_term_then_length) {
  RaftLog log = log_with_terms({1, 1, 2});
  EXPECT_TRUE(log.is_up_to_date(3, Term{2}));
  EXPECT_TRUE(log.is_up_to_date(1, Term{3}));
  EXPECT_FALSE(log.is_up_to_date(2, Term{2}));
  EXPECT_FALSE(log.is_up_to_date(9, Term{1}));
}

TEST(RaftLog, finds_term_boundaries_for_conflict_hints) {
  RaftLog log = log_with_terms({1, 1, 2, 2, 2, 4});
  EXPECT_EQ(log.first_index_of_term_at(5), 3);
  EXPECT_EQ(log.first_index_of_term_at(2), 1);
  EXPECT_EQ(log.last_index_of_term(Term{2}), 5);
  EXPECT_EQ(log.last_index_of_term(Term{3}), std::nullopt);
  EXPECT_EQ(log.last_index_of_term(Term{4}), 6);
}

TEST(RaftLog, slice_respects_limits_but_sends_at_least_one) {
  std::vector<Entry> entries;
  for (int64_t i = 1; i <= 10; ++i) entries.push_back(entry(i, 1, 100));
  RaftLog log(Snapshot{}, std::move(entries));
  EXPECT_EQ(log.slice(3, 4, 1 << 20).size(), 4u);
  EXPECT_EQ(log.slice(3, 100, 250).size(), 2u);
  EXPECT_EQ(log.slice(3, 100, 10).size(), 1u);
  EXPECT_EQ(log.slice(10, 100, 1 << 20).front().index, 10);
  EXPECT_TRUE(log.slice(11, 100, 1 << 20).empty());
}

TEST(RaftLog, truncation_makes_the_suffix_unstable_again) {
  RaftLog log = log_with_terms({1, 1, 1, 1});
  log.truncate_from(3);
  EXPECT_EQ(log.last_index(), 2);
  EXPECT_EQ(log.stable_index(), 2);
  log.append(entry(3, 2));
  EXPECT_EQ(log.stable_index(), 2);
  ASSERT_EQ(log.unstable_entries().size(), 1u);
  EXPECT_EQ(log.unstable_entries()[0].term, Term{2});
  log.mark_stable();
  EXPECT_EQ(log.stable_index(), 3);
}

TEST(RaftLog, compaction_keeps_the_suffix) {
  RaftLog log = log_with_terms({1, 1, 2, 2, 3});
  log.compact(Snapshot{.last_index = 3, .last_term = Term{2}, .data = {1, 2}});
  EXPECT_EQ(log.first_index(), 4);
  EXPECT_EQ(log.last_index(), 5);
  EXPECT_EQ(log.term_at(3), Term{2});
  EXPECT_EQ(log.term_at(2), std::nullopt);
  EXPECT_EQ(log.at(4).term, Term{2});
  EXPECT_EQ(log.snapshot().data, (std::vector<uint8_t>{1, 2}));
}

TEST(RaftLog, restore_discards_everything) {
  RaftLog log = log_with_terms({1, 1, 2});
  log.restore(Snapshot{.last_index = 10, .last_term = Term{4}, .data = {}});
  EXPECT_EQ(log.last_index(), 10);
  EXPECT_EQ(log.last_term(), Term{4});
  EXPECT_TRUE(log.unstable_entries().empty());
  log.append(entry(11, 4));
  EXPECT_EQ(log.unstable_entries().size(), 1u);
}

}  // namespace
}  // namespace kappa::raft

// Focused tests of log replication: conflicts, commit, snapshots, restarts.
#include <gtest/gtest.h>

#include "raft/test_cluster.h"

namespace kappa::raft {
namespace {

using testing::bytes;
using testing::TestCluster;

std::vector<std::vector<uint8_t>> payloads(std::initializer_list<std::string_view> list) {
  std::vector<std::vector<uint8_t>> out;
  for (auto s : list) out.push_back(bytes(s));
  return out;
}

void expect_same_logs(TestCluster& c) {
  for (int i = 2; i <= c.size(); ++i) {
    ASSERT_EQ(c.node(i).last_log_index(), c.node(1).last_log_index()) << "n" << i;
    for (int64_t idx = std::max(c.node(1).log().first_index(), c.node(i).log().first_index());
         idx <= c.node(1).last_log_index(); ++idx) {
      EXPECT_EQ(c.node(i).log().at(idx), c.node(1).log().at(idx)) << "n" << i << " index " << idx;
    }
  }
}

TEST(Replication, replicates_and_applies_in_order) {
  TestCluster c(3);
  c.elect(2);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(c.node(2).propose(bytes("e" + std::to_string(i))).ok());
  c.settle();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(c.applied(i).size(), 20u);
    EXPECT_EQ(c.applied(i)[7], bytes("e7"));
    EXPECT_EQ(c.node(i).commit_index(), 21);
    EXPECT_EQ(c.node(i).applied_index(), 21);
  }
  EXPECT_EQ(c.node(2).match_index(NodeId{1}), 21);
}

TEST(Replication, follower_rejects_with_a_conflict_hint) {
  TestCluster c(3);
  RaftNode& n = c.node(2);
  auto append = [&](int64_t term, int64_t prev, int64_t prev_term, std::vector<Entry> entries) {
    n.step(Message{.from = NodeId{1},
                   .to = NodeId{2},
                   .term = Term{term},
                   .body = AppendRequest{.prev_log_index = prev,
                                         .prev_log_term = Term{prev_term},
                                         .entries = std::move(entries),
                                         .leader_commit = 0}});
    Ready rd = n.ready();
    persist_ready(c.storage(2), rd);
    n.advance();
    return std::get<AppendResponse>(rd.messages.at(0).body);
  };
  auto e = [](int64_t index, int64_t term) {
    return Entry{.index = index, .term = Term{term}, .type = EntryType::kData, .payload = {}};
  };
  // Log: 1/1 2/1 3/2 4/2 5/2
  EXPECT_TRUE(append(2, 0, 0, {e(1, 1), e(2, 1), e(3, 2), e(4, 2), e(5, 2)}).success);
  // Too far ahead: retry after our last entry.
  AppendResponse r = append(3, 9, 3, {});
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.conflict_index, 6);
  EXPECT_EQ(r.conflict_term, Term{0});
  // Term mismatch at 5: we have term 2 there, starting at index 3.
  r = append(3, 5, 3, {});
  EXPECT_FALSE(r.success);
  EXPECT_EQ(r.conflict_term, Term{2});
  EXPECT_EQ(r.conflict_index, 3);
  // The leader's entries replace ours from index 4 on.
  r = append(3, 3, 2, {e(4, 3), e(5, 3), e(6, 3)});
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.match_index, 6);
  EXPECT_EQ(n.log().at(4).term, Term{3});
  EXPECT_EQ(c.storage(2).durable().entries.size(), 6u);
  EXPECT_EQ(c.storage(2).durable().entries[3].term, Term{3});
  // A reordered old append of the same leader does not truncate anything.
  r = append(3, 3, 2, {e(4, 3)});
  EXPECT_TRUE(r.success);
  EXPECT_EQ(r.match_index, 4);
  EXPECT_EQ(n.last_log_index(), 6);
}

TEST(Replication, new_leader_overwrites_uncommitted_divergent_entries) {
  TestCluster c(3);
  c.elect(1);
  ASSERT_TRUE(c.node(1).propose(bytes("committed")).ok());
  c.settle();
  c.isolate(1);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.node(1).propose(bytes("lost")).ok());
  c.settle();
  c.run_for(100);
  c.drop = [](const Message& m) { return m.from.value() == 1 || m.to.value() == 1; };
  c.elect(2);
  ASSERT_TRUE(c.node(2).propose(bytes("x")).ok());
  ASSERT_TRUE(c.node(2).propose(bytes("y")).ok());
  c.settle();
  EXPECT_EQ(c.node(1).last_log_index(), 7);  // 2 no-ops... plus 5 lost entries
  c.heal();
  c.run_for(2000);
  EXPECT_EQ(c.leader(), 2);
  expect_same_logs(c);
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(c.applied(i), payloads({"committed", "x", "y"})) << "n" << i;
}

TEST(Replication, lagging_follower_gets_the_snapshot) {
  TestCluster c(3);
  c.elect(1);
  c.isolate(3);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(c.node(1).propose(bytes("e" + std::to_string(i))).ok());
  c.settle();
  int64_t applied = c.node(1).applied_index();
  ASSERT_EQ(applied, 31);
  ASSERT_TRUE(c.node(1).compact(applied - 2, bytes("state@29")));
  EXPECT_FALSE(c.node(1).compact(applied - 5, bytes("older")));
  EXPECT_FALSE(c.node(1).compact(applied + 1, bytes("not applied yet")));
  c.settle();
  EXPECT_EQ(c.storage(1).durable().snapshot.last_index, 29);
  EXPECT_EQ(c.storage(1).durable().entries.size(), 2u);
  c.heal();
  c.run_for(500);
  EXPECT_EQ(c.installed_snapshots(3), 1);
  EXPECT_EQ(c.node(3).applied_index(), 31);
  EXPECT_EQ(c.node(3).log().snapshot().data, bytes("state@29"));
  EXPECT_EQ(c.storage(3).durable().snapshot.last_index, 29);
  EXPECT_EQ(c.applied(3), payloads({"e28", "e29"}));  // the rest came inside the snapshot
  ASSERT_TRUE(c.node(1).propose(bytes("after")).ok());
  c.settle();
  EXPECT_EQ(c.applied(3).back(), bytes("after"));
  EXPECT_EQ(c.node(3).last_log_index(), 32);
}

// Regression: a snapshot delayed in the network used to make a follower drop
// entries after it that it had already acknowledged to the same leader.
TEST(Replication, delayed_snapshot_keeps_acknowledged_entries) {
  TestCluster c(3);
  RaftNode& n = c.node(2);
  auto deliver = [&](MessageBody body) {
    n.step(Message{.from = NodeId{1}, .to = NodeId{2}, .term = Term{1}, .body = std::move(body)});
    Ready rd = n.ready();
    persist_ready(c.storage(2), rd);
    n.advance();
    return rd;
  };
  std::vector<Entry> entries;
  for (int64_t i = 1; i <= 5; ++i) {
    entries.push_back(Entry{.index = i, .term = Term{1}, .type = EntryType::kData, .payload = bytes("e")});
  }
  deliver(
      AppendRequest{.prev_log_index = 0, .prev_log_term = Term{0}, .entries = entries, .leader_commit = 2});
  Ready rd =
      deliver(SnapshotRequest{.snapshot = {.last_index = 3, .last_term = Term{1}, .data = bytes("s3")}});
  EXPECT_TRUE(rd.install_snapshot);
  EXPECT_FALSE(rd.snapshot_resets_log);
  EXPECT_EQ(n.last_log_index(), 5);
  EXPECT_EQ(n.commit_index(), 3);
  EXPECT_EQ(c.storage(2).durable().snapshot.last_index, 3);
  EXPECT_EQ(c.storage(2).durable().entries.size(), 2u);

  // A snapshot that does not match our log replaces it entirely.
  rd = deliver(SnapshotRequest{.snapshot = {.last_index = 7, .last_term = Term{1}, .data = bytes("s7")}});
  EXPECT_TRUE(rd.snapshot_resets_log);
  EXPECT_EQ(n.last_log_index(), 7);
  EXPECT_TRUE(c.storage(2).durable().entries.empty());
}

TEST(Replication, restarted_cluster_keeps_committed_entries) {
  TestCluster c(3);
  c.elect(1);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.node(1).propose(bytes("e" + std::to_string(i))).ok());
  c.settle();
  Term term = c.node(1).term();
  for (int i = 1; i <= 3; ++i) c.crash(i);
  for (int i = 1; i <= 3; ++i) c.restart(i);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(c.node(i).term(), term);
    EXPECT_EQ(c.node(i).last_log_index(), 6);
    EXPECT_EQ(c.node(i).commit_index(), 0);  // re-learned from the next leader
  }
  c.run_for(5000);
  int leader = c.leader();
  ASSERT_NE(leader, 0);
  EXPECT_GT(c.node(leader).term(), term);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(c.applied(i), payloads({"e0", "e1", "e2", "e3", "e4"}));
  }
}

TEST(Replication, leader_counts_only_its_durable_entries) {
  TestCluster c(1);
  c.elect(1);
  ProposeResult r = c.node(1).propose(bytes("a"));
  ASSERT_TRUE(r.ok());
  Ready rd = c.node(1).ready();
  EXPECT_EQ(rd.entries.size(), 1u);
  EXPECT_TRUE(rd.committed_entries.empty());  // not durable yet, so not committed
  persist_ready(c.storage(1), rd);
  c.node(1).advance();
  EXPECT_EQ(c.node(1).commit_index(), r.index);
  rd = c.node(1).ready();
  ASSERT_EQ(rd.committed_entries.size(), 1u);
  EXPECT_EQ(rd.committed_entries[0].payload, bytes("a"));
  c.node(1).advance();
}

}  // namespace
}  // namespace kappa::raft

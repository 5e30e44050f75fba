// Focused tests of elections: pre-vote, the leader lease, check-quorum,
// observers, stale terms and leadership transfer.
#include <gtest/gtest.h>

#include "raft/test_cluster.h"

namespace kappa::raft {
namespace {

using testing::bytes;
using testing::TestCluster;

// Messages of type T from `from` delivered after the first `skip` messages.
template <typename T>
int count_sent(const TestCluster& c, int from, auto pred, size_t skip = 0) {
  int n = 0;
  for (size_t i = skip; i < c.delivered.size(); ++i) {
    const Message& m = c.delivered[i];
    if (m.from.value() != from) continue;
    if (auto* body = std::get_if<T>(&m.body); body && pred(*body)) ++n;
  }
  return n;
}

TEST(Election, elects_one_leader_that_commits_a_noop) {
  TestCluster c(3);
  c.run_for(5000);
  int leader = c.leader();
  ASSERT_NE(leader, 0);
  for (int i = 1; i <= 3; ++i) {
    EXPECT_EQ(c.node(i).term(), c.node(leader).term());
    EXPECT_EQ(c.node(i).leader(), NodeId{leader});
    EXPECT_EQ(c.node(i).commit_index(), 1);  // the leader's no-op
    EXPECT_EQ(c.node(i).log().at(1).type, EntryType::kNoop);
    if (i != leader) {
      EXPECT_EQ(c.node(i).role(), Role::kFollower);
    }
  }
}

TEST(Election, single_voter_elects_itself) {
  TestCluster c(1);
  c.run_for(3000);
  EXPECT_EQ(c.node(1).role(), Role::kLeader);
  ASSERT_TRUE(c.node(1).propose(bytes("x")).ok());
  c.settle();
  EXPECT_EQ(c.applied(1).size(), 1u);
}

TEST(Election, vote_is_persisted_in_the_same_ready_as_the_response) {
  TestCluster c(3);
  Message req{.from = NodeId{2},
              .to = NodeId{1},
              .term = Term{1},
              .body = VoteRequest{.pre_vote = false, .last_log_index = 0, .last_log_term = Term{0}}};
  c.node(1).step(req);
  Ready rd = c.node(1).ready();
  ASSERT_TRUE(rd.hard_state);
  EXPECT_EQ(rd.hard_state->term, Term{1});
  EXPECT_EQ(rd.hard_state->voted_for, NodeId{2});
  ASSERT_EQ(rd.messages.size(), 1u);
  EXPECT_TRUE(std::get<VoteResponse>(rd.messages[0].body).granted);
  persist_ready(c.storage(1), rd);
  c.node(1).advance();

  // A second candidate of the same term is refused, also after a restart.
  req.from = NodeId{3};
  c.node(1).step(req);
  rd = c.node(1).ready();
  EXPECT_FALSE(std::get<VoteResponse>(rd.messages.at(0).body).granted);
  persist_ready(c.storage(1), rd);
  c.node(1).advance();
  c.crash(1);
  c.restart(1);
  c.node(1).step(req);
  rd = c.node(1).ready();
  EXPECT_FALSE(std::get<VoteResponse>(rd.messages.at(0).body).granted);
}

TEST(Election, refuses_vote_to_a_candidate_with_a_shorter_log) {
  TestCluster c(3);
  c.elect(1);
  ASSERT_TRUE(c.node(1).propose(bytes("a")).ok());
  c.settle();
  Message req{.from = NodeId{3},
              .to = NodeId{2},
              .term = Term{9},
              .body = VoteRequest{.pre_vote = false,
                                  .leadership_transfer = true,
                                  .last_log_index = 1,
                                  .last_log_term = c.node(2).last_log_term()}};
  c.node(2).step(req);
  Ready rd = c.node(2).ready();
  EXPECT_EQ(c.node(2).term(), Term{9});                                  // the term is adopted...
  EXPECT_FALSE(std::get<VoteResponse>(rd.messages.at(0).body).granted);  // ...the vote is not given
  EXPECT_EQ(c.node(2).voted_for(), std::nullopt);
  c.node(2).advance();
}

TEST(Election, pre_vote_is_refused_while_the_leader_is_alive) {
  TestCluster c(3);
  c.elect(1);
  Term term = c.node(1).term();
  size_t mark = c.delivered.size();
  // n3 stops hearing from n1 but can still reach n2, which hears n1 fine.
  c.drop = [](const Message& m) {
    return (m.from.value() == 1 && m.to.value() == 3) || (m.from.value() == 3 && m.to.value() == 1);
  };
  c.run_for(10000);
  EXPECT_EQ(c.node(1).role(), Role::kLeader);
  EXPECT_EQ(c.node(1).term(), term);
  EXPECT_EQ(c.node(3).term(), term);  // pre-votes never bumped it
  EXPECT_GT(count_sent<VoteRequest>(
                c, 3, [](const VoteRequest& r) { return r.pre_vote; }, mark),
            0);
  EXPECT_EQ(count_sent<VoteResponse>(
                c, 2, [](const VoteResponse& r) { return r.granted; }, mark),
            0);
  c.heal();
  c.run_for(1000);
  EXPECT_EQ(c.node(3).role(), Role::kFollower);
  EXPECT_EQ(c.node(3).leader(), NodeId{1});
}

TEST(Election, isolated_node_does_not_inflate_its_term) {
  TestCluster c(3);
  c.elect(1);
  Term term = c.node(1).term();
  c.isolate(2);
  c.run_for(20000);
  EXPECT_EQ(c.node(2).term(), term);
  EXPECT_EQ(c.node(2).role(), Role::kPreCandidate);
  c.heal();
  c.run_for(1000);
  EXPECT_EQ(c.leader(), 1);
  EXPECT_EQ(c.node(1).term(), term);
}

TEST(Election, leader_cut_off_from_the_quorum_steps_down) {
  RaftConfig config;
  config.election_timeout_ms = 1000;
  TestCluster c(3, 0, config);
  c.elect(1);
  c.isolate(1);
  c.run_for(1200);  // a little more than one election timeout
  EXPECT_NE(c.node(1).role(), Role::kLeader);
  ProposeResult r = c.node(1).propose(bytes("late"));
  EXPECT_EQ(r.error, ProposeError::kNotLeader);
  c.run_for(5000);
  int leader = c.leader();
  ASSERT_TRUE(leader == 2 || leader == 3);
  c.heal();
  c.run_for(1000);
  EXPECT_EQ(c.node(1).leader(), NodeId{leader});
}

TEST(Election, observer_never_votes_or_campaigns_but_applies) {
  TestCluster c(3, 1);
  c.run_for(3000);
  int leader = c.leader();
  ASSERT_NE(leader, 0);
  EXPECT_EQ(c.node(4).role(), Role::kObserver);
  ASSERT_TRUE(c.node(leader).propose(bytes("m1")).ok());
  c.settle();
  EXPECT_EQ(c.applied(4), std::vector<std::vector<uint8_t>>{bytes("m1")});
  EXPECT_EQ(c.node(leader).match_index(NodeId{4}), c.node(leader).last_log_index());

  // A vote request straight to the observer gets no answer.
  size_t before = c.delivered.size();
  c.node(4).step(Message{.from = NodeId{1},
                         .to = NodeId{4},
                         .term = Term{50},
                         .body = VoteRequest{.last_log_index = 99, .last_log_term = Term{49}}});
  c.settle();
  EXPECT_EQ(c.node(4).term(), c.node(leader).term());
  for (size_t i = before; i < c.delivered.size(); ++i) EXPECT_NE(c.delivered[i].from, NodeId{4});

  // Cut off for a long time, it waits instead of campaigning.
  c.isolate(4);
  c.run_for(10000);
  EXPECT_EQ(c.node(4).role(), Role::kObserver);
  EXPECT_EQ(c.node(4).term(), c.node(leader).term());
  EXPECT_EQ(count_sent<VoteRequest>(c, 4, [](const VoteRequest&) { return true; }), 0);
}

TEST(Election, observer_does_not_count_toward_commit) {
  TestCluster c(3, 1);
  c.elect(1);
  int64_t commit = c.node(1).commit_index();
  c.drop = [](const Message& m) { return m.to.value() == 2 || m.to.value() == 3; };
  ASSERT_TRUE(c.node(1).propose(bytes("x")).ok());
  c.run_for(300);
  EXPECT_EQ(c.node(1).commit_index(), commit);
  EXPECT_EQ(c.node(1).match_index(NodeId{4}), commit + 1);
}

TEST(Election, stale_and_foreign_messages_change_nothing) {
  TestCluster c(3);
  c.elect(1);
  c.run_for(200);
  RaftNode& n2 = c.node(2);
  Term term = n2.term();
  auto vote = n2.voted_for();
  int64_t last = n2.last_log_index();
  auto stale = [&](MessageBody body, int from = 3, int to = 2) {
    return Message{
        .from = NodeId{from}, .to = NodeId{to}, .term = Term{term.value() - 1}, .body = std::move(body)};
  };
  // A stale leader's append is refused with our term.
  n2.step(stale(
      AppendRequest{.prev_log_index = last,
                    .prev_log_term = n2.last_log_term(),
                    .entries = {Entry{.index = last + 1, .term = Term{term.value() - 1}, .payload = {}}},
                    .leader_commit = last + 1}));
  Ready rd = n2.ready();
  ASSERT_EQ(rd.messages.size(), 1u);
  EXPECT_EQ(rd.messages[0].term, term);
  EXPECT_FALSE(std::get<AppendResponse>(rd.messages[0].body).success);
  EXPECT_FALSE(rd.hard_state);
  EXPECT_TRUE(rd.entries.empty());
  n2.advance();
  // A stale vote request is refused; unknown senders and misaddressed
  // messages are dropped without an answer.
  n2.step(stale(VoteRequest{.last_log_index = 100, .last_log_term = Term{100}}));
  n2.step(Message{.from = NodeId{99},
                  .to = NodeId{2},
                  .term = Term{term.value() + 5},
                  .body = AppendRequest{
                      .prev_log_index = 0, .prev_log_term = Term{0}, .entries = {}, .leader_commit = 0}});
  n2.step(Message{.from = NodeId{3}, .to = NodeId{1}, .term = Term{term.value() + 5}, .body = TimeoutNow{}});
  rd = n2.ready();
  ASSERT_EQ(rd.messages.size(), 1u);
  EXPECT_FALSE(std::get<VoteResponse>(rd.messages[0].body).granted);
  n2.advance();
  EXPECT_EQ(n2.term(), term);
  EXPECT_EQ(n2.leader(), NodeId{1});
  EXPECT_EQ(n2.last_log_index(), last);
  EXPECT_EQ(n2.voted_for(), vote);
}

TEST(Election, leadership_transfer_hands_over_to_the_target) {
  TestCluster c(3);
  c.elect(1);
  Term term = c.node(1).term();
  // n3 misses some entries first, so the transfer has to catch it up.
  c.drop = [](const Message& m) { return m.to.value() == 3; };
  ASSERT_TRUE(c.node(1).propose(bytes("a")).ok());
  ASSERT_TRUE(c.node(1).propose(bytes("b")).ok());
  c.settle();
  c.heal();
  ASSERT_TRUE(c.node(1).transfer_leadership(NodeId{3}));
  EXPECT_EQ(c.node(1).propose(bytes("c")).error, ProposeError::kTransferInProgress);
  c.settle();
  EXPECT_EQ(c.leader(), 3);
  EXPECT_EQ(c.node(3).term(), Term{term.value() + 1});
  EXPECT_EQ(c.node(1).role(), Role::kFollower);
  ASSERT_TRUE(c.node(3).propose(bytes("d")).ok());
  c.settle();
  std::vector<std::vector<uint8_t>> want{bytes("a"), bytes("b"), bytes("d")};
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(c.applied(i), want);
}

TEST(Election, abandoned_transfer_resumes_proposals) {
  TestCluster c(3);
  c.elect(1);
  c.isolate(3);
  ASSERT_TRUE(c.node(1).transfer_leadership(NodeId{3}));
  EXPECT_FALSE(c.node(1).propose(bytes("x")).ok());
  c.run_for(1500);
  EXPECT_EQ(c.node(1).role(), Role::kLeader);
  EXPECT_EQ(c.node(1).transfer_target(), std::nullopt);
  EXPECT_TRUE(c.node(1).propose(bytes("x")).ok());
  EXPECT_FALSE(c.node(1).transfer_leadership(NodeId{1}));
  EXPECT_FALSE(c.node(1).transfer_leadership(NodeId{7}));
}

}  // namespace
}  // namespace kappa::raft

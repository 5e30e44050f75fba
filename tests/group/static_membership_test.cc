// KIP-345 static membership in the classic group: a member that comes back
// under its group.instance.id takes its old place without a rebalance; a
// stale instance is fenced.
#include "group/group_test_util.h"

namespace kappa::group {
namespace {

using protocol::ErrorCode;
using State = ClassicGroupState;
using testing::Captured;
using testing::join_params;
using testing::protocols;

class StaticMembershipTest : public ::testing::Test, public testing::Env {
 protected:
  ClassicGroup g{"g", ctx};

  void TearDown() override { g.check_invariants(); }

  void advance(int64_t ms) {
    clock.advance(ms);
    g.tick();
    g.check_invariants();
  }

  // Two static members "i1" and "i2", Stable at generation 1.  Returns
  // their member ids in instance order.
  std::vector<std::string> make_stable(std::vector<GroupProtocol> protos = protocols({"range"})) {
    Captured<JoinResult> a, b;
    g.join(join_params("", "i1", protos), a.callback());
    g.join(join_params("", "i2", protos), b.callback());
    for (int i = 0; i < 5 && g.state() == State::kPreparingRebalance; ++i)
      advance(config.initial_rebalance_delay_ms);
    EXPECT_EQ(g.state(), State::kCompletingRebalance);
    std::map<std::string, protocol::Bytes> assignment{{a->member_id, testing::bytes("p0")},
                                                      {b->member_id, testing::bytes("p1")}};
    Captured<SyncResult> sa, sb;
    const auto& leader = a->leader_id;
    const auto& follower = leader == a->member_id ? *b : *a;
    g.sync(follower.member_id, follower.member_id == a->member_id ? "i1" : "i2", 1, std::nullopt,
           std::nullopt, {}, (leader == a->member_id ? sb : sa).callback());
    g.sync(leader, leader == a->member_id ? "i1" : "i2", 1, std::nullopt, std::nullopt, assignment,
           (leader == a->member_id ? sa : sb).callback());
    EXPECT_EQ(g.state(), State::kStable);
    return {a->member_id, b->member_id};
  }
};

TEST_F(StaticMembershipTest, rejoin_with_unknown_member_id_keeps_assignment_without_rebalance) {
  auto ids = make_stable();
  const int batches = sink.batches;
  Captured<JoinResult> rejoin;
  g.join(join_params("", "i1"), rejoin.callback());  // restarted client: no member id
  ASSERT_TRUE(rejoin.done());
  EXPECT_EQ(rejoin->error, ErrorCode::kNone);
  EXPECT_NE(rejoin->member_id, ids[0]);
  EXPECT_EQ(rejoin->generation_id, 1);
  EXPECT_EQ(g.state(), State::kStable);
  EXPECT_EQ(g.generation(), 1);
  EXPECT_EQ(sink.batches, batches + 1);  // the new member id is persisted
  // The other member notices nothing.
  EXPECT_EQ(g.heartbeat(ids[1], "i2", 1), ErrorCode::kNone);
  // SyncGroup returns the old assignment.
  Captured<SyncResult> s;
  g.sync(rejoin->member_id, "i1", 1, std::nullopt, std::nullopt, {}, s.callback());
  EXPECT_EQ(s->error, ErrorCode::kNone);
  EXPECT_EQ(s->assignment, testing::bytes("p0"));
  // The old instance is fenced.
  EXPECT_EQ(g.heartbeat(ids[0], "i1", 1), ErrorCode::kFencedInstanceId);
  Captured<JoinResult> stale;
  g.join(join_params(ids[0], "i1"), stale.callback());
  EXPECT_EQ(stale->error, ErrorCode::kFencedInstanceId);
  Captured<SyncResult> stale_sync;
  g.sync(ids[0], "i1", 1, std::nullopt, std::nullopt, {}, stale_sync.callback());
  EXPECT_EQ(stale_sync->error, ErrorCode::kFencedInstanceId);
  EXPECT_EQ(g.validate_offset_commit(ids[0], "i1", 1), ErrorCode::kFencedInstanceId);
}

TEST_F(StaticMembershipTest, old_clients_are_told_the_previous_leader) {
  auto ids = make_stable();
  const std::string leader = *g.leader();
  const std::string instance = leader == ids[0] ? "i1" : "i2";
  Captured<JoinResult> rejoin;
  g.join(join_params("", instance), rejoin.callback());
  EXPECT_EQ(rejoin->leader_id, leader);  // not its new id: it must not assign
  EXPECT_TRUE(rejoin->members.empty());
  EXPECT_EQ(*g.leader(), rejoin->member_id);
}

TEST_F(StaticMembershipTest, v9_leader_learns_it_leads_but_skips_assignment) {
  make_stable();
  const std::string leader = *g.leader();
  const std::string instance = g.member(leader)->group_instance_id.value();
  auto p = join_params("", instance);
  p.supports_skip_assignment = true;
  Captured<JoinResult> rejoin;
  g.join(p, rejoin.callback());
  EXPECT_TRUE(rejoin->skip_assignment);
  EXPECT_EQ(rejoin->leader_id, rejoin->member_id);
  EXPECT_EQ(rejoin->members.size(), 2u);
  EXPECT_EQ(g.state(), State::kStable);
}

TEST_F(StaticMembershipTest, rejoin_that_changes_the_selected_protocol_triggers_rebalance) {
  make_stable(protocols({"range", "sticky"}));
  ASSERT_EQ(g.protocol_name(), "range");
  // i1 now prefers sticky: one vote each, the tie goes to the first member
  // (i1's new id sorts first), so the protocol would change.
  Captured<JoinResult> rejoin;
  g.join(join_params("", "i1", protocols({"sticky", "range"})), rejoin.callback());
  EXPECT_FALSE(rejoin.done());
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
}

TEST_F(StaticMembershipTest, absent_static_member_survives_rebalance_until_session_timeout) {
  auto ids = make_stable();
  // i2 rejoins with changed metadata -> rebalance; i1 stays silent.
  Captured<JoinResult> r;
  g.join(join_params(ids[1], "i2", protocols({"range", "sticky"})), r.callback());
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  advance(9'000);
  EXPECT_EQ(g.heartbeat(ids[1], "i2", 1), ErrorCode::kRebalanceInProgress);
  // i1's session (10 s) expires: removed, the rebalance completes with i2 alone.
  advance(1'000);
  EXPECT_EQ(g.member(ids[0]), nullptr);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r->generation_id, 2);
  EXPECT_EQ(g.size(), 1u);
}

TEST_F(StaticMembershipTest, static_members_are_not_dropped_at_rebalance_timeout) {
  config.min_session_timeout_ms = 0;
  auto ids = make_stable();
  Captured<JoinResult> r;
  g.join(join_params(ids[1], "i2", protocols({"range", "sticky"})), r.callback());
  // i1 keeps heartbeating but does not rejoin within the 30 s rebalance timeout.
  for (int i = 0; i < 6; ++i) {
    advance(5'000);
    if (g.member(ids[0])) g.heartbeat(ids[0], "i1", 1);
  }
  ASSERT_TRUE(r.done());
  EXPECT_NE(g.member(ids[0]), nullptr);  // still a member of generation 2
  EXPECT_EQ(g.generation(), 2);
}

TEST_F(StaticMembershipTest, leave_by_instance_id_removes_the_member) {
  auto ids = make_stable();
  auto errors = g.leave({{"", "i1", "admin"}, {"", "nope", ""}});
  EXPECT_EQ(errors, (std::vector<ErrorCode>{ErrorCode::kNone, ErrorCode::kUnknownMemberId}));
  EXPECT_EQ(g.member(ids[0]), nullptr);
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  // A member id that does not match the instance is fenced.
  EXPECT_EQ(g.leave({{"wrong", "i2", ""}}), std::vector<ErrorCode>{ErrorCode::kFencedInstanceId});
}

TEST_F(StaticMembershipTest, unknown_instance_with_a_member_id_is_unknown_member) {
  auto ids = make_stable();
  Captured<JoinResult> j;
  g.join(join_params(ids[0], "i9"), j.callback());
  EXPECT_EQ(j->error, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(g.heartbeat(ids[0], "i9", 1), ErrorCode::kUnknownMemberId);
}

TEST_F(StaticMembershipTest, failed_persistence_reverts_the_replacement) {
  auto ids = make_stable();
  sink.fail_with = ErrorCode::kNotLeaderOrFollower;
  Captured<JoinResult> rejoin;
  g.join(join_params("", "i1"), rejoin.callback());
  ASSERT_TRUE(rejoin.done());
  EXPECT_EQ(rejoin->error, ErrorCode::kNotCoordinator);
  EXPECT_EQ(rejoin->member_id, "");
  EXPECT_NE(g.member(ids[0]), nullptr);
  EXPECT_EQ(g.heartbeat(ids[0], "i1", 1), ErrorCode::kNone);
}

TEST_F(StaticMembershipTest, rejoin_during_completing_rebalance_restarts_it) {
  Captured<JoinResult> a;
  g.join(join_params("", "i1"), a.callback());
  advance(config.initial_rebalance_delay_ms);
  ASSERT_EQ(g.state(), State::kCompletingRebalance);
  ASSERT_EQ(a->generation_id, 1);
  // The client restarted before syncing: the leader may be assigning for
  // the old id, so a new generation starts; as the only member it rejoined,
  // that generation completes at once.
  Captured<JoinResult> again;
  g.join(join_params("", "i1"), again.callback());
  ASSERT_TRUE(again.done());
  EXPECT_EQ(again->error, ErrorCode::kNone);
  EXPECT_EQ(again->generation_id, 2);
  EXPECT_EQ(again->leader_id, again->member_id);
  EXPECT_EQ(g.size(), 1u);
  EXPECT_EQ(g.state(), State::kCompletingRebalance);
}

}  // namespace
}  // namespace kappa::group

// The classic group state machine: transitions, generations, KIP-394
// member ids, protocol selection, timeouts and error paths.
#include "group/group_test_util.h"
#include "kappa/group/coordinator_record.h"

namespace kappa::group {
namespace {

using protocol::ErrorCode;
using State = ClassicGroupState;
using testing::Captured;
using testing::join_params;
using testing::protocols;

class ClassicGroupTest : public ::testing::Test, public testing::Env {
 protected:
  ClassicGroup g{"g", ctx};

  void TearDown() override { g.check_invariants(); }

  // Advances time and fires timers.
  void advance(int64_t ms) {
    clock.advance(ms);
    g.tick();
    g.check_invariants();
  }

  // The first rebalance waits one initial delay, and one more if several
  // members arrived (they keep extending it).
  void complete_initial_rebalance() {
    for (int i = 0; i < 10 && g.state() == State::kPreparingRebalance; ++i)
      advance(config.initial_rebalance_delay_ms);
    ASSERT_EQ(g.state(), State::kCompletingRebalance);
  }

  // Joins `n` new dynamic members, completes the rebalance and syncs them
  // (the leader assigns "a-<member>"); returns the member ids.
  std::vector<std::string> make_stable(int n) {
    std::vector<Captured<JoinResult>> joins(n);
    for (int i = 0; i < n; ++i) g.join(join_params(), joins[i].callback());
    complete_initial_rebalance();
    std::vector<std::string> ids;
    std::string leader;
    for (auto& j : joins) {
      EXPECT_TRUE(j.done());
      EXPECT_EQ(j->error, ErrorCode::kNone);
      ids.push_back(j->member_id);
      leader = j->leader_id;
    }
    std::map<std::string, protocol::Bytes> assignment;
    for (const auto& id : ids) assignment[id] = testing::bytes("a-" + id);
    std::vector<Captured<SyncResult>> syncs(n);
    for (int i = 0; i < n; ++i) {
      if (ids[i] == leader) continue;
      g.sync(ids[i], std::nullopt, g.generation(), std::nullopt, std::nullopt, {}, syncs[i].callback());
    }
    for (int i = 0; i < n; ++i) {
      if (ids[i] == leader)
        g.sync(ids[i], std::nullopt, g.generation(), "consumer", "range", assignment, syncs[i].callback());
    }
    EXPECT_EQ(g.state(), State::kStable);
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(syncs[i].done());
      EXPECT_EQ(syncs[i]->error, ErrorCode::kNone);
      EXPECT_EQ(syncs[i]->assignment, testing::bytes("a-" + ids[i]));
    }
    return ids;
  }
};

TEST_F(ClassicGroupTest, first_join_waits_initial_delay_then_completes_generation_one) {
  Captured<JoinResult> join;
  g.join(join_params(), join.callback());
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  EXPECT_FALSE(join.done());
  advance(config.initial_rebalance_delay_ms - 1);
  EXPECT_FALSE(join.done());
  advance(1);
  ASSERT_TRUE(join.done());
  EXPECT_EQ(join->error, ErrorCode::kNone);
  EXPECT_EQ(join->generation_id, 1);
  EXPECT_EQ(join->member_id, "client-uuid0");
  EXPECT_EQ(join->leader_id, join->member_id);
  EXPECT_EQ(join->protocol_type, "consumer");
  EXPECT_EQ(join->protocol_name, "range");
  ASSERT_EQ(join->members.size(), 1u);
  EXPECT_EQ(join->members[0].metadata, testing::bytes("range"));
  EXPECT_EQ(g.state(), State::kCompletingRebalance);
}

TEST_F(ClassicGroupTest, initial_delay_is_extended_while_members_arrive) {
  Captured<JoinResult> a, b;
  g.join(join_params(), a.callback());
  advance(2000);
  g.join(join_params(), b.callback());  // a new member during the first rebalance
  advance(1000);                        // first delay over: wait one more
  EXPECT_FALSE(a.done());
  advance(config.initial_rebalance_delay_ms);
  EXPECT_TRUE(a.done() && b.done());
  EXPECT_EQ(a->generation_id, 1);
}

TEST_F(ClassicGroupTest, sync_from_leader_stores_assignment_and_stabilizes) {
  auto ids = make_stable(2);
  EXPECT_EQ(g.generation(), 1);
  ASSERT_EQ(sink.appended.size(), 1u);
  auto parsed = parse_record(sink.appended[0].key, *sink.appended[0].value);
  auto& rec = std::get<GroupMetadataRecord>(parsed);
  EXPECT_EQ(rec.key.group, "g");
  EXPECT_EQ(rec.value_version, 3);
  EXPECT_EQ(rec.value->generation, 1);
  EXPECT_EQ(rec.value->protocol, "range");
  ASSERT_EQ(rec.value->members.size(), 2u);
  EXPECT_EQ(rec.value->members[0].assignment, testing::bytes("a-" + rec.value->members[0].member_id));
}

TEST_F(ClassicGroupTest, member_id_required_then_rejoin_with_the_given_id) {
  auto p = join_params();
  p.require_known_member_id = true;
  Captured<JoinResult> first;
  g.join(p, first.callback());
  ASSERT_TRUE(first.done());
  EXPECT_EQ(first->error, ErrorCode::kMemberIdRequired);
  EXPECT_EQ(first->member_id, "client-uuid0");
  EXPECT_EQ(g.state(), State::kEmpty);
  EXPECT_TRUE(g.has_pending_member("client-uuid0"));
  p.member_id = first->member_id;
  Captured<JoinResult> second;
  g.join(p, second.callback());
  EXPECT_FALSE(g.has_pending_member("client-uuid0"));
  advance(config.initial_rebalance_delay_ms);
  ASSERT_TRUE(second.done());
  EXPECT_EQ(second->error, ErrorCode::kNone);
  EXPECT_EQ(second->member_id, "client-uuid0");
}

TEST_F(ClassicGroupTest, pending_member_expires_after_session_timeout) {
  auto p = join_params();
  p.require_known_member_id = true;
  Captured<JoinResult> first;
  g.join(p, first.callback());
  advance(p.session_timeout_ms);
  EXPECT_FALSE(g.has_pending_member(first->member_id));
  // Rejoining with the expired id is an unknown member.
  p.member_id = first->member_id;
  Captured<JoinResult> again;
  g.join(p, again.callback());
  EXPECT_EQ(again->error, ErrorCode::kUnknownMemberId);
}

TEST_F(ClassicGroupTest, new_member_in_stable_group_triggers_rebalance_and_all_rejoin) {
  auto ids = make_stable(2);
  Captured<JoinResult> joiner;
  g.join(join_params(), joiner.callback());
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  // Existing members learn it from their heartbeat.
  EXPECT_EQ(g.heartbeat(ids[0], std::nullopt, 1), ErrorCode::kRebalanceInProgress);
  Captured<JoinResult> r0, r1;
  g.join(join_params(ids[0]), r0.callback());
  EXPECT_FALSE(r0.done());
  g.join(join_params(ids[1]), r1.callback());
  // Everybody rejoined: completes at once, no need to wait for the timeout.
  ASSERT_TRUE(r0.done() && r1.done() && joiner.done());
  EXPECT_EQ(r0->generation_id, 2);
  EXPECT_EQ(g.state(), State::kCompletingRebalance);
  int leaders = 0;
  for (auto* r : {&r0, &r1, &joiner}) leaders += (*r)->members.empty() ? 0 : 1;
  EXPECT_EQ(leaders, 1);
  EXPECT_EQ(joiner->members.size() + r0->members.size() + r1->members.size(), 3u);
}

TEST_F(ClassicGroupTest, rebalance_timeout_removes_members_that_do_not_rejoin) {
  auto ids = make_stable(2);
  Captured<JoinResult> r0;
  g.join(join_params(ids[0]), r0.callback());  // the leader (or not) rejoins: rebalance
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  // ids[1] stays alive (heartbeats) but never rejoins.
  for (int i = 0; i < 5; ++i) {
    advance(5'000);
    EXPECT_EQ(g.heartbeat(ids[1], std::nullopt, 1), ErrorCode::kRebalanceInProgress);
  }
  advance(4'999);
  EXPECT_FALSE(r0.done());
  advance(1);
  ASSERT_TRUE(r0.done());
  EXPECT_EQ(r0->error, ErrorCode::kNone);
  EXPECT_EQ(g.size(), 1u);
  EXPECT_EQ(r0->leader_id, ids[0]);
  EXPECT_EQ(g.heartbeat(ids[1], std::nullopt, 2), ErrorCode::kUnknownMemberId);
}

TEST_F(ClassicGroupTest, session_timeout_evicts_a_silent_member) {
  auto ids = make_stable(2);
  advance(5000);
  EXPECT_EQ(g.heartbeat(ids[0], std::nullopt, 1), ErrorCode::kNone);
  advance(5000);  // ids[1] silent for 10 s
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  EXPECT_EQ(g.member(ids[1]), nullptr);
  EXPECT_EQ(g.heartbeat(ids[0], std::nullopt, 1), ErrorCode::kRebalanceInProgress);
  Captured<JoinResult> r;
  g.join(join_params(ids[0]), r.callback());
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r->generation_id, 2);
}

TEST_F(ClassicGroupTest, heartbeat_errors) {
  auto ids = make_stable(1);
  EXPECT_EQ(g.heartbeat("nobody", std::nullopt, 1), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(g.heartbeat(ids[0], std::nullopt, 0), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(g.heartbeat(ids[0], std::nullopt, 2), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(g.heartbeat(ids[0], "instance-x", 1), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(g.heartbeat(ids[0], std::nullopt, 1), ErrorCode::kNone);
}

TEST_F(ClassicGroupTest, sync_errors) {
  auto ids = make_stable(1);
  Captured<SyncResult> s1, s2, s3, s4;
  g.sync("nobody", std::nullopt, 1, std::nullopt, std::nullopt, {}, s1.callback());
  EXPECT_EQ(s1->error, ErrorCode::kUnknownMemberId);
  g.sync(ids[0], std::nullopt, 7, std::nullopt, std::nullopt, {}, s2.callback());
  EXPECT_EQ(s2->error, ErrorCode::kIllegalGeneration);
  g.sync(ids[0], std::nullopt, 1, "connect", std::nullopt, {}, s3.callback());
  EXPECT_EQ(s3->error, ErrorCode::kInconsistentGroupProtocol);
  g.sync(ids[0], std::nullopt, 1, std::nullopt, "roundrobin", {}, s4.callback());
  EXPECT_EQ(s4->error, ErrorCode::kInconsistentGroupProtocol);
  // A rebalance in progress.
  Captured<JoinResult> j;
  g.join(join_params(), j.callback());
  Captured<SyncResult> s5;
  g.sync(ids[0], std::nullopt, 1, std::nullopt, std::nullopt, {}, s5.callback());
  EXPECT_EQ(s5->error, ErrorCode::kRebalanceInProgress);
}

TEST_F(ClassicGroupTest, join_in_completing_rebalance_interrupts_waiting_syncs) {
  std::vector<Captured<JoinResult>> joins(2);
  for (auto& j : joins) g.join(join_params(), j.callback());
  complete_initial_rebalance();
  const bool first_leads = joins[0]->member_id == joins[0]->leader_id;
  auto& follower = first_leads ? joins[1] : joins[0];
  Captured<SyncResult> waiting;
  g.sync(follower->member_id, std::nullopt, 1, std::nullopt, std::nullopt, {}, waiting.callback());
  EXPECT_FALSE(waiting.done());
  Captured<JoinResult> newcomer;
  g.join(join_params(), newcomer.callback());
  ASSERT_TRUE(waiting.done());
  EXPECT_EQ(waiting->error, ErrorCode::kRebalanceInProgress);
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
}

TEST_F(ClassicGroupTest, rejoin_with_same_metadata_in_completing_rebalance_repeats_the_response) {
  std::vector<Captured<JoinResult>> joins(2);
  for (auto& j : joins) g.join(join_params(), j.callback());
  complete_initial_rebalance();
  Captured<JoinResult> again;
  g.join(join_params(joins[0]->member_id), again.callback());
  ASSERT_TRUE(again.done());
  EXPECT_EQ(again->generation_id, 1);
  EXPECT_EQ(g.state(), State::kCompletingRebalance);
  EXPECT_EQ(again->members.size(), joins[0]->members.size());
}

TEST_F(ClassicGroupTest, follower_rejoin_without_changes_in_stable_keeps_generation) {
  auto ids = make_stable(2);
  const std::string follower = ids[0] == *g.leader() ? ids[1] : ids[0];
  Captured<JoinResult> r;
  g.join(join_params(follower), r.callback());
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r->generation_id, 1);
  EXPECT_TRUE(r->members.empty());
  EXPECT_EQ(g.state(), State::kStable);
  // The leader rejoining forces a rebalance.
  Captured<JoinResult> l;
  g.join(join_params(*g.leader()), l.callback());
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
}

TEST_F(ClassicGroupTest, protocol_selection_uses_votes_over_common_protocols) {
  Captured<JoinResult> a, b, c;
  g.join(join_params("", std::nullopt, protocols({"cooperative-sticky", "range"})), a.callback());
  g.join(join_params("", std::nullopt, protocols({"range", "cooperative-sticky"})), b.callback());
  g.join(join_params("", std::nullopt, protocols({"cooperative-sticky", "roundrobin", "range"})),
         c.callback());
  complete_initial_rebalance();
  EXPECT_EQ(a->protocol_name, "cooperative-sticky");
  // A member without any protocol in common is rejected.
  Captured<JoinResult> d;
  g.join(join_params("", std::nullopt, protocols({"roundrobin"})), d.callback());
  EXPECT_EQ(d->error, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ(d->member_id, "");
}

TEST_F(ClassicGroupTest, unknown_protocol_type_and_empty_protocols_are_inconsistent) {
  auto p = join_params();
  p.protocol_type = "";
  Captured<JoinResult> empty_type;
  g.join(p, empty_type.callback());
  EXPECT_EQ(empty_type->error, ErrorCode::kInconsistentGroupProtocol);
  auto q = join_params();
  q.protocols.clear();
  Captured<JoinResult> no_protocols;
  g.join(q, no_protocols.callback());
  EXPECT_EQ(no_protocols->error, ErrorCode::kInconsistentGroupProtocol);
  make_stable(1);
  auto other = join_params();
  other.protocol_type = "connect";
  Captured<JoinResult> wrong_type;
  g.join(other, wrong_type.callback());
  EXPECT_EQ(wrong_type->error, ErrorCode::kInconsistentGroupProtocol);
  EXPECT_EQ(g.state(), State::kStable);
}

TEST_F(ClassicGroupTest, group_max_size_rejects_extra_members) {
  config.max_size = 2;
  auto ids = make_stable(2);
  Captured<JoinResult> third;
  g.join(join_params(), third.callback());
  EXPECT_EQ(third->error, ErrorCode::kGroupMaxSizeReached);
  EXPECT_EQ(third->member_id, "");
  EXPECT_EQ(g.state(), State::kStable);
  // Existing members may still rejoin.
  Captured<JoinResult> again;
  g.join(join_params(*g.leader()), again.callback());
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
}

TEST_F(ClassicGroupTest, last_member_leaving_empties_the_group_and_bumps_generation) {
  auto ids = make_stable(1);
  auto errors = g.leave({{ids[0], std::nullopt, "bye"}});
  EXPECT_EQ(errors, std::vector<ErrorCode>{ErrorCode::kNone});
  EXPECT_EQ(g.state(), State::kEmpty);
  EXPECT_EQ(g.generation(), 2);
  auto parsed = parse_record(sink.appended.back().key, *sink.appended.back().value);
  auto& rec = std::get<GroupMetadataRecord>(parsed);
  EXPECT_EQ(rec.value->generation, 2);
  EXPECT_TRUE(rec.value->members.empty());
  EXPECT_FALSE(rec.value->protocol.has_value());
  EXPECT_EQ(g.leave({{"nobody", std::nullopt, ""}}), std::vector<ErrorCode>{ErrorCode::kUnknownMemberId});
}

TEST_F(ClassicGroupTest, leave_of_one_member_rebalances_the_rest) {
  auto ids = make_stable(3);
  g.leave({{ids[1], std::nullopt, ""}});
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  Captured<JoinResult> a, b;
  g.join(join_params(ids[0]), a.callback());
  g.join(join_params(ids[2]), b.callback());
  ASSERT_TRUE(a.done() && b.done());
  EXPECT_EQ(a->generation_id, 2);
  EXPECT_EQ(g.size(), 2u);
}

TEST_F(ClassicGroupTest, members_that_never_sync_are_removed) {
  std::vector<Captured<JoinResult>> joins(2);
  for (auto& j : joins) g.join(join_params(), j.callback());
  complete_initial_rebalance();
  const std::string leader = joins[0]->leader_id;
  Captured<SyncResult> s;
  g.sync(leader, std::nullopt, 1, std::nullopt, std::nullopt, {}, s.callback());
  ASSERT_TRUE(s.done());
  EXPECT_EQ(g.state(), State::kStable);
  const std::string follower = joins[0]->member_id == leader ? joins[1]->member_id : joins[0]->member_id;
  // The follower heartbeats but never sends SyncGroup.
  for (int i = 0; i < 5; ++i) {
    advance(5'000);
    EXPECT_EQ(g.heartbeat(leader, std::nullopt, 1), ErrorCode::kNone);
    EXPECT_EQ(g.heartbeat(follower, std::nullopt, 1), ErrorCode::kNone);
  }
  advance(5'000);  // the rebalance timeout (30 s) after the join
  EXPECT_EQ(g.size(), 1u);
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
}

TEST_F(ClassicGroupTest, failed_store_on_sync_returns_error_and_rebalances) {
  std::vector<Captured<JoinResult>> joins(1);
  g.join(join_params(), joins[0].callback());
  advance(config.initial_rebalance_delay_ms);
  sink.fail_with = ErrorCode::kMessageTooLarge;
  Captured<SyncResult> s;
  g.sync(joins[0]->member_id, std::nullopt, 1, std::nullopt, std::nullopt, {{joins[0]->member_id, {1, 2}}},
         s.callback());
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s->error, ErrorCode::kUnknownServerError);
  EXPECT_EQ(g.state(), State::kPreparingRebalance);
  EXPECT_TRUE(sink.appended.empty());
}

TEST_F(ClassicGroupTest, offset_commit_validation) {
  EXPECT_EQ(g.validate_offset_commit("", std::nullopt, -1),
            ErrorCode::kNone);  // simple consumer, empty group
  auto ids = make_stable(1);
  EXPECT_EQ(g.validate_offset_commit("", std::nullopt, -1), ErrorCode::kUnknownMemberId);
  EXPECT_EQ(g.validate_offset_commit(ids[0], std::nullopt, 1), ErrorCode::kNone);
  EXPECT_EQ(g.validate_offset_commit(ids[0], std::nullopt, 0), ErrorCode::kIllegalGeneration);
  EXPECT_EQ(g.validate_offset_commit("other", std::nullopt, 1), ErrorCode::kUnknownMemberId);
  Captured<JoinResult> j;
  g.join(join_params(), j.callback());
  // During PreparingRebalance commits of the current generation are allowed.
  EXPECT_EQ(g.validate_offset_commit(ids[0], std::nullopt, 1), ErrorCode::kNone);
  Captured<JoinResult> r;
  g.join(join_params(ids[0]), r.callback());
  ASSERT_TRUE(r.done());
  EXPECT_EQ(g.validate_offset_commit(ids[0], std::nullopt, 2), ErrorCode::kRebalanceInProgress);
}

TEST_F(ClassicGroupTest, load_restores_a_stable_group_that_keeps_serving) {
  auto ids = make_stable(2);
  auto parsed = parse_record(sink.appended.back().key, *sink.appended.back().value);
  auto loaded = ClassicGroup::load("g", *std::get<GroupMetadataRecord>(parsed).value, ctx);
  loaded->check_invariants();
  EXPECT_EQ(loaded->state(), State::kStable);
  EXPECT_EQ(loaded->generation(), 1);
  EXPECT_EQ(loaded->leader(), g.leader());
  EXPECT_EQ(loaded->heartbeat(ids[0], std::nullopt, 1), ErrorCode::kNone);
  Captured<SyncResult> s;
  loaded->sync(ids[1], std::nullopt, 1, std::nullopt, std::nullopt, {}, s.callback());
  EXPECT_EQ(s->assignment, testing::bytes("a-" + ids[1]));
  EXPECT_EQ(loaded->describe().state, "Stable");
}

TEST_F(ClassicGroupTest, describe_reports_metadata_only_when_stable) {
  Captured<JoinResult> j;
  g.join(join_params(), j.callback());
  auto d = g.describe();
  EXPECT_EQ(d.state, "PreparingRebalance");
  EXPECT_EQ(d.protocol_data, "");
  ASSERT_EQ(d.members.size(), 1u);
  EXPECT_TRUE(d.members[0].metadata.empty());
  advance(config.initial_rebalance_delay_ms);
  Captured<SyncResult> s;
  g.sync(j->member_id, std::nullopt, 1, std::nullopt, std::nullopt, {{j->member_id, {7}}}, s.callback());
  d = g.describe();
  EXPECT_EQ(d.state, "Stable");
  EXPECT_EQ(d.protocol_type, "consumer");
  EXPECT_EQ(d.protocol_data, "range");
  EXPECT_EQ(d.members[0].assignment, protocol::Bytes{7});
  EXPECT_EQ(d.members[0].client_host, "/127.0.0.1");
}

TEST_F(ClassicGroupTest, unload_answers_pending_requests_with_not_coordinator) {
  Captured<JoinResult> j;
  g.join(join_params(), j.callback());
  g.make_dead(ErrorCode::kNotCoordinator);
  ASSERT_TRUE(j.done());
  EXPECT_EQ(j->error, ErrorCode::kNotCoordinator);
  EXPECT_EQ(g.state(), State::kDead);
  EXPECT_EQ(g.heartbeat(j->member_id, std::nullopt, 0), ErrorCode::kCoordinatorNotAvailable);
}

}  // namespace
}  // namespace kappa::group

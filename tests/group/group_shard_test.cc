// GroupShard: offsets (commit, fetch, delete, expiry), group deletion, and
// loading — the shard rebuilt from its own records equals the original.
#include "kappa/group/group_shard.h"
#include "group/group_test_util.h"
#include "kappa/protocol/msg/consumer_protocol_subscription.h"

namespace kappa::group {
namespace {

using protocol::ErrorCode;
using testing::Captured;
using testing::join_params;

protocol::Bytes subscription(std::vector<std::string> topics) {
  protocol::Writer w;
  w.i16(1);
  protocol::ConsumerProtocolSubscription s;
  s.topics = std::move(topics);
  s.encode(w, 1);
  return w.flatten();
}

class GroupShardTest : public ::testing::Test, public testing::Env {
 protected:
  TopicCatalog topics;
  std::unique_ptr<GroupShard> shard = make_shard();

  std::unique_ptr<GroupShard> make_shard() {
    return std::make_unique<GroupShard>(7, config, clock, sink, topics,
                                        [this] { return "u" + std::to_string(next_id++); });
  }

  OffsetCommitParams commit(std::string group, std::vector<std::pair<std::string, int64_t>> offsets,
                            int32_t generation = -1, std::string member = "") {
    OffsetCommitParams p;
    p.group_id = std::move(group);
    p.member_id = std::move(member);
    p.generation_or_member_epoch = generation;
    p.api_version = 8;
    int32_t partition = 0;
    for (auto& [topic, offset] : offsets)
      p.entries.push_back({topic, partition++, offset, -1, "meta", ErrorCode::kNone});
    shard->commit_offsets(p);
    return p;
  }

  int64_t fetched(const std::string& group, const std::string& topic, int32_t partition,
                  GroupShard* s = nullptr) {
    OffsetFetchParams p;
    p.group_id = group;
    p.partitions = std::vector<TopicPartitionKey>{{topic, partition}};
    auto r = (s ? s : shard.get())->fetch_offsets(p);
    EXPECT_EQ(r.error, ErrorCode::kNone);
    return r.offsets.at(0).offset;
  }

  // A fresh shard that replayed every record written so far.
  std::unique_ptr<GroupShard> reload() {
    auto fresh = make_shard();
    for (const auto& r : sink.appended) {
      fresh->replay(parse_record(r.key, r.value ? protocol::BytesView(*r.value) : protocol::BytesView()));
    }
    fresh->finish_loading();
    return fresh;
  }

  // One member in group `g` using the consumer protocol, Stable.
  std::string stable_member(const std::string& g, std::vector<std::string> subscribed) {
    auto p = join_params();
    p.protocols = {{"range", subscription(std::move(subscribed))}};
    Captured<JoinResult> j;
    shard->join_group(g, p, j.callback());
    clock.advance(config.initial_rebalance_delay_ms);
    shard->tick();
    EXPECT_TRUE(j.done());
    Captured<SyncResult> s;
    shard->sync_group(
        g, SyncParams{j->member_id, std::nullopt, 1, std::nullopt, std::nullopt, {{j->member_id, {9}}}},
        s.callback());
    EXPECT_EQ(s->error, ErrorCode::kNone);
    return j->member_id;
  }
};

TEST_F(GroupShardTest, commit_then_fetch_and_unknown_partitions_are_minus_one) {
  auto p = commit("g", {{"t", 5}, {"t", 9}});
  EXPECT_EQ(p.entries[0].error, ErrorCode::kNone);
  EXPECT_EQ(fetched("g", "t", 0), 5);
  EXPECT_EQ(fetched("g", "t", 1), 9);
  EXPECT_EQ(fetched("g", "t", 2), -1);
  EXPECT_EQ(fetched("nobody", "t", 0), -1);
  OffsetFetchParams all;
  all.group_id = "g";
  EXPECT_EQ(shard->fetch_offsets(all).offsets.size(), 2u);
  // A simple group exists now: Empty, no protocol type.
  auto listed = shard->list_groups();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].state, "Empty");
  EXPECT_EQ(listed[0].protocol_type, "");
}

TEST_F(GroupShardTest, commit_errors) {
  // A generation for a group this coordinator does not know.
  auto p = commit("g", {{"t", 1}}, 3, "m");
  EXPECT_EQ(p.entries[0].error, ErrorCode::kIllegalGeneration);
  // Metadata above offset.metadata.max.bytes.
  config.offset_metadata_max_bytes = 3;
  p = commit("g", {{"t", 1}});
  EXPECT_EQ(p.entries[0].error, ErrorCode::kOffsetMetadataTooLarge);
  // Preset errors (unknown topics) are kept and nothing is written for them.
  OffsetCommitParams q;
  q.group_id = "g";
  q.entries.push_back({"nope", 0, 1, -1, std::nullopt, ErrorCode::kUnknownTopicOrPartition});
  shard->commit_offsets(q);
  EXPECT_EQ(q.entries[0].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_TRUE(sink.appended.empty());
  // A failed append leaves the state untouched.
  config.offset_metadata_max_bytes = 4096;
  sink.fail_with = ErrorCode::kNotLeaderOrFollower;
  p = commit("g", {{"t", 1}});
  EXPECT_EQ(p.entries[0].error, ErrorCode::kNotCoordinator);
  EXPECT_EQ(fetched("g", "t", 0), -1);
  sink.fail_with = ErrorCode::kMessageTooLarge;
  p = commit("g", {{"t", 1}});
  EXPECT_EQ(p.entries[0].error, ErrorCode::kInvalidCommitOffsetSize);
}

TEST_F(GroupShardTest, members_commit_with_their_generation) {
  const auto m = stable_member("g", {"t"});
  EXPECT_EQ(commit("g", {{"t", 7}}, 1, m).entries[0].error, ErrorCode::kNone);
  EXPECT_EQ(commit("g", {{"t", 7}}, 0, m).entries[0].error, ErrorCode::kIllegalGeneration);
  EXPECT_EQ(commit("g", {{"t", 7}}, -1, "").entries[0].error, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(commit("g", {{"t", 7}}, 1, "stranger").entries[0].error, ErrorCode::kUnknownMemberId);
}

TEST_F(GroupShardTest, reload_restores_offsets_groups_and_static_members) {
  auto p = join_params("", "instance-1");
  p.protocols = {{"range", subscription({"t"})}};
  Captured<JoinResult> j;
  shard->join_group("g", p, j.callback());
  clock.advance(config.initial_rebalance_delay_ms);
  shard->tick();
  Captured<SyncResult> s;
  shard->sync_group(
      "g", SyncParams{j->member_id, "instance-1", 1, std::nullopt, std::nullopt, {{j->member_id, {1, 2}}}},
      s.callback());
  commit("g", {{"t", 10}}, 1, j->member_id);
  commit("g", {{"t", 11}}, 1, j->member_id);  // later records win
  commit("simple", {{"x", 3}});
  std::vector<OffsetDeleteEntry> del{{{"x", 0}}};
  shard->commit_offsets(*std::make_unique<OffsetCommitParams>(
      OffsetCommitParams{"simple", "", {}, -1, -1, 8, {{"y", 0, 4, -1, {}, {}}}}));
  EXPECT_EQ(shard->delete_offsets("simple", del), ErrorCode::kNone);  // a tombstone

  auto loaded = reload();
  EXPECT_EQ(fetched("g", "t", 0, loaded.get()), 11);
  EXPECT_EQ(fetched("simple", "x", 0, loaded.get()), -1);
  EXPECT_EQ(fetched("simple", "y", 0, loaded.get()), 4);
  const ClassicGroup* g = loaded->classic_group("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->state(), ClassicGroupState::kStable);
  EXPECT_EQ(g->generation(), 1);
  // The static member keeps heartbeating, and comes back without a rebalance.
  EXPECT_EQ(loaded->heartbeat("g", j->member_id, "instance-1", 1), ErrorCode::kNone);
  Captured<JoinResult> again;
  loaded->join_group("g", p, again.callback());
  ASSERT_TRUE(again.done());
  EXPECT_EQ(again->error, ErrorCode::kNone);
  EXPECT_EQ(again->generation_id, 1);
  Captured<SyncResult> resync;
  loaded->sync_group("g", SyncParams{again->member_id, "instance-1", 1, std::nullopt, std::nullopt, {}},
                     resync.callback());
  EXPECT_EQ(resync->assignment, (protocol::Bytes{1, 2}));
}

TEST_F(GroupShardTest, tombstones_delete_on_reload) {
  commit("g", {{"t", 1}});
  EXPECT_EQ(shard->delete_group("g"), ErrorCode::kNone);
  EXPECT_EQ(shard->classic_group("g"), nullptr);
  EXPECT_EQ(fetched("g", "t", 0), -1);
  auto loaded = reload();
  EXPECT_EQ(loaded->classic_group("g"), nullptr);
  EXPECT_TRUE(loaded->list_groups().empty());
  EXPECT_EQ(fetched("g", "t", 0, loaded.get()), -1);
}

TEST_F(GroupShardTest, delete_groups_errors) {
  stable_member("busy", {"t"});
  EXPECT_EQ(shard->delete_group("busy"), ErrorCode::kNonEmptyGroup);
  EXPECT_EQ(shard->delete_group("nobody"), ErrorCode::kGroupIdNotFound);
  EXPECT_EQ(shard->describe_group("nobody").state, "Dead");
}

TEST_F(GroupShardTest, offset_delete_refuses_topics_the_group_consumes) {
  const auto m = stable_member("g", {"consumed"});
  commit("g", {{"consumed", 1}}, 1, m);
  OffsetCommitParams other{"g", m, {}, 1, -1, 8, {{"other", 0, 2, -1, {}, {}}}};
  shard->commit_offsets(other);
  std::vector<OffsetDeleteEntry> entries{{{"consumed", 0}}, {{"other", 0}}};
  EXPECT_EQ(shard->delete_offsets("g", entries), ErrorCode::kNone);
  EXPECT_EQ(entries[0].error, ErrorCode::kGroupSubscribedToTopic);
  EXPECT_EQ(entries[1].error, ErrorCode::kNone);
  EXPECT_EQ(fetched("g", "consumed", 0), 1);
  EXPECT_EQ(fetched("g", "other", 0), -1);
  std::vector<OffsetDeleteEntry> none{{{"t", 0}}};
  EXPECT_EQ(shard->delete_offsets("nobody", none), ErrorCode::kGroupIdNotFound);
}

TEST_F(GroupShardTest, offsets_of_simple_groups_expire_after_retention) {
  config.offsets_retention_ms = 60'000;
  commit("simple", {{"t", 1}});
  clock.advance(59'999);
  EXPECT_EQ(shard->expire_offsets(), 0u);
  commit("simple", {{"u", 2}});
  clock.advance(1);
  EXPECT_EQ(shard->expire_offsets(), 1u);  // t expired, u not yet
  EXPECT_EQ(fetched("simple", "t", 0), -1);
  EXPECT_EQ(fetched("simple", "u", 0), 2);
  clock.advance(60'000);
  EXPECT_EQ(shard->expire_offsets(), 1u);
  EXPECT_EQ(shard->classic_group("simple"), nullptr);  // no offsets, empty: removed
  EXPECT_EQ(reload()->classic_group("simple"), nullptr);
}

TEST_F(GroupShardTest, offsets_of_an_empty_group_expire_from_when_it_became_empty) {
  config.offsets_retention_ms = 60'000;
  const auto m = stable_member("g", {"t"});
  commit("g", {{"t", 1}}, 1, m);
  clock.advance(120'000);  // old commit, but the group is still active
  EXPECT_EQ(shard->expire_offsets(), 0u);
  shard->leave_group("g", {{m, std::nullopt, ""}});
  ASSERT_EQ(shard->classic_group("g")->state(), ClassicGroupState::kEmpty);
  clock.advance(59'000);
  EXPECT_EQ(shard->expire_offsets(), 0u);
  clock.advance(1'000);
  EXPECT_EQ(shard->expire_offsets(), 1u);
  EXPECT_EQ(shard->classic_group("g"), nullptr);
}

TEST_F(GroupShardTest, join_checks_session_timeout_and_unknown_members) {
  auto p = join_params();
  p.session_timeout_ms = config.min_session_timeout_ms - 1;
  Captured<JoinResult> low;
  shard->join_group("g", p, low.callback());
  EXPECT_EQ(low->error, ErrorCode::kInvalidSessionTimeout);
  p.session_timeout_ms = config.max_session_timeout_ms + 1;
  Captured<JoinResult> high;
  shard->join_group("g", p, high.callback());
  EXPECT_EQ(high->error, ErrorCode::kInvalidSessionTimeout);
  Captured<JoinResult> unknown;
  shard->join_group("g", join_params("made-up"), unknown.callback());
  EXPECT_EQ(unknown->error, ErrorCode::kUnknownMemberId);
  EXPECT_EQ(shard->heartbeat("g", "made-up", std::nullopt, 1), ErrorCode::kUnknownMemberId);
  auto errors = shard->leave_group("g", {{"a", std::nullopt, ""}, {"b", std::nullopt, ""}});
  EXPECT_EQ(errors, std::vector<ErrorCode>(2, ErrorCode::kUnknownMemberId));
}

TEST_F(GroupShardTest, unload_fails_pending_joins_and_forgets_everything) {
  commit("g", {{"t", 1}});
  Captured<JoinResult> j;
  shard->join_group("h", join_params(), j.callback());
  shard->unload();
  ASSERT_TRUE(j.done());
  EXPECT_EQ(j->error, ErrorCode::kNotCoordinator);
  EXPECT_TRUE(shard->list_groups().empty());
}

}  // namespace
}  // namespace kappa::group

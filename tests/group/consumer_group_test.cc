// KIP-848 consumer groups through the shard: joins, epochs, reconciliation
// (revoke before assign: a partition is never owned by two members), static
// members, timeouts, request checks, and reloading from the records.
#include <random>

#include "group/group_test_util.h"
#include "kappa/group/group_shard.h"

namespace kappa::group {
namespace {

using protocol::ErrorCode;

const protocol::Uuid kTopic = protocol::Uuid::from_halves(7, 7);

// What a client believes: its id, epoch and the partitions it owns.
struct Client {
  std::string id;
  int32_t epoch = 0;
  Assignment owned;
  std::optional<std::string> instance;
};

class ConsumerGroupTest : public ::testing::Test, public testing::Env {
 protected:
  TopicCatalog topics;
  std::unique_ptr<GroupShard> shard;

  void SetUp() override {
    topics.upsert(TopicInfo{kTopic, "t", 6});
    shard = make_shard();
  }

  std::unique_ptr<GroupShard> make_shard() {
    return std::make_unique<GroupShard>(0, config, clock, sink, topics,
                                        [this] { return "m" + std::to_string(next_id++); });
  }

  ConsumerHeartbeatParams params(const Client& c) {
    ConsumerHeartbeatParams p;
    p.group_id = "g";
    p.member_id = c.id;
    p.member_epoch = c.epoch;
    p.instance_id = c.instance;
    p.rebalance_timeout_ms = 30'000;
    p.subscribed_topic_names = std::vector<std::string>{"t"};
    p.owned = c.owned;
    p.api_version = 1;
    return p;
  }

  // One heartbeat; the client applies the response like a real one (it
  // drops revoked partitions at once and acknowledges on the next beat).
  ConsumerHeartbeatResult beat(Client& c, std::optional<ConsumerHeartbeatParams> custom = std::nullopt) {
    auto r = shard->consumer_heartbeat(custom ? *custom : params(c));
    if (r.error == ErrorCode::kNone) {
      c.id = r.member_id;
      c.epoch = r.member_epoch;
      if (r.assignment) c.owned = *r.assignment;
    }
    if (const auto* g = shard->consumer_group("g")) g->check_invariants();
    return r;
  }

  Client join(std::string id, std::optional<std::string> instance = std::nullopt) {
    Client c{std::move(id), 0, {}, std::move(instance)};
    auto r = beat(c);
    EXPECT_EQ(r.error, ErrorCode::kNone) << r.error_message.value_or("");
    return c;
  }

  static size_t owned(const Client& c) { return partition_count(c.owned); }
};

void expect_disjoint(const std::vector<Client*>& clients) {
  std::set<std::pair<protocol::Uuid, int32_t>> seen;
  for (const auto* c : clients) {
    for (const auto& [t, ps] : c->owned) {
      for (int32_t p : ps) EXPECT_TRUE(seen.insert({t, p}).second) << "partition " << p << " owned twice";
    }
  }
}

TEST_F(ConsumerGroupTest, first_member_gets_every_partition_at_epoch_one) {
  Client a = join("a");
  EXPECT_EQ(a.epoch, 1);
  EXPECT_EQ(owned(a), 6u);
  const auto* g = shard->consumer_group("g");
  EXPECT_EQ(g->group_epoch(), 1);
  EXPECT_EQ(g->assignment_epoch(), 1);
  EXPECT_EQ(g->state(), "Stable");
  // A plain heartbeat changes nothing and carries no assignment.
  auto p = params(a);
  p.owned.reset();
  p.subscribed_topic_names.reset();
  p.rebalance_timeout_ms = -1;
  auto r = beat(a, p);
  EXPECT_EQ(r.error, ErrorCode::kNone);
  EXPECT_EQ(r.member_epoch, 1);
  EXPECT_FALSE(r.assignment.has_value());
  EXPECT_EQ(r.heartbeat_interval_ms, config.consumer_heartbeat_interval_ms);
}

TEST_F(ConsumerGroupTest, second_member_waits_until_the_first_revokes) {
  Client a = join("a");
  Client b = join("b");
  EXPECT_EQ(shard->consumer_group("g")->group_epoch(), 2);
  // b is at epoch 2 but its partitions are still a's: nothing yet.
  EXPECT_EQ(b.epoch, 2);
  EXPECT_EQ(owned(b), 0u);
  EXPECT_EQ(shard->consumer_group("g")->member("b")->state, MemberState::kUnreleasedPartitions);
  // a learns to revoke three partitions; it stays at epoch 1.
  beat(a);
  EXPECT_EQ(a.epoch, 1);
  EXPECT_EQ(owned(a), 3u);
  EXPECT_EQ(shard->consumer_group("g")->member("a")->state, MemberState::kUnrevokedPartitions);
  expect_disjoint({&a, &b});
  beat(b);  // still unreleased: a has not acknowledged
  EXPECT_EQ(owned(b), 0u);
  beat(a);  // acknowledges: epoch 2
  EXPECT_EQ(a.epoch, 2);
  beat(b);
  EXPECT_EQ(owned(b), 3u);
  expect_disjoint({&a, &b});
  EXPECT_EQ(shard->consumer_group("g")->state(), "Stable");
}

TEST_F(ConsumerGroupTest, random_joins_leaves_and_heartbeats_never_share_a_partition) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  std::vector<std::unique_ptr<Client>> clients;
  int next = 0;
  for (int step = 0; step < 400; ++step) {
    const int action = rng() % 10;
    if (action == 0 && clients.size() < 6) {
      clients.push_back(std::make_unique<Client>(join("c" + std::to_string(next++))));
    } else if (action == 1 && !clients.empty()) {
      auto it = clients.begin() + rng() % clients.size();
      Client& c = **it;
      c.epoch = kLeaveGroupMemberEpoch;
      EXPECT_EQ(beat(c).error, ErrorCode::kNone);
      clients.erase(it);
    } else if (!clients.empty()) {
      Client& c = *clients[rng() % clients.size()];
      auto r = beat(c);
      EXPECT_EQ(r.error, ErrorCode::kNone) << r.error_message.value_or("");
    }
    std::vector<Client*> all;
    for (auto& c : clients) all.push_back(c.get());
    expect_disjoint(all);
  }
  // With everyone heartbeating, the group converges: all partitions owned.
  for (int round = 0; round < 5; ++round) {
    for (auto& c : clients) beat(*c);
  }
  if (!clients.empty()) {
    size_t total = 0;
    for (auto& c : clients) total += owned(*c);
    EXPECT_EQ(total, 6u);
    EXPECT_EQ(shard->consumer_group("g")->state(), "Stable");
  }
}

TEST_F(ConsumerGroupTest, stale_and_future_epochs_are_fenced) {
  Client a = join("a");
  Client stale = a;
  stale.epoch = 5;
  EXPECT_EQ(beat(stale).error, ErrorCode::kFencedMemberEpoch);
  join("b");
  beat(a);  // a at epoch 1 revoking
  beat(a);  // a acknowledged: epoch 2
  stale = a;
  stale.epoch = 1;  // the previous epoch, but owning partitions it no longer has
  for (int32_t p = 0; p < 6; ++p) stale.owned[kTopic].insert(p);
  EXPECT_EQ(beat(stale).error, ErrorCode::kFencedMemberEpoch);
  stale.owned = a.owned;  // the previous epoch with a subset of its partitions is fine (lost response)
  EXPECT_EQ(beat(stale).error, ErrorCode::kNone);
  Client ghost{"ghost", 3, {}, std::nullopt};
  EXPECT_EQ(beat(ghost).error, ErrorCode::kUnknownMemberId);
}

TEST_F(ConsumerGroupTest, request_checks_in_kafka_order) {
  Client c{"", 0, {}, std::nullopt};
  auto p = params(c);
  EXPECT_EQ(shard->consumer_heartbeat(p).error_message, "MemberId can't be empty.");
  p.member_id = "x";
  p.rebalance_timeout_ms = -1;
  EXPECT_EQ(shard->consumer_heartbeat(p).error_message,
            "RebalanceTimeoutMs must be provided in first request.");
  p.rebalance_timeout_ms = 1000;
  p.owned.reset();
  EXPECT_EQ(shard->consumer_heartbeat(p).error_message, "TopicPartitions must be empty when (re-)joining.");
  p.owned = Assignment{};
  p.subscribed_topic_names.reset();
  EXPECT_EQ(shard->consumer_heartbeat(p).error, ErrorCode::kInvalidRequest);
  p.subscribed_topic_names = std::vector<std::string>{"t"};
  p.server_assignor = "sticky";
  auto r = shard->consumer_heartbeat(p);
  EXPECT_EQ(r.error, ErrorCode::kUnsupportedAssignor);
  EXPECT_EQ(r.error_message, "ServerAssignor sticky is not supported. Supported assignors: uniform, range.");
  p.server_assignor.reset();
  p.subscribed_topic_regex = "(unclosed";
  EXPECT_EQ(shard->consumer_heartbeat(p).error, ErrorCode::kInvalidRegularExpression);
  p.subscribed_topic_regex.reset();
  p.member_epoch = -3;
  EXPECT_EQ(shard->consumer_heartbeat(p).error_message, "MemberEpoch is invalid.");
  p.member_epoch = 4;
  EXPECT_EQ(shard->consumer_heartbeat(p).error, ErrorCode::kGroupIdNotFound);
  EXPECT_TRUE(sink.appended.empty());
}

TEST_F(ConsumerGroupTest, regex_subscription_follows_new_topics) {
  Client c{"r", 0, {}, std::nullopt};
  auto p = params(c);
  p.subscribed_topic_names = std::vector<std::string>{};
  p.subscribed_topic_regex = "orders-.*";
  topics.upsert(TopicInfo{protocol::Uuid::from_halves(9, 1), "orders-eu", 2});
  auto r = beat(c, p);
  ASSERT_EQ(r.error, ErrorCode::kNone);
  EXPECT_EQ(owned(c), 2u);
  topics.upsert(TopicInfo{protocol::Uuid::from_halves(9, 2), "orders-us", 3});
  topics.upsert(TopicInfo{protocol::Uuid::from_halves(9, 3), "__internal-orders-x", 3, true});
  auto q = params(c);
  q.subscribed_topic_names.reset();
  beat(c, q);
  EXPECT_EQ(owned(c), 5u);
  EXPECT_TRUE(shard->consumer_group("g")->is_subscribed_to("orders-us"));
}

TEST_F(ConsumerGroupTest, static_member_rejoins_with_its_assignment_without_epoch_bump) {
  Client a = join("a", "i-a");
  Client b = join("b", "i-b");
  for (int i = 0; i < 3; ++i) {
    beat(a);
    beat(b);
  }
  const auto b_owned = b.owned;
  const int32_t epoch = shard->consumer_group("g")->group_epoch();
  b.epoch = kLeaveGroupStaticMemberEpoch;
  EXPECT_EQ(beat(b).member_epoch, kLeaveGroupStaticMemberEpoch);
  // The instance cannot be taken while the old member holds it...
  Client thief{"thief", 0, {}, "i-a"};
  EXPECT_EQ(beat(thief).error, ErrorCode::kUnreleasedInstanceId);
  // ...but after a temporary leave it can, under a new member id.
  Client back{"b2", 0, {}, "i-b"};
  auto r = beat(back);
  ASSERT_EQ(r.error, ErrorCode::kNone);
  EXPECT_EQ(back.owned, b_owned);
  EXPECT_EQ(shard->consumer_group("g")->group_epoch(), epoch);
  EXPECT_EQ(shard->consumer_group("g")->member("b"), nullptr);
  // The old member id is fenced.
  Client old{"b", 3, {}, "i-b"};
  EXPECT_EQ(beat(old).error, ErrorCode::kFencedInstanceId);
}

TEST_F(ConsumerGroupTest, session_timeout_fences_a_silent_member) {
  Client a = join("a");
  Client b = join("b");
  beat(a);
  beat(a);
  beat(b);
  clock.advance(config.consumer_session_timeout_ms - 1);
  beat(a);
  shard->tick();
  EXPECT_NE(shard->consumer_group("g")->member("b"), nullptr);
  clock.advance(1);
  shard->tick();
  EXPECT_EQ(shard->consumer_group("g")->member("b"), nullptr);
  beat(a);
  EXPECT_EQ(owned(a), 6u);
  EXPECT_EQ(shard->consumer_group("g")->group_epoch(), 3);
}

TEST_F(ConsumerGroupTest, rebalance_timeout_fences_a_member_that_does_not_revoke) {
  Client a = join("a");
  join("b");
  // a is told to revoke but keeps reporting the partitions.
  auto p = params(a);
  auto full = a.owned;
  shard->consumer_heartbeat(p);
  ASSERT_EQ(shard->consumer_group("g")->member("a")->state, MemberState::kUnrevokedPartitions);
  for (int i = 0; i < 3; ++i) {
    clock.advance(10'000);
    p.owned = full;
    p.member_epoch = 1;
    shard->consumer_heartbeat(p);
    shard->tick();
  }
  EXPECT_EQ(shard->consumer_group("g")->member("a"), nullptr);
}

TEST_F(ConsumerGroupTest, reload_restores_members_epochs_and_assignments) {
  Client a = join("a");
  Client b = join("b");
  beat(a);  // a revoking
  auto fresh = make_shard();
  for (const auto& r : sink.appended) {
    fresh->replay(parse_record(r.key, r.value ? protocol::BytesView(*r.value) : protocol::BytesView()));
  }
  fresh->finish_loading();
  const auto* before = shard->consumer_group("g");
  const auto* after = fresh->consumer_group("g");
  ASSERT_NE(after, nullptr);
  after->check_invariants();
  EXPECT_EQ(after->group_epoch(), before->group_epoch());
  EXPECT_EQ(after->assignment_epoch(), before->assignment_epoch());
  for (const auto& [id, m] : before->members()) {
    const auto* n = after->member(id);
    ASSERT_NE(n, nullptr);
    EXPECT_TRUE(n->same_assignment_record(m));
    EXPECT_TRUE(n->same_subscription_record(m));
    EXPECT_EQ(*after->target(id), *before->target(id));
  }
  EXPECT_EQ(after->state(), before->state());
}

TEST_F(ConsumerGroupTest, leaving_and_deleting) {
  Client a = join("a");
  EXPECT_EQ(shard->delete_group("g"), ErrorCode::kNonEmptyGroup);
  a.epoch = kLeaveGroupMemberEpoch;
  EXPECT_EQ(beat(a).member_epoch, kLeaveGroupMemberEpoch);
  EXPECT_EQ(shard->consumer_group("g")->state(), "Empty");
  EXPECT_EQ(shard->describe_consumer_group("g").state, "Empty");
  EXPECT_EQ(shard->delete_group("g"), ErrorCode::kNone);
  EXPECT_EQ(shard->describe_consumer_group("g").error, ErrorCode::kGroupIdNotFound);
}

TEST_F(ConsumerGroupTest, classic_and_consumer_groups_do_not_mix) {
  join("a");
  testing::Captured<JoinResult> j;
  shard->join_group("g", testing::join_params(), j.callback());
  EXPECT_EQ(j->error, ErrorCode::kInconsistentGroupProtocol);
  testing::Captured<JoinResult> k;
  shard->join_group("classic", testing::join_params(), k.callback());
  Client c{"c", 0, {}, std::nullopt};
  auto p = params(c);
  p.group_id = "classic";
  EXPECT_EQ(shard->consumer_heartbeat(p).error, ErrorCode::kGroupIdNotFound);
  EXPECT_EQ(shard->describe_consumer_group("classic").error_message,
            "Group classic is not a consumer group.");
  EXPECT_EQ(shard->describe_group("g").state, "Dead");
}

TEST_F(ConsumerGroupTest, offsets_need_the_current_member_epoch) {
  Client a = join("a");
  OffsetCommitParams p{"g", "a", {}, a.epoch, -1, 9, {{"t", 0, 5, -1, {}, {}}}};
  shard->commit_offsets(p);
  EXPECT_EQ(p.entries[0].error, ErrorCode::kNone);
  OffsetCommitParams stale{"g", "a", {}, a.epoch + 1, -1, 9, {{"t", 0, 5, -1, {}, {}}}};
  shard->commit_offsets(stale);
  EXPECT_EQ(stale.entries[0].error, ErrorCode::kStaleMemberEpoch);
  OffsetCommitParams old_version{"g", "a", {}, a.epoch, -1, 8, {{"t", 0, 5, -1, {}, {}}}};
  shard->commit_offsets(old_version);
  EXPECT_EQ(old_version.entries[0].error, ErrorCode::kUnsupportedVersion);
  OffsetFetchParams f{"g", std::vector<TopicPartitionKey>{{"t", 0}}, std::string("a"), a.epoch};
  EXPECT_EQ(shard->fetch_offsets(f).offsets.at(0).offset, 5);
  f.member_epoch = 99;
  EXPECT_EQ(shard->fetch_offsets(f).error, ErrorCode::kStaleMemberEpoch);
}

}  // namespace
}  // namespace kappa::group

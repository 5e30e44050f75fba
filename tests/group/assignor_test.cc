// The server-side assignors: every partition assigned once, to a
// subscriber; uniform is balanced and sticky; range gives consecutive ranges.
#include <random>

#include <gtest/gtest.h>

#include "kappa/group/assignor.h"

namespace kappa::group {
namespace {

const protocol::Uuid kT1 = protocol::Uuid::from_halves(1, 1);
const protocol::Uuid kT2 = protocol::Uuid::from_halves(2, 2);

AssignmentMember member(std::string id, std::set<protocol::Uuid> topics) {
  return AssignmentMember{std::move(id), std::nullopt, std::nullopt, std::move(topics)};
}

// Every partition of every topic is assigned exactly once, to a member that
// subscribes to its topic.
void expect_complete(const AssignmentInput& in, const std::map<std::string, Assignment>& out) {
  std::map<std::pair<protocol::Uuid, int32_t>, int> seen;
  for (const auto& m : in.members) {
    auto it = out.find(m.member_id);
    ASSERT_NE(it, out.end());
    for (const auto& [t, ps] : it->second) {
      EXPECT_TRUE(m.topics.count(t)) << m.member_id << " got a topic it does not subscribe to";
      for (int32_t p : ps) ++seen[{t, p}];
    }
  }
  for (const auto& [t, n] : in.partitions) {
    bool subscribed = false;
    for (const auto& m : in.members) subscribed |= m.topics.count(t) > 0;
    for (int32_t p = 0; p < n; ++p) EXPECT_EQ((seen[{t, p}]), subscribed ? 1 : 0);
  }
}

TEST(UniformAssignor, balances_six_partitions_over_three_members) {
  AssignmentInput in;
  in.members = {member("a", {kT1}), member("b", {kT1}), member("c", {kT1})};
  in.partitions[kT1] = 6;
  auto out = find_assignor("uniform")->assign(in);
  expect_complete(in, out);
  for (const auto& [id, a] : out) EXPECT_EQ(partition_count(a), 2u) << id;
}

TEST(UniformAssignor, is_sticky_when_a_member_joins) {
  AssignmentInput in;
  in.members = {member("a", {kT1}), member("b", {kT1})};
  in.partitions[kT1] = 6;
  const auto* uniform = find_assignor("uniform");
  auto before = uniform->assign(in);
  in.members.push_back(member("c", {kT1}));
  in.current = before;
  auto after = uniform->assign(in);
  expect_complete(in, after);
  // a and b each give up exactly one partition and keep the rest.
  for (const auto& id : {"a", "b"}) {
    EXPECT_EQ(partition_count(after[id]), 2u);
    EXPECT_TRUE(is_subset(after[id], before[id]));
  }
  EXPECT_EQ(partition_count(after["c"]), 2u);
}

TEST(UniformAssignor, heterogeneous_subscriptions_only_get_their_topics) {
  AssignmentInput in;
  in.members = {member("a", {kT1}), member("b", {kT1, kT2}), member("c", {kT2})};
  in.partitions[kT1] = 4;
  in.partitions[kT2] = 4;
  auto out = find_assignor("uniform")->assign(in);
  expect_complete(in, out);
  for (const auto& [id, a] : out) {
    EXPECT_GE(partition_count(a), 2u) << id;
    EXPECT_LE(partition_count(a), 3u) << id;
  }
}

TEST(UniformAssignor, random_inputs_are_complete_and_balanced_for_equal_subscriptions) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE(::testing::Message() << "seed " << seed);
  std::mt19937 rng(seed);
  const auto* uniform = find_assignor("uniform");
  AssignmentInput in;
  in.partitions[kT1] = 1 + rng() % 20;
  in.partitions[kT2] = rng() % 20;
  for (int round = 0; round < 50; ++round) {
    // Members come and go; the previous result is the current assignment.
    if (in.members.empty() || rng() % 2) {
      in.members.push_back(member("m" + std::to_string(rng() % 1000), {kT1, kT2}));
    } else {
      in.members.erase(in.members.begin() + rng() % in.members.size());
    }
    std::sort(in.members.begin(), in.members.end(),
              [](auto& a, auto& b) { return a.member_id < b.member_id; });
    in.members.erase(std::unique(in.members.begin(), in.members.end(),
                                 [](auto& a, auto& b) { return a.member_id == b.member_id; }),
                     in.members.end());
    auto out = uniform->assign(in);
    expect_complete(in, out);
    size_t lo = SIZE_MAX, hi = 0;
    for (const auto& [id, a] : out) {
      lo = std::min(lo, partition_count(a));
      hi = std::max(hi, partition_count(a));
    }
    EXPECT_LE(hi - lo, 1u);
    in.current = out;
  }
}

TEST(RangeAssignor, consecutive_ranges_with_the_first_members_getting_more) {
  AssignmentInput in;
  in.members = {member("b", {kT1, kT2}), member("a", {kT1, kT2}), member("c", {kT1})};
  in.partitions[kT1] = 7;
  in.partitions[kT2] = 3;
  auto out = find_assignor("range")->assign(in);
  expect_complete(in, out);
  EXPECT_EQ(out["a"][kT1], (std::set<int32_t>{0, 1, 2}));
  EXPECT_EQ(out["b"][kT1], (std::set<int32_t>{3, 4}));
  EXPECT_EQ(out["c"][kT1], (std::set<int32_t>{5, 6}));
  EXPECT_EQ(out["a"][kT2], (std::set<int32_t>{0, 1}));
  EXPECT_EQ(out["b"][kT2], (std::set<int32_t>{2}));
  EXPECT_FALSE(out["c"].count(kT2));
}

TEST(Assignors, unknown_names_are_not_found) {
  EXPECT_EQ(find_assignor("sticky"), nullptr);
  EXPECT_NE(find_assignor("range"), nullptr);
}

}  // namespace
}  // namespace kappa::group

// Pure parts of consumer-group membership: the ConsumerProtocol encoding,
// the range assignor and the member's reconciliation step.
#include <gtest/gtest.h>

#include "kappa/client/consumer_protocol.h"
#include "kappa/client/group_assignment.h"

namespace kappa::client {
namespace {

using TPs = std::vector<TopicPartition>;

TEST(ConsumerProtocol, AssignmentRoundTripsGroupedByTopic) {
  const TPs parts{{"a", 0}, {"a", 2}, {"b", 1}, {"a", 5}};
  auto bytes = encode_assignment(parts);
  // int16 version 0, 2 topics: "a" [0,2,5], "b" [1], null user data.
  const std::vector<uint8_t> expected{0, 0, 0, 0, 0, 2, 0, 1, 'a', 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 5,
                                      0, 1, 'b', 0, 0, 0, 1, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(bytes, expected);
  auto decoded = decode_assignment(bytes);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, (TPs{{"a", 0}, {"a", 2}, {"a", 5}, {"b", 1}}));
}

TEST(ConsumerProtocol, EmptyAndLaterVersionsAndGarbage) {
  auto empty = decode_assignment({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  // Version 3 with user data: the trailing fields are ignored.
  const std::vector<uint8_t> v3{0, 3, 0, 0, 0, 1, 0, 1, 't', 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 2, 'x', 'y'};
  auto d = decode_assignment(v3);
  ASSERT_TRUE(d);
  EXPECT_EQ(*d, (TPs{{"t", 7}}));
  const std::vector<uint8_t> truncated{0, 0, 0, 0, 0, 1, 0, 5, 'a'};
  EXPECT_FALSE(decode_assignment(truncated));
}

TEST(ConsumerProtocol, SubscriptionRoundTrips) {
  ConsumerSubscription s;
  s.topics = {"orders", "payments"};
  auto bytes = encode_subscription(s);
  EXPECT_EQ(bytes[0], 0);
  EXPECT_EQ(bytes[1], 0);
  auto d = decode_subscription(bytes);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->topics, s.topics);
  EXPECT_FALSE(decode_subscription(std::vector<uint8_t>{0, 0, 0, 0, 0, 9}));
}

TEST(RangeAssign, SplitsConsecutiveRangesFirstMembersGetMore) {
  auto plan = range_assign({{"m2", {"t"}}, {"m1", {"t"}}, {"m3", {"t"}}}, {{"t", 7}});
  EXPECT_EQ(plan["m1"], (TPs{{"t", 0}, {"t", 1}, {"t", 2}}));
  EXPECT_EQ(plan["m2"], (TPs{{"t", 3}, {"t", 4}}));
  EXPECT_EQ(plan["m3"], (TPs{{"t", 5}, {"t", 6}}));
}

TEST(RangeAssign, PerTopicSubscribersOnlyAndUnknownTopics) {
  auto plan = range_assign({{"a", {"x", "y"}}, {"b", {"y"}}, {"c", {"gone"}}}, {{"x", 2}, {"y", 1}});
  EXPECT_EQ(plan["a"], (TPs{{"x", 0}, {"x", 1}, {"y", 0}}));
  EXPECT_TRUE(plan["b"].empty());
  EXPECT_TRUE(plan["c"].empty());
  EXPECT_EQ(plan.size(), 3u);
}

TEST(Reconcile, RevokesWhatIsGoneAddsWhatIsNew) {
  std::set<TopicPartition> owned{{"t", 0}, {"t", 1}, {"t", 2}};
  std::set<TopicPartition> target{{"t", 2}, {"t", 3}};
  auto c = reconcile(owned, target);
  EXPECT_EQ(c.revoked, (TPs{{"t", 0}, {"t", 1}}));
  EXPECT_EQ(c.added, (TPs{{"t", 3}}));
  EXPECT_TRUE(reconcile(target, target).empty());
  auto first = reconcile({}, target);
  EXPECT_TRUE(first.revoked.empty());
  EXPECT_EQ(first.added.size(), 2u);
}

}  // namespace
}  // namespace kappa::client

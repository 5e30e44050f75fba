// The controller's side of ISR expansion (controller::plan_isr_change) as
// the replication layer relies on it: epochs are checked and a member that
// restarted since it caught up (KIP-903) cannot join.
#include <gtest/gtest.h>

#include "kappa/controller/alter_partition.h"

namespace kappa::replication {
namespace {

using protocol::ErrorCode;

class IsrChangeTest : public ::testing::Test {
 protected:
  IsrChangeTest() {
    for (int32_t b = 1; b <= 3; ++b) {
      protocol::RegisterBrokerRecord r;
      r.broker_id = b;
      r.broker_epoch = 10 + b;
      r.fenced = false;
      image.apply(r);
    }
    protocol::TopicRecord t;
    t.name = "t";
    t.topic_id = id;
    image.apply(t);
    protocol::PartitionRecord p;
    p.topic_id = id;
    p.partition_id = 0;
    p.replicas = {1, 2, 3};
    p.isr = {1, 2};
    p.leader = 1;
    p.leader_epoch = 4;
    p.partition_epoch = 6;
    image.apply(p);
  }
  controller::IsrChange change(std::vector<int32_t> isr, std::vector<int64_t> epochs = {}) {
    return {1, 11, id, 0, 4, 6, std::move(isr), std::move(epochs)};
  }

  metadata::MetadataImage image;
  protocol::Uuid id = protocol::Uuid::from_halves(1, 2);
  std::vector<metadata::MetadataRecord> out;
};

TEST_F(IsrChangeTest, expansion_with_current_epochs_is_accepted) {
  EXPECT_EQ(controller::plan_isr_change(image, change({1, 2, 3}, {11, 12, 13}), out).error, ErrorCode::kNone);
  EXPECT_EQ(out.size(), 1u);
  EXPECT_EQ(controller::plan_isr_change(image, change({1, 2, 3}), out).error, ErrorCode::kNone) << "epochs unknown";
}

// Regression (replication simulation, seed 46).
TEST_F(IsrChangeTest, a_member_that_registered_again_since_it_caught_up_cannot_join) {
  protocol::RegisterBrokerRecord again;
  again.broker_id = 3;
  again.broker_epoch = 20;
  again.fenced = false;
  image.apply(again);
  EXPECT_EQ(controller::plan_isr_change(image, change({1, 2, 3}, {11, 12, 13}), out).error,
            ErrorCode::kIneligibleReplica);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(controller::plan_isr_change(image, change({1, 2, 3}, {11, 12, 20}), out).error, ErrorCode::kNone);
}

TEST_F(IsrChangeTest, stale_leader_and_partition_epochs_are_refused) {
  auto c = change({1, 2, 3});
  c.leader_epoch = 3;
  EXPECT_EQ(controller::plan_isr_change(image, c, out).error, ErrorCode::kFencedLeaderEpoch);
  c = change({1, 2, 3});
  c.partition_epoch = 5;
  EXPECT_EQ(controller::plan_isr_change(image, c, out).error, ErrorCode::kInvalidUpdateVersion);
  c = change({2, 3});
  EXPECT_EQ(controller::plan_isr_change(image, c, out).error, ErrorCode::kInvalidRequest) << "without the leader";
}

}  // namespace
}  // namespace kappa::replication

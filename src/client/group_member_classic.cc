// GroupMember for classic groups: JoinGroup / SyncGroup / Heartbeat /
// LeaveGroup with the "consumer" protocol and the range assignor (eager).
#include <fmt/format.h>

#include "client/group_member_impl.h"
#include "kappa/client/consumer_protocol.h"
#include "kappa/client/group_assignment.h"
#include "kappa/protocol/msg/heartbeat.h"
#include "kappa/protocol/msg/join_group.h"
#include "kappa/protocol/msg/leave_group.h"
#include "kappa/protocol/msg/sync_group.h"

namespace kappa::client {
namespace {

using namespace protocol;
using Clock = std::chrono::steady_clock;

constexpr const char* kAssignor = "range";
constexpr auto kRetryBackoff = std::chrono::milliseconds(500);

class ClassicGroupMember final : public GroupMember {
 public:
  ClassicGroupMember(Client& client, Consumer& consumer, GroupMemberOptions options)
      : GroupMember(client, consumer, std::move(options)) {}

  awaitable<Result<void>> tick() override {
    if (left_) co_return ok();
    if (Clock::now() < next_action_) co_return ok();
    if (!stable_) {
      auto r = co_await rejoin();
      if (!r) co_return r;
    } else {
      auto r = co_await heartbeat();
      if (!r) co_return r;
    }
    if (stable_ && Clock::now() >= next_commit_) {
      auto c = co_await commit();
      if (!c) note(fmt::format("periodic commit failed: {}", c.error().to_string()));
    }
    co_return ok();
  }

  awaitable<Result<void>> leave() override {
    if (left_) co_return ok();
    left_ = true;
    Result<void> committed = ok();
    if (stable_) committed = co_await commit();
    for (const auto& tp : owned_) consumer_.unassign(tp);
    owned_.clear();
    if (member_id_.empty()) co_return committed;
    auto node = co_await coordinator();
    if (!node) co_return node.error();
    LeaveGroupRequest req;
    req.group_id = options_.group_id;
    req.member_id = member_id_;
    LeaveGroupRequest::MemberIdentity me;
    me.member_id = member_id_;
    req.members.push_back(std::move(me));
    auto resp = co_await client_.send_to_node<LeaveGroupRequest, LeaveGroupResponse>(*node, req);
    generation_ = -1;
    if (!resp) co_return resp.error();
    if (resp->error_code != 0) co_return kafka_error(resp->error_code, client_.describe_node(*node));
    note(fmt::format("left group {}", options_.group_id));
    co_return committed;
  }

 private:
  void retry_soon() { next_action_ = Clock::now() + kRetryBackoff; }

  // Eager protocol: give everything up (committing it) before joining.
  awaitable<void> revoke_all() {
    if (!owned_.empty()) {  // the old generation may still commit while the group rebalances
      auto c = co_await commit();
      if (!c) note(fmt::format("commit before rejoin failed: {}", c.error().to_string()));
    }
    for (const auto& tp : owned_) consumer_.unassign(tp);
    owned_.clear();
  }

  // A failed response: coordinator moved (retry later), membership lost
  // (rejoin), or fatal.
  awaitable<Result<void>> handle(const Error& e) {
    stable_ = false;
    if (coordinator_moved(e)) {
      forget_coordinator();
      note(fmt::format("coordinator unavailable: {}", e.to_string()));
      retry_soon();
      co_return ok();
    }
    if (e.is(ErrorCode::kUnknownMemberId) || e.is(ErrorCode::kIllegalGeneration) ||
        e.is(ErrorCode::kFencedInstanceId)) {
      note(fmt::format("membership lost ({}); rejoining", e.name()));
      lose_all();
      if (!e.is(ErrorCode::kIllegalGeneration)) member_id_.clear();
      generation_ = -1;
      co_return ok();
    }
    if (e.is(ErrorCode::kRebalanceInProgress)) co_return ok();
    co_return e;
  }

  awaitable<Result<void>> heartbeat() {
    auto node = co_await coordinator();
    if (!node) co_return co_await handle(node.error());
    HeartbeatRequest req;
    req.group_id = options_.group_id;
    req.generation_id = generation_;
    req.member_id = member_id_;
    auto resp = co_await client_.send_to_node<HeartbeatRequest, HeartbeatResponse>(*node, req);
    next_action_ = Clock::now() + options_.classic_heartbeat_interval;
    if (!resp) co_return co_await handle(resp.error());
    if (resp->error_code != 0) {
      Error e = kafka_error(resp->error_code, client_.describe_node(*node));
      if (e.is(ErrorCode::kRebalanceInProgress)) {
        note("rebalance in progress; rejoining");
        next_action_ = Clock::now();
      }
      co_return co_await handle(e);
    }
    co_return ok();
  }

  awaitable<Result<void>> rejoin() {
    co_await revoke_all();
    auto node = co_await coordinator();
    if (!node) co_return co_await handle(node.error());
    const auto long_wait = options_.rebalance_timeout + std::chrono::milliseconds(5'000);
    auto conn = co_await client_.connection_to(*node);
    if (!conn) co_return co_await handle(conn.error());

    JoinGroupRequest join;
    join.group_id = options_.group_id;
    join.session_timeout_ms = static_cast<int32_t>(options_.session_timeout.count());
    join.rebalance_timeout_ms = static_cast<int32_t>(options_.rebalance_timeout.count());
    join.member_id = member_id_;
    join.protocol_type = kConsumerProtocolType;
    JoinGroupRequest::JoinGroupRequestProtocol protocol;
    protocol.name = kAssignor;
    ConsumerSubscription subscription;
    subscription.topics = options_.topics;
    protocol.metadata = encode_subscription(subscription);
    join.protocols.push_back(std::move(protocol));
    auto joined = co_await (*conn)->send<JoinGroupRequest, JoinGroupResponse>(join, kAutoVersion, long_wait);
    if (!joined) co_return co_await handle(joined.error());
    if (joined->error_code == code_of(ErrorCode::kMemberIdRequired)) {
      member_id_ = joined->member_id;
      next_action_ = Clock::now();
      co_return ok();
    }
    if (joined->error_code != 0) co_return co_await handle(kafka_error(joined->error_code, (*conn)->broker()));
    member_id_ = joined->member_id;
    generation_ = joined->generation_id;

    SyncGroupRequest sync;
    sync.group_id = options_.group_id;
    sync.generation_id = generation_;
    sync.member_id = member_id_;
    sync.protocol_type = kConsumerProtocolType;
    sync.protocol_name = joined->protocol_name;
    if (joined->leader == member_id_) {
      auto plan = co_await assign(joined->members);
      if (!plan) co_return plan.error();
      for (auto& [member, parts] : *plan) {
        SyncGroupRequest::SyncGroupRequestAssignment a;
        a.member_id = member;
        a.assignment = encode_assignment(parts);
        sync.assignments.push_back(std::move(a));
      }
    }
    auto synced = co_await (*conn)->send<SyncGroupRequest, SyncGroupResponse>(sync, kAutoVersion, long_wait);
    if (!synced) co_return co_await handle(synced.error());
    if (synced->error_code != 0) co_return co_await handle(kafka_error(synced->error_code, (*conn)->broker()));
    auto parts = decode_assignment(synced->assignment);
    if (!parts) {
      co_return client_error(ClientErrc::kMalformedResponse, (*conn)->broker(), "undecodable consumer assignment");
    }
    stable_ = true;
    next_action_ = Clock::now() + options_.classic_heartbeat_interval;
    note(fmt::format("joined group {} as {} (generation {}{})", options_.group_id, member_id_, generation_,
                     joined->leader == member_id_ ? ", leader" : ""));
    std::set<TopicPartition> target(parts->begin(), parts->end());
    co_return co_await apply(std::move(target));
  }

  // The leader's job: range-assign every member's subscription.
  awaitable<Result<std::map<std::string, std::vector<TopicPartition>>>> assign(
      const std::vector<JoinGroupResponse::JoinGroupResponseMember>& members) {
    std::map<std::string, std::vector<std::string>> subscriptions;
    std::vector<std::string> topics;
    for (const auto& m : members) {
      auto s = decode_subscription(m.metadata);
      subscriptions[m.member_id] = s ? s->topics : std::vector<std::string>{};
      if (s) topics.insert(topics.end(), s->topics.begin(), s->topics.end());
    }
    std::map<std::string, int32_t> counts;
    auto md = co_await client_.refresh_metadata(topics);
    if (!md) co_return md.error();
    for (const auto& t : topics) {
      if (const TopicInfo* info = (*md)->topic(t)) counts[t] = info->partition_count();
    }
    co_return range_assign(subscriptions, counts);
  }

  bool left_ = false;
  bool stable_ = false;
  Clock::time_point next_action_ = Clock::now();
};

}  // namespace

std::unique_ptr<GroupMember> make_classic_member(Client& client, Consumer& consumer, GroupMemberOptions options) {
  return std::make_unique<ClassicGroupMember>(client, consumer, std::move(options));
}

}  // namespace kappa::client

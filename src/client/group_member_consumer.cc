// GroupMember for KIP-848 consumer groups: ConsumerGroupHeartbeat with
// server-side assignment.
#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "client/group_member_impl.h"
#include "kappa/protocol/msg/consumer_group_heartbeat.h"

namespace kappa::client {
namespace {

using protocol::ConsumerGroupHeartbeatRequest;
using protocol::ConsumerGroupHeartbeatResponse;
using protocol::ErrorCode;
using protocol::Uuid;
using Clock = std::chrono::steady_clock;

constexpr int32_t kLeaveEpoch = -1;
constexpr auto kRetryBackoff = std::chrono::milliseconds(500);

// KIP-848 members name themselves: a random UUID, printed as Kafka's
// Uuid.toString() does (URL-safe base64 without padding).
std::string random_member_id() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  return Uuid::from_halves(gen(), gen()).to_string();
}

class ConsumerGroupMember final : public GroupMember {
 public:
  ConsumerGroupMember(Client& client, Consumer& consumer, GroupMemberOptions options)
      : GroupMember(client, consumer, std::move(options)) {
    std::sort(options_.topics.begin(), options_.topics.end());
    options_.topics.erase(std::unique(options_.topics.begin(), options_.topics.end()), options_.topics.end());
    member_id_ = random_member_id();
  }

  awaitable<Result<void>> tick() override {
    if (left_) co_return ok();
    // A new assignment is acknowledged at once; a few rounds at most.
    for (int round = 0; round < 4 && Clock::now() >= next_heartbeat_; ++round) {
      auto r = co_await heartbeat();
      if (!r) co_return r;
    }
    if (Clock::now() >= next_commit_ && generation_ > 0) {
      auto c = co_await commit();
      if (!c) note(fmt::format("periodic commit failed: {}", c.error().to_string()));
    }
    co_return ok();
  }

  awaitable<Result<void>> leave() override {
    if (left_) co_return ok();
    left_ = true;
    Result<void> committed = ok();
    if (generation_ > 0) committed = co_await commit();
    if (generation_ <= 0) co_return committed;  // never joined
    auto node = co_await coordinator();
    if (!node) co_return node.error();
    ConsumerGroupHeartbeatRequest req;
    req.group_id = options_.group_id;
    req.member_id = member_id_;
    req.member_epoch = kLeaveEpoch;
    auto resp = co_await client_.send_to_node<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(*node, req);
    for (const auto& tp : owned_) consumer_.unassign(tp);
    owned_.clear();
    generation_ = -1;
    if (!resp) co_return resp.error();
    if (resp->error_code != 0) co_return kafka_error(resp->error_code, client_.describe_node(*node), resp->error_message);
    note(fmt::format("left group {}", options_.group_id));
    co_return committed;
  }

 private:
  // Topic ids of what we own, grouped as the request wants them.
  awaitable<Result<std::vector<ConsumerGroupHeartbeatRequest::TopicPartitions>>> owned_ids() {
    std::vector<ConsumerGroupHeartbeatRequest::TopicPartitions> out;
    for (const auto& tp : owned_) {
      auto id = ids_.find(tp.topic);
      if (id == ids_.end()) {
        auto info = co_await client_.topic(tp.topic);
        if (!info) co_return info.error();
        id = ids_.emplace(tp.topic, info->id).first;
        names_[info->id] = tp.topic;
      }
      if (out.empty() || out.back().topic_id != id->second) {
        ConsumerGroupHeartbeatRequest::TopicPartitions t;
        t.topic_id = id->second;
        out.push_back(std::move(t));
      }
      out.back().partitions.push_back(tp.partition);
    }
    co_return out;
  }

  awaitable<Result<std::string>> name_of(const Uuid& id) {
    if (auto it = names_.find(id); it != names_.end()) co_return it->second;
    auto md = co_await client_.refresh_metadata();
    if (!md) co_return md.error();
    for (const auto& [name, t] : (*md)->topics) {
      names_[t.id] = name;
      ids_[name] = t.id;
    }
    if (auto it = names_.find(id); it != names_.end()) co_return it->second;
    co_return client_error(ClientErrc::kInvalidArgument, "", fmt::format("unknown topic id {}", id.to_string()));
  }

  void retry_soon() { next_heartbeat_ = Clock::now() + kRetryBackoff; }

  awaitable<Result<void>> heartbeat() {
    auto node = co_await coordinator();
    if (!node) {
      note(fmt::format("coordinator lookup failed: {}", node.error().to_string()));
      retry_soon();
      co_return ok();
    }
    auto owned = co_await owned_ids();
    if (!owned) co_return owned.error();
    ConsumerGroupHeartbeatRequest req;
    req.group_id = options_.group_id;
    req.member_id = member_id_;
    req.member_epoch = std::max(generation_, 0);
    req.rebalance_timeout_ms = static_cast<int32_t>(options_.rebalance_timeout.count());
    req.subscribed_topic_names = options_.topics;
    req.topic_partitions = std::move(*owned);
    auto resp = co_await client_.send_to_node<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>(*node, req);
    if (!resp) {
      if (coordinator_moved(resp.error())) forget_coordinator();
      note(fmt::format("heartbeat failed: {}", resp.error().to_string()));
      retry_soon();
      co_return ok();
    }
    if (resp->error_code != 0) {
      Error e = kafka_error(resp->error_code, client_.describe_node(*node), resp->error_message);
      if (coordinator_moved(e)) {
        forget_coordinator();
        retry_soon();
        co_return ok();
      }
      if (e.is(ErrorCode::kFencedMemberEpoch) || e.is(ErrorCode::kUnknownMemberId)) {
        note(fmt::format("membership lost ({}); rejoining", e.name()));
        lose_all();
        generation_ = -1;
        if (e.is(ErrorCode::kUnknownMemberId)) member_id_ = random_member_id();
        next_heartbeat_ = Clock::now();
        co_return ok();
      }
      co_return e;
    }
    if (resp->member_id) member_id_ = *resp->member_id;
    const bool joined = generation_ <= 0 && resp->member_epoch > 0;
    generation_ = resp->member_epoch;
    if (joined) note(fmt::format("joined group {} as {} (epoch {})", options_.group_id, member_id_, generation_));
    next_heartbeat_ = Clock::now() + std::chrono::milliseconds(std::max(resp->heartbeat_interval_ms, 100));
    if (!resp->assignment) co_return ok();
    std::set<TopicPartition> target;
    for (const auto& t : resp->assignment->topic_partitions) {
      auto name = co_await name_of(t.topic_id);
      if (!name) co_return name.error();
      for (int32_t p : t.partitions) target.insert(TopicPartition{*name, p});
    }
    const bool changed = target != owned_;
    auto applied = co_await apply(std::move(target));
    if (!applied) co_return applied;
    if (changed) next_heartbeat_ = Clock::now();  // acknowledge now
    co_return ok();
  }

  bool left_ = false;
  Clock::time_point next_heartbeat_ = Clock::now();
  std::map<std::string, Uuid> ids_;
  std::map<Uuid, std::string> names_;
};

}  // namespace

std::unique_ptr<GroupMember> make_consumer_member(Client& client, Consumer& consumer, GroupMemberOptions options) {
  return std::make_unique<ConsumerGroupMember>(client, consumer, std::move(options));
}

}  // namespace kappa::client

#pragma once
// GroupMember: membership of a consumer group for a Consumer (consumer.h).
//
//   Consumer consumer(client, {});
//   auto member = GroupMember::create(client, consumer, {.group_id = "g", .topics = {"orders"}});
//   while (running) {
//     auto records = co_await consumer.poll();  // use them
//     if (auto r = co_await member->tick(); !r) fail(r.error());
//   }
//   co_await member->leave();
//
// Two protocols:
// - kConsumer (KIP-848, default): ConsumerGroupHeartbeat; the broker
//   assigns. The member reports what it owns in every heartbeat, gives up
//   revoked partitions first (commit, unassign) and acknowledges at once,
//   heartbeats at the interval the broker returns, and leaves with epoch -1
//   (group_member_consumer.cc).
// - kClassic: JoinGroup/SyncGroup/Heartbeat/LeaveGroup with the "consumer"
//   embedded protocol (consumer_protocol.h) and the range assignor run by
//   the leader; eager: everything is revoked (and committed) before each
//   rejoin (group_member_classic.cc).
//
// Partitions are started at their committed offsets, else per
// options.reset (auto.offset.reset). Positions of owned partitions are
// committed every commit_interval, on revocation and on leave(); only what
// the Consumer has returned is committed, so a caller that drops records it
// polled must seek() back first.
//
// tick() does the I/O that is due (heartbeat, rebalance, commit) and returns
// quickly otherwise; call it between polls, at least every few hundred ms.
// Coordinator moves, disconnects and lost memberships (fenced, unknown
// member) are handled inside (rediscover, rejoin); only errors that will
// not go away (e.g. GROUP_AUTHORIZATION_FAILED, INVALID_REQUEST) are returned.
//
// Thread-safety and lifetime: not thread-safe; `client` and `consumer` must
// outlive it; tick() must not overlap a poll() of the consumer.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kappa/async/asio.h"
#include "kappa/client/client.h"
#include "kappa/client/consumer.h"
#include "kappa/client/records.h"
#include "kappa/client/result.h"

namespace kappa::client {

enum class GroupProtocol { kConsumer, kClassic };

struct GroupMemberOptions {
  std::string group_id;
  std::vector<std::string> topics;
  GroupProtocol protocol = GroupProtocol::kConsumer;
  OffsetReset reset = OffsetReset::kLatest;  // partitions without a committed offset
  std::chrono::milliseconds session_timeout{10'000};    // classic only (KIP-848: the broker's)
  std::chrono::milliseconds rebalance_timeout{30'000};
  std::chrono::milliseconds classic_heartbeat_interval{1'000};
  std::chrono::milliseconds commit_interval{5'000};
  // Diagnostics (joins, assignments, recoverable errors); may be empty.
  std::function<void(const std::string&)> log;
};

class GroupMember {
 public:
  static std::unique_ptr<GroupMember> create(Client& client, Consumer& consumer, GroupMemberOptions options);
  virtual ~GroupMember() = default;
  GroupMember(const GroupMember&) = delete;
  GroupMember& operator=(const GroupMember&) = delete;

  virtual awaitable<Result<void>> tick() = 0;
  // Commits what the consumer returned for owned partitions (if it moved).
  awaitable<Result<void>> commit();
  // Commits and leaves the group; later ticks do nothing.
  virtual awaitable<Result<void>> leave() = 0;

  const std::set<TopicPartition>& owned() const { return owned_; }
  // Whether the coordinator has given this member an assignment (maybe empty).
  bool has_assignment() const { return has_assignment_; }
  const std::string& member_id() const { return member_id_; }
  // KIP-848 member epoch or classic generation; -1 outside the group.
  int32_t generation() const { return generation_; }

 protected:
  GroupMember(Client& client, Consumer& consumer, GroupMemberOptions options);

  // The coordinator's node id, looked up once and after forget_coordinator().
  awaitable<Result<int32_t>> coordinator();
  void forget_coordinator() { coordinator_.reset(); }
  // True for errors after which the coordinator should be looked up again.
  static bool coordinator_moved(const Error& e);
  // Moves to `target`: commits and unassigns revoked partitions, assigns new
  // ones at their committed offsets (or per options.reset).
  awaitable<Result<void>> apply(std::set<TopicPartition> target);
  // The membership is gone (fenced / unknown member): drop partitions
  // without committing (another member may own them by now).
  void lose_all();
  // Commits positions of `partitions` (those that moved since the last commit).
  awaitable<Result<void>> commit_partitions(std::vector<TopicPartition> partitions);
  void note(const std::string& message) const {
    if (options_.log) options_.log(message);
  }

  Client& client_;
  Consumer& consumer_;
  GroupMemberOptions options_;
  std::set<TopicPartition> owned_;
  bool has_assignment_ = false;
  std::string member_id_;
  int32_t generation_ = -1;
  std::chrono::steady_clock::time_point next_commit_;

 private:
  std::optional<int32_t> coordinator_;
  std::map<TopicPartition, int64_t> committed_;  // what we last committed
};

}  // namespace kappa::client

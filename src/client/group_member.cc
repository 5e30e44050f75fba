// GroupMember: what both protocols share — coordinator lookup, moving the
// Consumer to a new assignment, committing offsets.
#include "kappa/client/group_member.h"

#include <fmt/format.h>

#include "kappa/client/admin.h"
#include "kappa/client/group_assignment.h"
#include "kappa/protocol/msg/offset_commit.h"
#include "client/group_member_impl.h"

namespace kappa::client {

using protocol::ErrorCode;

std::unique_ptr<GroupMember> GroupMember::create(Client& client, Consumer& consumer, GroupMemberOptions options) {
  if (options.protocol == GroupProtocol::kClassic) return make_classic_member(client, consumer, std::move(options));
  return make_consumer_member(client, consumer, std::move(options));
}

GroupMember::GroupMember(Client& client, Consumer& consumer, GroupMemberOptions options)
    : client_(client),
      consumer_(consumer),
      options_(std::move(options)),
      next_commit_(std::chrono::steady_clock::now() + options_.commit_interval) {}

bool GroupMember::coordinator_moved(const Error& e) {
  return e.code.category() == client_category() || e.is(ErrorCode::kNotCoordinator) ||
         e.is(ErrorCode::kCoordinatorNotAvailable) || e.is(ErrorCode::kCoordinatorLoadInProgress);
}

awaitable<Result<int32_t>> GroupMember::coordinator() {
  if (coordinator_) co_return *coordinator_;
  Admin admin(client_);
  auto node = co_await admin.find_coordinator(options_.group_id);
  if (!node) co_return node.error();
  coordinator_ = *node;
  co_return *node;
}

void GroupMember::lose_all() {
  for (const auto& tp : owned_) {
    consumer_.unassign(tp);
    committed_.erase(tp);
  }
  if (!owned_.empty()) note(fmt::format("lost {} partition(s) without committing", owned_.size()));
  owned_.clear();
}

awaitable<Result<void>> GroupMember::apply(std::set<TopicPartition> target) {
  has_assignment_ = true;
  const AssignmentChange change = reconcile(owned_, target);
  if (change.empty()) co_return ok();
  if (!change.revoked.empty()) {
    auto committed = co_await commit_partitions(change.revoked);
    if (!committed) note(fmt::format("commit on revocation failed: {}", committed.error().to_string()));
    for (const auto& tp : change.revoked) {
      consumer_.unassign(tp);
      owned_.erase(tp);
      committed_.erase(tp);
    }
  }
  if (!change.added.empty()) {
    Admin admin(client_);
    auto offsets = co_await admin.fetch_offsets(options_.group_id);
    if (!offsets) co_return offsets.error();
    std::vector<std::pair<TopicPartition, StartAt>> wanted;
    for (const auto& tp : change.added) {
      auto it = offsets->find(tp);
      if (it != offsets->end()) {
        wanted.emplace_back(tp, StartAt::offset(it->second));
        committed_[tp] = it->second;
      } else {
        wanted.emplace_back(tp, options_.reset == OffsetReset::kEarliest ? StartAt::earliest() : StartAt::latest());
      }
    }
    auto assigned = co_await consumer_.assign(std::move(wanted));
    if (!assigned) co_return assigned.error();
    owned_.insert(change.added.begin(), change.added.end());
  }
  std::string parts;
  for (const auto& tp : owned_) parts += fmt::format("{}{}-{}", parts.empty() ? "" : " ", tp.topic, tp.partition);
  note(fmt::format("generation {}: revoked {}, added {}, owns [{}]", generation_, change.revoked.size(),
                   change.added.size(), parts));
  co_return ok();
}

awaitable<Result<void>> GroupMember::commit() {
  std::vector<TopicPartition> parts(owned_.begin(), owned_.end());
  co_return co_await commit_partitions(std::move(parts));
}

awaitable<Result<void>> GroupMember::commit_partitions(std::vector<TopicPartition> partitions) {
  next_commit_ = std::chrono::steady_clock::now() + options_.commit_interval;
  std::map<TopicPartition, int64_t> due;
  for (const auto& tp : partitions) {
    auto pos = consumer_.position(tp);
    if (!pos) continue;
    auto last = committed_.find(tp);
    if (last != committed_.end() && last->second == *pos) continue;
    due[tp] = *pos;
  }
  if (due.empty() || generation_ < 0) co_return ok();
  auto node = co_await coordinator();
  if (!node) co_return node.error();
  protocol::OffsetCommitRequest req;
  req.group_id = options_.group_id;
  req.generation_id_or_member_epoch = generation_;
  req.member_id = member_id_;
  for (const auto& [tp, offset] : due) {
    if (req.topics.empty() || req.topics.back().name != tp.topic) {
      protocol::OffsetCommitRequest::OffsetCommitRequestTopic t;
      t.name = tp.topic;
      req.topics.push_back(std::move(t));
    }
    protocol::OffsetCommitRequest::OffsetCommitRequestPartition p;
    p.partition_index = tp.partition;
    p.committed_offset = offset;
    req.topics.back().partitions.push_back(std::move(p));
  }
  auto resp = co_await client_.send_to_node<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(*node, req);
  if (!resp) {
    if (coordinator_moved(resp.error())) forget_coordinator();
    co_return resp.error();
  }
  std::optional<Error> first;
  for (const auto& t : resp->topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition_index};
      if (p.error_code == 0) {
        committed_[tp] = due[tp];
      } else if (!first) {
        first = kafka_error(p.error_code, client_.describe_node(*node),
                            fmt::format("OffsetCommit for {}-{} failed", t.name, p.partition_index));
      }
    }
  }
  if (first) {
    if (coordinator_moved(*first)) forget_coordinator();
    co_return *first;
  }
  co_return ok();
}

}  // namespace kappa::client

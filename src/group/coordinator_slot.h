#pragma once
// Internals of GroupCoordinator shared by its source files: the per-
// partition slot, the sink that appends a shard's records to its partition,
// and the waiter used for the high watermark.

#include "kappa/group/group_coordinator.h"
#include "kappa/replication/partition.h"
#include "kappa/replication/timed_waiter.h"

namespace kappa::group {

class GroupCoordinator::Sink final : public RecordSink {
 public:
  Sink(GroupCoordinator& owner, Slot& slot) : owner_(owner), slot_(slot) {}
  // One batch, appended as the leader with acks=all semantics; records the
  // slot's written end.  NOT_LEADER_OR_FOLLOWER once the slot is stale.
  protocol::ErrorCode append(std::vector<CoordinatorRecord> records) override;

 private:
  GroupCoordinator& owner_;
  Slot& slot_;
};

// One led __consumer_offsets partition.  Shared by the coordinator and the
// coroutines working on it; `unloaded` tells them it is gone.
struct GroupCoordinator::Slot {
  Slot(int32_t i, int32_t epoch) : index(i), leader_epoch(epoch) {}
  const int32_t index;
  const int32_t leader_epoch;
  bool active = false;      // loaded: serves requests
  bool unloaded = false;    // leadership lost, or stopped
  int64_t written_end = 0;  // end offset of the last append (what responses wait for)
  std::unique_ptr<Sink> sink;
  std::unique_ptr<GroupShard> shard;  // declared after the sink it uses
};

// The result of a callback-style shard operation, awaited by a coroutine.
// `written` is the slot's written end when the result was decided.
template <typename T>
class Completion {
 public:
  explicit Completion(asio::any_io_executor exec) : timer_(exec) {}
  void set(T value, int64_t written) {
    value_ = std::move(value);
    written_ = written;
    timer_.cancel();
  }
  awaitable<std::pair<T, int64_t>> wait() {
    while (!value_) {
      timer_.expires_at(std::chrono::steady_clock::time_point::max());
      co_await timer_.async_wait(use_tuple);
    }
    co_return std::make_pair(std::move(*value_), written_);
  }

 private:
  asio::steady_timer timer_;
  std::optional<T> value_;
  int64_t written_ = 0;
};

}  // namespace kappa::group

#pragma once
// Coroutines that wait for partitions to change: the acks=all wait for the
// high watermark and the Fetch long poll (max_wait_ms / min_bytes).  Waiters
// register by TopicPartition and re-resolve after waking, so a partition
// deleted meanwhile is never touched again.

#include <chrono>
#include <vector>

#include "broker/asio.h"
#include "kappa/protocol/error_code.h"
#include "kappa/storage/topic_partition.h"

namespace kappa::broker {

class Broker;

using Deadline = std::chrono::steady_clock::time_point;

// kNone once the partition's high watermark reaches `offset` (every in-sync
// replica has the records); NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR
// shrank below `min_insync_replicas` before that; REQUEST_TIMED_OUT at the
// deadline; NOT_LEADER_OR_FOLLOWER if this broker stops leading the
// partition (or it is deleted).
awaitable<protocol::ErrorCode> wait_for_high_watermark(Broker& broker, storage::TopicPartition tp, int64_t offset,
                                                       Deadline deadline, int32_t min_insync_replicas = 1,
                                                       int32_t leader_epoch = -1);

// Returns when any of the partitions changes (new data, a moved high
// watermark, a role change), at the deadline, or at broker shutdown.
awaitable<void> wait_for_change(Broker& broker, const std::vector<storage::TopicPartition>& partitions,
                                Deadline deadline);

}  // namespace kappa::broker

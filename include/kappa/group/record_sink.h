#pragma once
// Where the group state machines write their records: the coordinator's
// __consumer_offsets partition.  append() is synchronous — when it returns
// kNone the records are in the log, after everything appended before them,
// but not necessarily replicated yet; the coordinator holds back every
// response until the high watermark has passed them.

#include <cstdint>
#include <vector>

#include "kappa/group/coordinator_record.h"
#include "kappa/protocol/error_code.h"

namespace kappa::group {

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Appends the records as one batch (all or nothing).  Errors are those of
  // the partition: NOT_LEADER_OR_FOLLOWER, MESSAGE_TOO_LARGE,
  // KAFKA_STORAGE_ERROR, NOT_ENOUGH_REPLICAS, ...
  virtual protocol::ErrorCode append(std::vector<CoordinatorRecord> records) = 0;
};

// Kafka's translation of append errors for group metadata writes (JoinGroup
// and SyncGroup see these).
protocol::ErrorCode group_write_error(protocol::ErrorCode append_error);
// ... and for offset commits.
protocol::ErrorCode offset_write_error(protocol::ErrorCode append_error);

}  // namespace kappa::group

#pragma once
// The simulated controller: the committed metadata of one partition
// (replicas 1..N) in a real metadata::MetadataImage, changed only through
// src/controller's planning functions, as the real controller does:
//   registration of a new incarnation  -> fenced; if it was registered
//        before, plan_broker_removal (it leaves the ISR, leadership moves)
//   heartbeat of a caught-up fenced broker -> unfenced, plan_broker_return
//   no heartbeat within the session timeout -> fenced, plan_broker_removal
//   AlterPartition -> plan_isr_change (leader and partition epoch checks)
// Leader changes bump the leader epoch and every change the partition
// epoch (metadata_image.cc).  The quorum behind it is assumed available;
// the metadata quorum has its own simulation (tests/raft).

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "kappa/common/clock.h"
#include "kappa/controller/alter_partition.h"
#include "kappa/metadata/metadata_image.h"
#include "kappa/protocol/error_code.h"
#include "replication/sim_options.h"

namespace kappa::replication::sim {

inline constexpr char kTopic[] = "t";

struct MetadataView {
  int64_t version = 0;  // bumped by every committed change
  metadata::PartitionState partition;
  bool fenced = true;   // the asking broker's registration
  std::map<int32_t, int64_t> broker_epochs;  // registered broker epochs
};

class SimController {
 public:
  SimController(const SimOptions& options, const Clock& clock);

  // A broker (re)starts with a new incarnation; returns its broker epoch.
  int64_t register_broker(int32_t broker, uint64_t incarnation);
  // A heartbeat from `broker` that has applied metadata `applied_version`.
  protocol::ErrorCode heartbeat(int32_t broker, int64_t broker_epoch, int64_t applied_version);
  // AlterPartition from a partition leader.
  protocol::ErrorCode alter_partition(int32_t broker, int64_t broker_epoch, int32_t leader_epoch,
                                      int32_t partition_epoch, const std::vector<int32_t>& new_isr,
                                      const std::vector<int64_t>& new_isr_epochs);
  // Fences brokers whose session expired.
  void check_sessions();

  MetadataView view(int32_t broker) const;
  const metadata::PartitionState& partition() const;
  int64_t version() const { return version_; }
  const protocol::Uuid& topic_id() const { return topic_id_; }
  // Called after every committed change.
  std::function<void(const metadata::PartitionState&)> on_change;

 private:
  void commit(std::vector<metadata::MetadataRecord> records);

  const SimOptions& options_;
  const Clock& clock_;
  metadata::MetadataImage image_;
  protocol::Uuid topic_id_;
  int64_t version_ = 0;
  std::map<int32_t, int64_t> last_contact_ms_;
  std::map<int32_t, int64_t> registered_at_;  // version of the registration
};

}  // namespace kappa::replication::sim

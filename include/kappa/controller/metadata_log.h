#pragma once
// The seam between the controller and the replicated metadata log.
//
// append() writes one entry of records; it completes once the entry is
// committed by the quorum AND applied to the local MetadataImage, so a
// caller that awaits it can read its own change.  Only the active
// controller may append; elsewhere the result is NOT_CONTROLLER.

#include <vector>

#include "kappa/async/asio.h"
#include "kappa/metadata/metadata_record.h"
#include "kappa/protocol/error_code.h"

namespace kappa::controller {

class MetadataLog {
 public:
  virtual ~MetadataLog() = default;
  virtual awaitable<protocol::ErrorCode> append(std::vector<metadata::MetadataRecord> records) = 0;
  // Whether this node is the active controller (may append).
  virtual bool is_active() const = 0;
  // Node id of the active controller, -1 if unknown.
  virtual int32_t active_controller() const = 0;
};

}  // namespace kappa::controller

#pragma once
// The metadata log as a node outside the controller quorum sees it
// (process.roles=broker): it fetches committed entries (or, first, the
// snapshot) from a controller with KappaFetchMetadata long polls and
// applies them to the local image.  It never appends; metadata changes are
// forwarded to the active controller.  Nothing is persisted: a restart
// fetches the snapshot again.

#include <functional>

#include "broker/peer_pool.h"
#include "kappa/controller/metadata_log.h"
#include "kappa/metadata/metadata_image.h"

namespace kappa::broker {

class Broker;

class MetadataFollower final : public controller::MetadataLog {
 public:
  MetadataFollower(Broker& broker, PeerPool& peers, metadata::MetadataImage& image, std::function<void()> on_commit);

  void start();
  void stop() { stopped_ = true; }
  awaitable<protocol::ErrorCode> append(std::vector<metadata::MetadataRecord>) override {
    co_return protocol::ErrorCode::kNotController;
  }
  bool is_active() const override { return false; }
  int32_t active_controller() const override { return leader_; }

 private:
  awaitable<void> run();

  Broker& broker_;
  PeerPool& peers_;
  metadata::MetadataImage& image_;
  std::function<void()> on_commit_;
  int32_t leader_ = -1;
  bool stopped_ = false;
};

}  // namespace kappa::broker

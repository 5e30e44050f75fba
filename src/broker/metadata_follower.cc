#include "broker/metadata_follower.h"

#include "broker/broker.h"
#include "kappa/async/spawn.h"
#include "kappa/common/log.h"
#include "kappa/protocol/msg/kappa_fetch_metadata.h"

namespace kappa::broker {
namespace {
auto& log() {
  static auto logger = logging::get("metadata");
  return logger;
}
}  // namespace

MetadataFollower::MetadataFollower(Broker& broker, PeerPool& peers, metadata::MetadataImage& image,
                                   std::function<void()> on_commit)
    : broker_(broker), peers_(peers), image_(image), on_commit_(std::move(on_commit)) {}

void MetadataFollower::start() { spawn_logged(broker_.io(), run(), "metadata follower"); }

awaitable<void> MetadataFollower::run() {
  asio::steady_timer backoff(broker_.io());
  auto nodes = peers_.nodes();
  size_t rotation = 0;
  while (!stopped_ && !nodes.empty()) {
    int32_t target = leader_ >= 0 && peers_.knows(leader_) ? leader_ : nodes[rotation++ % nodes.size()];
    auto conn = co_await peers_.get(target);
    if (conn) {
      protocol::KappaFetchMetadataRequest req;
      req.cluster_id = broker_.cluster_id();
      req.broker_id = broker_.node_id();
      req.fetch_offset = image_.offset() < 0 ? 0 : image_.offset();
      req.max_wait_ms = 500;
      auto r = co_await (*conn)->send<protocol::KappaFetchMetadataRequest, protocol::KappaFetchMetadataResponse>(req);
      if (r && r->error_code == 0) {
        leader_ = r->leader_id;
        bool changed = false;
        if (r->snapshot) {
          image_ = metadata::MetadataImage();
          for (const auto& rec : metadata::decode_records(*r->snapshot)) image_.apply(rec);
          image_.set_offset(r->snapshot_index);
          changed = true;
        }
        for (const auto& e : r->entries) {
          if (e.index <= image_.offset()) continue;
          if (!e.payload.empty()) {
            for (const auto& rec : metadata::decode_records(e.payload)) image_.apply(rec);
          }
          image_.set_offset(e.index);
          changed = true;
        }
        if (changed && on_commit_) on_commit_();
        continue;
      }
      if (r && r->error_code != 0) {
        log()->warn("controller {} refused a metadata fetch: {}", target, protocol::error_name(r->error_code));
      }
    }
    leader_ = -1;
    backoff.expires_after(std::chrono::milliseconds(200));
    co_await backoff.async_wait(use_tuple);
  }
}

}  // namespace kappa::broker

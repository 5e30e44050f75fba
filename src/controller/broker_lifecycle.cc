#include "kappa/controller/broker_lifecycle.h"

#include <fmt/format.h>

#include "kappa/common/log.h"

namespace kappa::controller {
namespace {

using protocol::ErrorCode;

auto& log() {
  static auto logger = logging::get("controller");
  return logger;
}

}  // namespace

BrokerLifecycle::BrokerLifecycle(Controller& controller, const Clock& clock, int64_t session_timeout_ms,
                                 UncleanElection unclean)
    : controller_(controller), clock_(clock), session_timeout_ms_(session_timeout_ms), unclean_(std::move(unclean)) {}

void BrokerLifecycle::on_activated() {
  const int64_t now = clock_.monotonic_ms();
  last_contact_ms_.clear();
  for (const auto& [id, b] : controller_.image().brokers()) last_contact_ms_[id] = now;
  registered_at_.clear();
}

awaitable<std::pair<ErrorCode, int64_t>> BrokerLifecycle::register_broker(BrokerRegistration reg) {
  int64_t epoch = -1;
  auto result = co_await controller_.execute([&](const metadata::MetadataImage& image,
                                                 std::vector<metadata::MetadataRecord>& out) -> CommandResult {
    const auto* existing = image.broker(reg.broker_id);
    if (existing && existing->incarnation == reg.incarnation) {
      epoch = existing->epoch;  // a retried registration
      return {};
    }
    int64_t max_epoch = 0;
    for (const auto& [id, b] : image.brokers()) max_epoch = std::max(max_epoch, b.epoch);
    epoch = max_epoch + 1;
    protocol::RegisterBrokerRecord r;
    r.broker_id = reg.broker_id;
    r.incarnation_id = reg.incarnation;
    r.broker_epoch = epoch;
    for (const auto& e : reg.endpoints) {
      protocol::RegisterBrokerRecord::BrokerEndpoint ep;
      ep.name = e.listener;
      ep.host = e.host;
      ep.port = e.port;
      r.end_points.push_back(std::move(ep));
    }
    r.rack = reg.rack;
    r.fenced = true;  // unfenced once caught up
    out.emplace_back(std::move(r));
    // A re-registration of a broker that led partitions (it restarted before
    // its session expired) must not leave those partitions with a dead leader.
    if (existing) {
      for (auto& rec : plan_broker_removal(image, {reg.broker_id}, unclean_)) out.push_back(std::move(rec));
    }
    return {};
  });
  if (!result.ok()) co_return std::pair{result.error, int64_t{-1}};
  last_contact_ms_[reg.broker_id] = clock_.monotonic_ms();
  registered_at_[reg.broker_id] = controller_.image().offset();
  log()->info("broker {} registered with epoch {}", reg.broker_id, epoch);
  co_return std::pair{ErrorCode::kNone, epoch};
}

awaitable<HeartbeatReply> BrokerLifecycle::heartbeat(BrokerHeartbeat hb) {
  HeartbeatReply reply;
  const auto* b = controller_.image().broker(hb.broker_id);
  if (!b) {
    reply.error = ErrorCode::kBrokerIdNotRegistered;
    co_return reply;
  }
  if (b->epoch != hb.broker_epoch) {
    reply.error = ErrorCode::kStaleBrokerEpoch;
    co_return reply;
  }
  last_contact_ms_[hb.broker_id] = clock_.monotonic_ms();
  auto reg = registered_at_.find(hb.broker_id);
  if (reg == registered_at_.end()) reg = registered_at_.emplace(hb.broker_id, controller_.image().offset()).first;
  reply.caught_up = hb.metadata_offset >= reg->second;
  const int32_t id = hb.broker_id;
  const int64_t epoch = hb.broker_epoch;
  if (hb.want_shutdown) {
    if (!b->in_controlled_shutdown || leader_count(controller_.image(), id) > 0) {
      auto r = co_await controller_.execute([&](const metadata::MetadataImage& image,
                                                std::vector<metadata::MetadataRecord>& out) -> CommandResult {
        const auto* cur = image.broker(id);
        if (!cur || cur->epoch != epoch) return {ErrorCode::kStaleBrokerEpoch, "stale epoch"};
        if (!cur->in_controlled_shutdown) {
          protocol::BrokerRegistrationChangeRecord change;
          change.broker_id = id;
          change.broker_epoch = epoch;
          change.in_controlled_shutdown = 1;
          out.emplace_back(change);
        }
        for (auto& rec : plan_broker_removal(image, {id}, unclean_)) out.push_back(std::move(rec));
        return {};
      });
      if (!r.ok()) reply.error = r.error;
    }
    reply.should_shutdown = leader_count(controller_.image(), id) == 0;
  } else if (hb.want_fence && !b->fenced) {
    co_await fence(id, epoch, "it asked to be fenced");
  } else if (b->fenced && reply.caught_up && !hb.want_fence) {
    auto r = co_await controller_.execute([&](const metadata::MetadataImage& image,
                                              std::vector<metadata::MetadataRecord>& out) -> CommandResult {
      const auto* cur = image.broker(id);
      if (!cur || cur->epoch != epoch || !cur->fenced) return {};
      out.emplace_back(protocol::UnfenceBrokerRecord{id, epoch});
      // plan_broker_return reads the image before the unfence applies; that is
      // fine: it only needs the ISR membership.
      for (auto& rec : plan_broker_return(image, id)) out.push_back(std::move(rec));
      return {};
    });
    if (r.ok()) log()->info("broker {} unfenced", id);
  }
  const auto* now_b = controller_.image().broker(id);
  reply.fenced = !now_b || now_b->fenced;
  co_return reply;
}

awaitable<void> BrokerLifecycle::fence(int32_t broker, int64_t epoch, const char* why) {
  auto r = co_await controller_.execute([&](const metadata::MetadataImage& image,
                                            std::vector<metadata::MetadataRecord>& out) -> CommandResult {
    const auto* cur = image.broker(broker);
    if (!cur || cur->epoch != epoch || cur->fenced) return {};
    out.emplace_back(protocol::FenceBrokerRecord{broker, epoch});
    for (auto& rec : plan_broker_removal(image, {broker}, unclean_)) out.push_back(std::move(rec));
    return {};
  });
  if (r.ok()) log()->warn("fenced broker {}: {}", broker, why);
}

awaitable<void> BrokerLifecycle::check_sessions() {
  if (!controller_.is_active()) co_return;
  const int64_t now = clock_.monotonic_ms();
  std::vector<std::pair<int32_t, int64_t>> expired;
  for (const auto& [id, b] : controller_.image().brokers()) {
    if (b.fenced) continue;
    auto it = last_contact_ms_.find(id);
    if (it == last_contact_ms_.end()) {
      last_contact_ms_[id] = now;
      continue;
    }
    if (now - it->second > session_timeout_ms_) expired.emplace_back(id, b.epoch);
  }
  for (auto [id, epoch] : expired) {
    co_await fence(id, epoch, "no heartbeat within broker.session.timeout.ms");
  }
}

awaitable<void> BrokerLifecycle::rebalance_leaders() {
  if (!controller_.is_active()) co_return;
  auto r = co_await controller_.execute([](const metadata::MetadataImage& image,
                                           std::vector<metadata::MetadataRecord>& out) -> CommandResult {
    out = plan_preferred_leaders(image);
    return {};
  });
  (void)r;
}

}  // namespace kappa::controller

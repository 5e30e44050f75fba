#include "broker/admin/health.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <fmt/format.h>

#include "broker/broker.h"
#include "broker/broker_lifecycle_manager.h"

namespace kappa::broker {
namespace {

constexpr size_t kMaxListed = 50;  // partitions named in one warning

void check_log_dirs(Broker& broker, HealthReport& r) {
  for (const auto& dir : broker.config().log_dirs()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      r.problems.push_back(fmt::format("log directory {} is offline: {}", dir.string(),
                                       ec ? ec.message() : std::string("not a directory")));
    } else if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      r.problems.push_back(fmt::format("log directory {} is offline: not writable", dir.string()));
    }
  }
}

void check_lifecycle(Broker& broker, HealthReport& r) {
  const auto* lm = broker.lifecycle_manager();
  if (!lm || !lm->registered()) {
    r.problems.push_back("not registered with the controller");
    return;
  }
  if (lm->fenced()) r.problems.push_back("fenced by the controller");
  const auto* self = broker.image().broker(broker.node_id());
  if (self && self->fenced && !lm->fenced()) r.problems.push_back("fenced in the cluster metadata");
  const auto session = std::chrono::milliseconds(broker.config().get_long("broker.session.timeout.ms"));
  const auto ack = lm->last_heartbeat_ack();
  if (ack) {
    const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - *ack);
    if (age > session) {
      r.problems.push_back(fmt::format(
          "no heartbeat answered by the controller for {} ms (broker.session.timeout.ms={}): the controller fences "
          "this broker",
          age.count(), session.count()));
    }
  }
}

void check_replication(Broker& broker, HealthReport& r) {
  std::vector<std::string> under;
  size_t count = 0;
  for (const auto& [tp, p] : broker.replicas().partitions()) {
    if (!p->is_leader() || p->state().isr.size() >= p->state().replicas.size()) continue;
    if (++count <= kMaxListed) under.push_back(tp.dir_name());
  }
  if (count == 0) return;
  std::string list;
  for (const auto& name : under) list += (list.empty() ? "" : ", ") + name;
  if (count > under.size()) list += fmt::format(" and {} more", count - under.size());
  r.warnings.push_back(fmt::format("{} under-replicated partitions led here: {}", count, list));
}

}  // namespace

std::string HealthReport::text() const {
  std::string out = ready() ? "ready\n" : "not ready\n";
  for (const auto& p : problems) out += "problem: " + p + "\n";
  for (const auto& w : warnings) out += "warning: " + w + "\n";
  return out;
}

HealthReport check_health(Broker& broker) {
  HealthReport r;
  if (broker.stopping()) r.problems.push_back("shutting down");
  if (broker.controller_id() < 0) r.problems.push_back("no active controller known");
  if (broker.is_broker()) {
    check_lifecycle(broker, r);
    if (!broker.serving()) r.problems.push_back("not serving clients");
    check_log_dirs(broker, r);
    check_replication(broker, r);
  }
  return r;
}

}  // namespace kappa::broker

#pragma once
// /health: whether this node is ready to serve, and why not.
//
// Not ready (503) when any of: shutting down; no active controller known;
// (broker role) not registered with the controller, fenced by it, no
// heartbeat answered for longer than broker.session.timeout.ms (the
// controller fences such a broker), not yet serving clients, a log
// directory offline.  Under-replicated partitions led here are warnings
// only: the node still serves.

#include <string>
#include <vector>

namespace kappa::broker {

class Broker;

struct HealthReport {
  std::vector<std::string> problems;  // any problem: not ready
  std::vector<std::string> warnings;

  bool ready() const { return problems.empty(); }
  // "ready\n" or "not ready\n", then one "problem: ..." / "warning: ..." line each.
  std::string text() const;
};

HealthReport check_health(Broker& broker);

}  // namespace kappa::broker

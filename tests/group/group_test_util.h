#pragma once
// Shared fixtures for the group state machine tests: a ManualClock, a sink
// that records (or refuses) appends, deterministic member ids, and helpers
// that capture callback results.

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "kappa/common/clock.h"
#include "kappa/common/log.h"
#include "kappa/group/classic_group.h"
#include "kappa/group/group_context.h"
#include "kappa/group/record_sink.h"

namespace kappa::group::testing {

class FakeSink final : public RecordSink {
 public:
  protocol::ErrorCode append(std::vector<CoordinatorRecord> records) override {
    if (fail_with != protocol::ErrorCode::kNone) return fail_with;
    for (auto& r : records) appended.push_back(std::move(r));
    ++batches;
    return protocol::ErrorCode::kNone;
  }
  std::vector<CoordinatorRecord> appended;
  int batches = 0;
  protocol::ErrorCode fail_with = protocol::ErrorCode::kNone;
};

struct Env {
  GroupConfig config;
  ManualClock clock;
  FakeSink sink;
  int next_id = 0;
  GroupContext ctx{
      config,   clock, sink, [this] { return "uuid" + std::to_string(next_id++); }, logging::get("group"),
      "[test] "};
};

// A callback target: holds the result once the callback ran.
template <typename R>
struct Captured {
  std::optional<R> result;
  int calls = 0;
  std::function<void(R)> callback() {
    return [this](R r) {
      ++calls;
      result = std::move(r);
    };
  }
  bool done() const { return result.has_value(); }
  const R& operator*() const { return *result; }
  const R* operator->() const { return &*result; }
};

inline std::vector<GroupProtocol> protocols(std::initializer_list<std::string> names) {
  std::vector<GroupProtocol> out;
  for (const auto& n : names) out.push_back({n, protocol::Bytes(n.begin(), n.end())});
  return out;
}

inline JoinParams join_params(std::string member_id = "", std::optional<std::string> instance = std::nullopt,
                              std::vector<GroupProtocol> protos = protocols({"range"})) {
  JoinParams p;
  p.member_id = std::move(member_id);
  p.group_instance_id = std::move(instance);
  p.client_id = "client";
  p.client_host = "/127.0.0.1";
  p.session_timeout_ms = 10'000;
  p.rebalance_timeout_ms = 30'000;
  p.protocol_type = "consumer";
  p.protocols = std::move(protos);
  p.require_known_member_id = false;
  return p;
}

inline protocol::Bytes bytes(std::string_view s) { return protocol::Bytes(s.begin(), s.end()); }

}  // namespace kappa::group::testing

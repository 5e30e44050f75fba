#pragma once
// A member of a classic group and the results handed back to it.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kappa/protocol/error_code.h"
#include "kappa/protocol/wire.h"

namespace kappa::group {

struct GroupProtocol {
  std::string name;
  protocol::Bytes metadata;
  bool operator==(const GroupProtocol&) const = default;
};

struct JoinResponseMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  protocol::Bytes metadata;
  bool operator==(const JoinResponseMember&) const = default;
};

struct JoinResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::string leader_id;
  std::string member_id;
  bool skip_assignment = false;
  std::vector<JoinResponseMember> members;  // only for the leader

  static JoinResult failure(std::string member_id, protocol::ErrorCode e) {
    JoinResult r;
    r.member_id = std::move(member_id);
    r.error = e;
    return r;
  }
};

struct SyncResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  protocol::Bytes assignment;
};

using JoinCallback = std::function<void(JoinResult)>;
using SyncCallback = std::function<void(SyncResult)>;

inline constexpr int64_t kNoDeadline = INT64_MAX;

struct ClassicMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t rebalance_timeout_ms = 0;
  int32_t session_timeout_ms = 0;
  std::string protocol_type;
  std::vector<GroupProtocol> protocols;  // in the member's order of preference
  protocol::Bytes assignment;            // of the current generation
  JoinCallback awaiting_join;            // a JoinGroup waiting for the rebalance
  SyncCallback awaiting_sync;            // a SyncGroup waiting for the assignment
  bool is_new = false;                   // joined, has not completed a rebalance
  int64_t session_deadline = kNoDeadline;

  bool is_static() const { return group_instance_id.has_value(); }
  bool is_awaiting_join() const { return static_cast<bool>(awaiting_join); }
  bool is_awaiting_sync() const { return static_cast<bool>(awaiting_sync); }
  // The metadata it sent for `protocol`; nullptr when it does not support it.
  const protocol::Bytes* metadata(const std::string& protocol) const {
    for (const auto& p : protocols) {
      if (p.name == protocol) return &p.metadata;
    }
    return nullptr;
  }
  bool matches(const std::vector<GroupProtocol>& other) const { return protocols == other; }
  // Calls and clears the callbacks, if set.
  void complete_join(JoinResult r) {
    if (!awaiting_join) return;
    auto cb = std::move(awaiting_join);
    awaiting_join = nullptr;
    cb(std::move(r));
  }
  void complete_sync(SyncResult r) {
    if (!awaiting_sync) return;
    auto cb = std::move(awaiting_sync);
    awaiting_sync = nullptr;
    cb(std::move(r));
  }
};

}  // namespace kappa::group

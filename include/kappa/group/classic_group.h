#pragma once
// ClassicGroup: one group of Kafka's classic rebalance protocol (JoinGroup,
// SyncGroup, Heartbeat, LeaveGroup) as a state machine driven by method
// calls and tick(); it does no I/O.
//
//   Empty --join--> PreparingRebalance --all joined / rebalance timeout-->
//   CompletingRebalance --leader's SyncGroup--> Stable
//   (a join, leave or failure in CompletingRebalance/Stable goes back to
//   PreparingRebalance; a rebalance that ends with no member goes to Empty;
//   Dead is final: deleted, expired or unloaded)
//
// Invariants (checked by check_invariants(), always on in tests):
//   - every member id appears once; static_members_ maps each instance id to
//     the member that holds it;
//   - num_awaiting_join_ == members with a pending JoinGroup;
//   - Empty <=> no members (pending KIP-394 members aside);
//   - the leader, when set, is a member;
//   - in CompletingRebalance and Stable a protocol is selected that every
//     member supports.
//
// Responses that cannot be given at once (JoinGroup waits for the rebalance,
// SyncGroup for the leader's assignment) go through callbacks that are
// called exactly once — possibly from a later call (another member's join,
// tick(), unload()).  Callbacks must not call back into the group.
//
// The group writes its GroupMetadata record through ctx.sink when an
// assignment is stored (the leader's SyncGroup), when it becomes empty and
// when a static member is replaced.  Not thread-safe.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kappa/group/classic_member.h"
#include "kappa/group/group_context.h"
#include "kappa/protocol/msg/group_metadata_value.h"

namespace kappa::group {

enum class ClassicGroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable, kDead };
// Kafka's names: "Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead".
std::string_view state_name(ClassicGroupState s);

struct JoinParams {
  std::string member_id;  // "" for a new member
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = 0;
  std::string protocol_type;
  std::vector<GroupProtocol> protocols;
  bool require_known_member_id = false;   // JoinGroup v4+ (KIP-394)
  bool supports_skip_assignment = false;  // JoinGroup v9+
  std::string reason;
};

struct LeavingMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string reason;
};

struct DescribedMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  protocol::Bytes metadata;    // only when Stable
  protocol::Bytes assignment;  // only when Stable
};

struct GroupDescription {
  std::string state;
  std::string protocol_type;
  std::string protocol_data;  // the selected protocol when Stable
  std::vector<DescribedMember> members;
};

class ClassicGroup {
 public:
  ClassicGroup(std::string id, GroupContext& ctx);
  // Rebuilds a group from its GroupMetadata record (loading): Stable when it
  // has members, else Empty.  Members' sessions start now.
  static std::unique_ptr<ClassicGroup> load(std::string id, const protocol::GroupMetadataValue& value,
                                            GroupContext& ctx);

  const std::string& id() const { return id_; }
  ClassicGroupState state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::optional<std::string>& protocol_type() const { return protocol_type_; }
  const std::optional<std::string>& protocol_name() const { return protocol_name_; }
  const std::optional<std::string>& leader() const { return leader_; }
  std::optional<int64_t> state_timestamp_ms() const { return state_timestamp_ms_; }
  size_t size() const { return members_.size(); }
  bool is_empty_group() const { return state_ == ClassicGroupState::kEmpty; }
  const ClassicMember* member(const std::string& id) const;
  const std::map<std::string, ClassicMember>& members() const { return members_; }
  bool has_pending_member(const std::string& id) const { return pending_members_.count(id) > 0; }
  // Topics the members subscribe to, when the group uses the "consumer"
  // protocol and every subscription parses; nullopt = unknown (then no
  // topic counts as subscribed, as in Kafka).
  const std::optional<std::set<std::string>>& subscribed_topics() const { return subscribed_topics_; }
  bool is_subscribed_to(const std::string& topic) const;

  // --- The protocol (errors exactly as Kafka's GroupCoordinator) ---
  void join(JoinParams params, JoinCallback done);
  void sync(const std::string& member_id, const std::optional<std::string>& instance_id, int32_t generation,
            const std::optional<std::string>& protocol_type, const std::optional<std::string>& protocol_name,
            std::map<std::string, protocol::Bytes> assignment, SyncCallback done);
  protocol::ErrorCode heartbeat(const std::string& member_id, const std::optional<std::string>& instance_id,
                                int32_t generation);
  // One error per leaving member (the group-level errors are the caller's).
  std::vector<protocol::ErrorCode> leave(const std::vector<LeavingMember>& leaving);
  // Validates an OffsetCommit against the membership (and keeps the
  // committing member alive, as a heartbeat would).
  protocol::ErrorCode validate_offset_commit(const std::string& member_id,
                                             const std::optional<std::string>& instance_id,
                                             int32_t generation);

  GroupDescription describe() const;

  // --- Time ---
  // Fires every expired timer: rebalance completion, session and pending
  // member expiry, pending-sync expiry.
  void tick();
  // The earliest time tick() has work (monotonic ms); INT64_MAX if none.
  int64_t next_deadline() const;

  // Dead: every pending callback gets `error` (NOT_COORDINATOR on unload).
  void make_dead(protocol::ErrorCode error);

  // For tests: aborts if an invariant does not hold.
  void check_invariants() const;

 private:
  // classic_group.cc: membership bookkeeping
  void transition(ClassicGroupState to);
  void add_member(ClassicMember member);
  void remove_member(const std::string& member_id);
  void update_member(ClassicMember& m, std::vector<GroupProtocol> protocols, int32_t rebalance_timeout_ms,
                     int32_t session_timeout_ms, JoinCallback done);
  void replace_static_member(const std::string& instance_id, const std::string& old_id,
                             const std::string& new_id);
  bool supports_protocols(const std::string& type, const std::vector<GroupProtocol>& protocols) const;
  std::string select_protocol() const;
  int32_t rebalance_timeout_ms() const;
  bool has_all_members_joined() const;
  bool is_static_member_fenced(const std::optional<std::string>& instance_id,
                               const std::string& member_id) const;
  protocol::ErrorCode validate_member(const std::string& member_id,
                                      const std::optional<std::string>& instance_id) const;
  std::vector<JoinResponseMember> current_member_metadata() const;
  JoinResult join_result_for(const ClassicMember& m, bool with_members, const std::string& leader,
                             bool skip_assignment) const;
  void compute_subscribed_topics();
  void reschedule_session(ClassicMember& m, int64_t timeout_ms);
  // Answers the member's pending JoinGroup, if any.
  void complete_join_of(ClassicMember& m, JoinResult r);
  bool is_leader(const std::string& member_id) const { return leader_ == member_id; }

  // classic_store.cc: persistence
  protocol::ErrorCode store(const std::map<std::string, protocol::Bytes>& assignment);
  protocol::GroupMetadataValue to_record(const std::map<std::string, protocol::Bytes>& assignment) const;

  // classic_join.cc
  void join_new_member(JoinParams& p, JoinCallback& done);
  void join_static_new_member(JoinParams& p, const std::string& new_id, JoinCallback& done);
  void join_current_member(JoinParams& p, JoinCallback& done);
  void add_member_and_rebalance(JoinParams& p, const std::string& member_id, JoinCallback done);
  void update_member_and_rebalance(ClassicMember& m, JoinParams& p, JoinCallback done);
  void update_static_member_and_rebalance(const std::string& old_id, const std::string& new_id, JoinParams& p,
                                          JoinCallback done);
  bool accept_joining_member(const std::string& member_id) const;

  // classic_rebalance.cc
  void maybe_prepare_rebalance(std::string_view reason);
  void prepare_rebalance(std::string_view reason);
  void try_complete_join();
  void complete_join();
  void remove_member_and_update_group(const std::string& member_id, std::string_view reason);
  void set_and_propagate_assignment(const std::map<std::string, protocol::Bytes>& assignment);
  void reset_and_propagate_assignment_error(protocol::ErrorCode error);
  void expire_pending_sync();
  void expire_members(int64_t now);

  std::string id_;
  GroupContext& ctx_;
  ClassicGroupState state_ = ClassicGroupState::kEmpty;
  std::optional<int64_t> state_timestamp_ms_;  // wall clock of the last transition
  int32_t generation_ = 0;
  std::optional<std::string> protocol_type_;
  std::optional<std::string> protocol_name_;
  std::optional<std::string> leader_;
  std::map<std::string, ClassicMember> members_;
  std::map<std::string, std::string> static_members_;  // instance id -> member id
  std::map<std::string, int64_t> pending_members_;     // KIP-394: member id -> expiry
  std::map<std::string, int32_t> protocol_votes_;      // protocol -> members supporting it
  int32_t num_awaiting_join_ = 0;
  bool new_member_added_ = false;  // a member joined during the first rebalance
  std::optional<std::set<std::string>> subscribed_topics_;

  // The rebalance timer (PreparingRebalance).  An initial rebalance (from
  // Empty) waits group.initial.rebalance.delay.ms, extended while members
  // keep arriving, up to the rebalance timeout; any other completes as soon
  // as every member has rejoined, or at the rebalance timeout.
  struct JoinTimer {
    int64_t deadline = INT64_MAX;
    bool initial = false;
    int64_t delay_ms = 0;      // of the running initial delay
    int64_t remaining_ms = 0;  // rebalance time left after it
  } join_timer_;
  // CompletingRebalance/Stable: members that have not sent SyncGroup for
  // this generation are removed at this deadline.
  std::set<std::string> pending_sync_;
  int64_t sync_deadline_ = INT64_MAX;
};

}  // namespace kappa::group

#include "kappa/group/reconciler.h"

namespace kappa::group {
namespace {

// Does the member still own any partition it was asked to revoke?
bool owns_any(const std::optional<Assignment>& owned, const Assignment& revoked) {
  if (!owned) return true;
  for (const auto& [topic, parts] : *owned) {
    for (int32_t p : parts) {
      if (contains(revoked, topic, p)) return true;
    }
  }
  return false;
}

void set_epoch(ConsumerMember& m, int32_t epoch) {
  m.previous_member_epoch = m.member_epoch;
  m.member_epoch = epoch;
}

ConsumerMember next_assignment(const ConsumerMember& m, int32_t member_epoch, int32_t target_epoch,
                               const Assignment& target, const std::optional<Assignment>& owned,
                               const OwnedByOther& owned_by_other) {
  Assignment assigned, revoking, adding;
  bool unreleased = false;
  std::set<protocol::Uuid> topics;
  for (const auto& [t, _] : target) topics.insert(t);
  for (const auto& [t, _] : m.assigned) topics.insert(t);
  static const std::set<int32_t> kNone;
  for (const auto& topic : topics) {
    auto ti = target.find(topic);
    auto ci = m.assigned.find(topic);
    const auto& want = ti == target.end() ? kNone : ti->second;
    const auto& have = ci == m.assigned.end() ? kNone : ci->second;
    for (int32_t p : have) (want.count(p) ? assigned : revoking)[topic].insert(p);
    for (int32_t p : want) {
      if (have.count(p)) continue;
      if (owned_by_other(topic, p)) {
        unreleased = true;
      } else {
        adding[topic].insert(p);
      }
    }
  }
  ConsumerMember next = m;
  if (!revoking.empty() && owns_any(owned, revoking)) {
    // Revoke first; the epoch does not move yet.
    next.state = MemberState::kUnrevokedPartitions;
    set_epoch(next, member_epoch);
    next.assigned = std::move(assigned);
    next.pending_revocation = std::move(revoking);
    return next;
  }
  for (auto& [topic, parts] : adding) assigned[topic].insert(parts.begin(), parts.end());
  next.state = unreleased ? MemberState::kUnreleasedPartitions : MemberState::kStable;
  set_epoch(next, target_epoch);
  next.assigned = std::move(assigned);
  next.pending_revocation.clear();
  return next;
}

}  // namespace

ConsumerMember reconcile(const ConsumerMember& m, int32_t target_epoch, const Assignment& target,
                         const std::optional<Assignment>& owned, const OwnedByOther& owned_by_other) {
  if (m.is_reconciled_to(target_epoch)) return m;
  switch (m.state) {
    case MemberState::kStable:
      if (m.member_epoch == target_epoch) return m;
      return next_assignment(m, m.member_epoch, target_epoch, target, owned, owned_by_other);
    case MemberState::kUnrevokedPartitions:
      // Waits until the heartbeat shows the revoked partitions are gone.
      if (owns_any(owned, m.pending_revocation)) return m;
      return next_assignment(m, std::min(m.member_epoch + 1, target_epoch), target_epoch, target, owned,
                             owned_by_other);
    case MemberState::kUnreleasedPartitions:
      return next_assignment(m, m.member_epoch, target_epoch, target, owned, owned_by_other);
    case MemberState::kUnknown:
      break;
  }
  return next_assignment(m, target_epoch, target_epoch, target, owned, owned_by_other);
}

}  // namespace kappa::group

#pragma once
// The two GroupMember implementations (group_member_consumer.cc,
// group_member_classic.cc), created by GroupMember::create.

#include <memory>

#include "kappa/client/group_member.h"

namespace kappa::client {

std::unique_ptr<GroupMember> make_consumer_member(Client& client, Consumer& consumer, GroupMemberOptions options);
std::unique_ptr<GroupMember> make_classic_member(Client& client, Consumer& consumer, GroupMemberOptions options);

}  // namespace kappa::client

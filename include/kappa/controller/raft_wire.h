#pragma once
// Maps raft::Message to and from the KappaRaftMessage request that carries
// it between controller quorum voters (see schema/internal/kappa_raft_message.kmsg).

#include <optional>
#include <string>

#include "kappa/protocol/msg/kappa_raft_message.h"
#include "kappa/raft/message.h"

namespace kappa::controller {

protocol::KappaRaftMessageRequest to_wire(const raft::Message& message, const std::string& cluster_id);
// nullopt when the request is malformed (unknown type, missing body).
std::optional<raft::Message> from_wire(const protocol::KappaRaftMessageRequest& request);

}  // namespace kappa::controller

#include "kappa/controller/raft_wire.h"

namespace kappa::controller {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

using Req = protocol::KappaRaftMessageRequest;

enum : int8_t { kVote = 0, kVoteResult = 1, kAppend = 2, kAppendResult = 3, kSnapshot = 4, kTimeoutNow = 5 };

}  // namespace

Req to_wire(const raft::Message& m, const std::string& cluster_id) {
  Req r;
  r.cluster_id = cluster_id;
  r.from = m.from.value();
  r.to = m.to.value();
  r.term = m.term.value();
  std::visit(Overloaded{
                 [&](const raft::VoteRequest& v) {
                   r.type = kVote;
                   r.vote = Req::VoteBody{v.pre_vote, v.leadership_transfer, v.last_log_index, v.last_log_term.value()};
                 },
                 [&](const raft::VoteResponse& v) {
                   r.type = kVoteResult;
                   r.vote_result = Req::VoteResultBody{v.pre_vote, v.granted};
                 },
                 [&](const raft::AppendRequest& a) {
                   r.type = kAppend;
                   Req::AppendBody body;
                   body.prev_log_index = a.prev_log_index;
                   body.prev_log_term = a.prev_log_term.value();
                   body.leader_commit = a.leader_commit;
                   body.entries.reserve(a.entries.size());
                   for (const auto& e : a.entries) {
                     body.entries.push_back({e.index, e.term.value(), static_cast<int8_t>(e.type), e.payload});
                   }
                   r.append = std::move(body);
                 },
                 [&](const raft::AppendResponse& a) {
                   r.type = kAppendResult;
                   r.append_result =
                       Req::AppendResultBody{a.success, a.match_index, a.conflict_index, a.conflict_term.value()};
                 },
                 [&](const raft::SnapshotRequest& s) {
                   r.type = kSnapshot;
                   r.snapshot =
                       Req::SnapshotBody{s.snapshot.last_index, s.snapshot.last_term.value(), s.snapshot.data};
                 },
                 [&](const raft::TimeoutNow&) { r.type = kTimeoutNow; },
             },
             m.body);
  return r;
}

std::optional<raft::Message> from_wire(const Req& r) {
  raft::Message m;
  m.from = NodeId(r.from);
  m.to = NodeId(r.to);
  m.term = Term(r.term);
  switch (r.type) {
    case kVote:
      if (!r.vote) return std::nullopt;
      m.body = raft::VoteRequest{r.vote->pre_vote, r.vote->leadership_transfer, r.vote->last_log_index,
                                 Term(r.vote->last_log_term)};
      return m;
    case kVoteResult:
      if (!r.vote_result) return std::nullopt;
      m.body = raft::VoteResponse{r.vote_result->pre_vote, r.vote_result->granted};
      return m;
    case kAppend: {
      if (!r.append) return std::nullopt;
      raft::AppendRequest a;
      a.prev_log_index = r.append->prev_log_index;
      a.prev_log_term = Term(r.append->prev_log_term);
      a.leader_commit = r.append->leader_commit;
      for (const auto& e : r.append->entries) {
        if (e.entry_type != static_cast<int8_t>(raft::EntryType::kNoop) &&
            e.entry_type != static_cast<int8_t>(raft::EntryType::kData)) {
          return std::nullopt;
        }
        a.entries.push_back({e.index, Term(e.term), static_cast<raft::EntryType>(e.entry_type), e.payload});
      }
      m.body = std::move(a);
      return m;
    }
    case kAppendResult:
      if (!r.append_result) return std::nullopt;
      m.body = raft::AppendResponse{r.append_result->success, r.append_result->match_index,
                                    r.append_result->conflict_index, Term(r.append_result->conflict_term)};
      return m;
    case kSnapshot:
      if (!r.snapshot) return std::nullopt;
      m.body = raft::SnapshotRequest{raft::Snapshot{r.snapshot->last_index, Term(r.snapshot->last_term),
                                                    r.snapshot->data}};
      return m;
    case kTimeoutNow:
      m.body = raft::TimeoutNow{};
      return m;
    default:
      return std::nullopt;
  }
}

}  // namespace kappa::controller

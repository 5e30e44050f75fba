#include "raft/sim_checker.h"

#include <fmt/format.h>
#include <xxhash.h>

namespace kappa::raft::sim {

uint64_t payload_hash(const std::vector<uint8_t>& payload) {
  return XXH64(payload.data(), payload.size(), 1);
}

void SimApp::apply(const Entry& e) {
  applied_index = e.index;
  if (e.type == EntryType::kData) hash = XXH64(&hash, sizeof(hash), payload_hash(e.payload));
}

std::vector<uint8_t> SimApp::serialize() const {
  std::vector<uint8_t> out(16);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(static_cast<uint64_t>(applied_index) >> (8 * i));
  for (int i = 0; i < 8; ++i) out[8 + i] = static_cast<uint8_t>(hash >> (8 * i));
  return out;
}

SimApp SimApp::deserialize(const std::vector<uint8_t>& data) {
  SimApp app;
  if (data.size() != 16) return app;  // the empty initial snapshot
  uint64_t index = 0;
  for (int i = 7; i >= 0; --i) index = (index << 8) | data[i];
  for (int i = 15; i >= 8; --i) app.hash = (app.hash << 8) | data[i];
  app.applied_index = static_cast<int64_t>(index);
  return app;
}

void SimChecker::fail(std::string message) {
  if (!failure_) failure_ = std::move(message);
}

bool SimChecker::is_committed(int64_t index, Term term, uint64_t hash) const {
  return index <= committed_index() && committed_[index].term == term && committed_[index].payload == hash;
}

void SimChecker::record_commit(int node, Term node_term, const Entry& e) {
  Committed c{e.term, e.type, payload_hash(e.payload), node_term};
  if (e.index <= committed_index()) {
    const Committed& want = committed_[e.index];
    if (want.term != c.term || want.type != c.type || want.payload != c.payload) {
      fail(fmt::format("n{} commits index {} with term {}, but term {} was committed there", node, e.index,
                       c.term, want.term));
    }
    return;
  }
  if (e.index != committed_index() + 1) {
    fail(
        fmt::format("n{} commits index {} before anyone committed {}", node, e.index, committed_index() + 1));
    return;
  }
  committed_.push_back(c);
  state_after_.emplace_back();
}

void SimChecker::observe(int node, const RaftNode& raft) {
  NodeView& view = nodes_[node];
  if (raft.role() == Role::kLeader) {
    auto [it, fresh] = leaders_.emplace(raft.term().value(), node);
    if (it->second != node) fail(fmt::format("n{} and n{} both lead term {}", it->second, node, raft.term()));
    if (view.leader_checked != raft.term()) {
      view.leader_checked = raft.term();
      check_leader_completeness(node, raft);
    }
  }
  if (raft.commit_index() < view.commit) {
    fail(fmt::format("n{} commit index went back from {} to {}", node, view.commit, raft.commit_index()));
  }
  if (raft.applied_index() < view.applied) {
    fail(fmt::format("n{} applied index went back from {} to {}", node, view.applied, raft.applied_index()));
  }
  const RaftLog& log = raft.log();
  for (int64_t i = std::max(view.commit + 1, log.first_index()); i <= raft.commit_index(); ++i) {
    record_commit(node, raft.term(), log.at(i));
  }
  view.commit = raft.commit_index();
  view.applied = raft.applied_index();
  check_acks(node, raft);
}

void SimChecker::check_leader_completeness(int node, const RaftNode& raft) {
  const RaftLog& log = raft.log();
  for (int64_t i = log.first_index(); i <= committed_index(); ++i) {
    if (committed_[i].committed_in >= raft.term()) continue;
    if (i > log.last_index()) {
      fail(fmt::format("n{} leads term {} with last index {}, missing entry {} committed in term {}", node,
                       raft.term(), log.last_index(), i, committed_[i].committed_in));
      return;
    }
    if (log.at(i).term != committed_[i].term) {
      fail(fmt::format("n{} leads term {} without committed entry {} (term {}, has term {})", node,
                       raft.term(), i, committed_[i].term, log.at(i).term));
      return;
    }
  }
}

void SimChecker::check_log(int node, const RaftNode& raft) {
  const RaftLog& log = raft.log();
  if (raft.role() == Role::kLeader) check_leader_completeness(node, raft);
  for (int64_t i = log.first_index(); i <= raft.commit_index(); ++i) {
    const Entry& e = log.at(i);
    if (!is_committed(i, e.term, payload_hash(e.payload))) {
      fail(fmt::format(
          "n{} holds index {} term {} below its commit index {}, which differs from the committed entry",
          node, i, e.term, raft.commit_index()));
      return;
    }
  }
}

void SimChecker::check_acks(int node, const RaftNode& raft) {
  const NodeView& view = nodes_[node];
  if (raft.term() == view.acked_term && raft.last_log_index() < view.acked) {
    fail(fmt::format("n{} acknowledged index {} in term {} but its log ends at {}", node, view.acked,
                     view.acked_term, raft.last_log_index()));
  }
}

void SimChecker::on_send(const Message& m) {
  if (auto* ack = std::get_if<AppendResponse>(&m.body); ack && ack->success) {
    NodeView& view = nodes_[m.from.value()];
    if (m.term > view.acked_term) {
      view.acked_term = m.term;
      view.acked = ack->match_index;
    } else if (m.term == view.acked_term) {
      view.acked = std::max(view.acked, ack->match_index);
    }
  }
  auto* vote = std::get_if<VoteResponse>(&m.body);
  if (vote == nullptr || vote->pre_vote || !vote->granted) return;
  auto [it, fresh] = votes_.emplace(std::pair{m.from.value(), m.term.value()}, m.to.value());
  if (it->second != m.to.value()) {
    fail(fmt::format("n{} voted for n{} and n{} in term {}", m.from, it->second, m.to, m.term));
  }
}

void SimChecker::on_apply(int node, const Entry& e, const SimApp& app) {
  if (!is_committed(e.index, e.term, payload_hash(e.payload))) {
    fail(fmt::format("n{} applies index {} term {} that is not the committed entry", node, e.index, e.term));
    return;
  }
  auto& want = state_after_[e.index];
  if (!want) want = app.hash;
  if (*want != app.hash)
    fail(fmt::format("n{} state after applying {} differs from other nodes'", node, e.index));
}

void SimChecker::on_restore(int node, const Snapshot& snapshot, const SimApp& app) {
  int64_t i = snapshot.last_index;
  if (app.applied_index != i) {
    fail(fmt::format("n{} snapshot at {} holds state at {}", node, i, app.applied_index));
  } else if (i > committed_index() || committed_[i].term != snapshot.last_term) {
    fail(fmt::format("n{} snapshot at {} term {} does not match the committed log", node, i,
                     snapshot.last_term));
  } else if (state_after_[i] && *state_after_[i] != app.hash) {
    fail(fmt::format("n{} snapshot at {} holds a state no node had there", node, i));
  }
}

void SimChecker::on_restart(int node, const RaftNode& raft, const SimApp& app) {
  NodeView& view = nodes_[node];
  view.commit = raft.commit_index();
  view.applied = raft.applied_index();
  view.leader_checked = Term{-1};
  check_acks(node, raft);
  if (raft.log().snapshot_index() > 0) on_restore(node, raft.log().snapshot(), app);
}

}  // namespace kappa::raft::sim

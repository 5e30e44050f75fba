#include "raft/sim_trace.h"

#include <algorithm>
#include <type_traits>

#include <fmt/format.h>

#include "kappa/raft/raft_node.h"

namespace kappa::raft::sim {
namespace {

// Message summaries: a = term, b = body kind, c/d = the two most telling fields.
enum BodyKind : int64_t {
  kPreVoteReq,
  kVoteReq,
  kPreVoteResp,
  kVoteResp,
  kAppend,
  kAppendOk,
  kAppendNo,
  kSnap,
  kTimeout
};

std::string render_message(const TraceEvent& e) {
  std::string head = fmt::format("n{}->n{} t{} ", e.node, e.peer, e.a);
  switch (e.b) {
    case kPreVoteReq:
      return head + fmt::format("pre-vote-req last={}/{}", e.c, e.d);
    case kVoteReq:
      return head + fmt::format("vote-req last={}/{}", e.c, e.d);
    case kPreVoteResp:
      return head + fmt::format("pre-vote-resp {}", e.c ? "granted" : "refused");
    case kVoteResp:
      return head + fmt::format("vote-resp {}", e.c ? "granted" : "refused");
    case kAppend:
      return head + fmt::format("append prev={} n={}", e.c, e.d);
    case kAppendOk:
      return head + fmt::format("append-resp ok match={}", e.c);
    case kAppendNo:
      return head + fmt::format("append-resp reject hint={}/{}", e.c, e.d);
    case kSnap:
      return head + fmt::format("snapshot at {}/{}", e.c, e.d);
    default:
      return head + "timeout-now";
  }
}

std::string render(const TraceEvent& e) {
  std::string t = fmt::format("{:>8} ", e.time_ms);
  switch (e.kind) {
    case TraceKind::kDeliver:
      return t + "deliver " + render_message(e);
    case TraceKind::kDrop:
      return t + "drop    " + render_message(e);
    case TraceKind::kCrash:
      return t + fmt::format("crash n{} ({} messages lost in send buffers)", e.node, e.b);
    case TraceKind::kCrashInPersist:
      return t +
             fmt::format("crash n{} before fsync ({} unsynced writes, {} messages lost)", e.node, e.a, e.b);
    case TraceKind::kRestart:
      return t + fmt::format("restart n{} term={} snapshot={} last={}", e.node, e.a, e.b, e.c);
    case TraceKind::kPartition:
      return t + fmt::format("partition: {} links cut", e.a);
    case TraceKind::kHeal:
      return t + "heal network";
    case TraceKind::kPropose:
      return t + fmt::format("propose at n{} -> index={} term={}", e.node, e.a, e.b);
    case TraceKind::kRole:
      return t + fmt::format("n{} is {} in t{}", e.node, to_string(static_cast<Role>(e.a)), e.b);
    case TraceKind::kCommit:
      return t + fmt::format("n{} commit={} applied={}", e.node, e.a, e.b);
    case TraceKind::kTransfer:
      return t + fmt::format("n{} transfers leadership to n{}", e.node, e.peer);
    case TraceKind::kCompact:
      return t + fmt::format("n{} compacts at {}", e.node, e.a);
    case TraceKind::kInstall:
      return t + fmt::format("n{} installs snapshot at {}", e.node, e.a);
    case TraceKind::kNote:
      return t + "note";
  }
  return t;
}

}  // namespace

void Trace::add_message(int64_t now, TraceKind kind, const Message& m) {
  TraceEvent e{
      .time_ms = now, .kind = kind, .node = m.from.value(), .peer = m.to.value(), .a = m.term.value()};
  std::visit(
      [&](const auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, VoteRequest>) {
          e.b = body.pre_vote ? kPreVoteReq : kVoteReq;
          e.c = body.last_log_index;
          e.d = body.last_log_term.value();
        } else if constexpr (std::is_same_v<T, VoteResponse>) {
          e.b = body.pre_vote ? kPreVoteResp : kVoteResp;
          e.c = body.granted;
        } else if constexpr (std::is_same_v<T, AppendRequest>) {
          e.b = kAppend;
          e.c = body.prev_log_index;
          e.d = static_cast<int64_t>(body.entries.size());
        } else if constexpr (std::is_same_v<T, AppendResponse>) {
          e.b = body.success ? kAppendOk : kAppendNo;
          e.c = body.success ? body.match_index : body.conflict_index;
          e.d = body.conflict_term.value();
        } else if constexpr (std::is_same_v<T, SnapshotRequest>) {
          e.b = kSnap;
          e.c = body.snapshot.last_index;
          e.d = body.snapshot.last_term.value();
        } else {
          e.b = kTimeout;
        }
      },
      m.body);
  add(e);
}

std::string Trace::tail(size_t count) const {
  count = std::min({count, next_, kCapacity});
  std::string out;
  for (size_t i = next_ - count; i < next_; ++i) out += render(events_[i % kCapacity]) + "\n";
  return out;
}

}  // namespace kappa::raft::sim

#include "kappa/raft/message.h"

#include <type_traits>

#include <fmt/format.h>

namespace kappa::raft {

std::string describe(const Message& m) {
  std::string head = fmt::format("n{}->n{} t{} ", m.from, m.to, m.term);
  return head +
         std::visit(
             [](const auto& b) -> std::string {
               using T = std::decay_t<decltype(b)>;
               if constexpr (std::is_same_v<T, VoteRequest>) {
                 return fmt::format("{}vote-req last={}/{}{}", b.pre_vote ? "pre-" : "", b.last_log_index,
                                    b.last_log_term, b.leadership_transfer ? " transfer" : "");
               } else if constexpr (std::is_same_v<T, VoteResponse>) {
                 return fmt::format("{}vote-resp {}", b.pre_vote ? "pre-" : "",
                                    b.granted ? "granted" : "refused");
               } else if constexpr (std::is_same_v<T, AppendRequest>) {
                 return fmt::format("append prev={}/{} n={} commit={}", b.prev_log_index, b.prev_log_term,
                                    b.entries.size(), b.leader_commit);
               } else if constexpr (std::is_same_v<T, AppendResponse>) {
                 if (b.success) return fmt::format("append-resp ok match={}", b.match_index);
                 return fmt::format("append-resp reject hint={}/{}", b.conflict_index, b.conflict_term);
               } else if constexpr (std::is_same_v<T, SnapshotRequest>) {
                 return fmt::format("snapshot {}/{} {}B", b.snapshot.last_index, b.snapshot.last_term,
                                    b.snapshot.data.size());
               } else {
                 return "timeout-now";
               }
             },
             m.body);
}

}  // namespace kappa::raft

#include "kappa/controller/raft_metadata_log.h"

#include "kappa/async/run_blocking.h"
#include "kappa/common/clock.h"
#include "kappa/common/log.h"

namespace kappa::controller {
namespace {

using protocol::ErrorCode;

auto& log() {
  static auto logger = logging::get("quorum");
  return logger;
}

int64_t now_ms() { return SystemClock::instance().monotonic_ms(); }

}  // namespace

RaftMetadataLog::RaftMetadataLog(asio::any_io_executor exec, asio::thread_pool& pool, RaftMetadataLogOptions options,
                                 metadata::MetadataImage& image, RaftTransport& transport,
                                 std::function<void()> on_commit)
    : exec_(exec),
      pool_(pool),
      options_(std::move(options)),
      image_(image),
      transport_(transport),
      on_commit_(std::move(on_commit)),
      wake_(exec) {}

RaftMetadataLog::~RaftMetadataLog() = default;

void RaftMetadataLog::open(uint64_t seed) {
  auto opened = raft::FileRaftStorage::open(options_.dir);
  if (!opened.storage) {
    throw std::runtime_error("cannot recover the metadata log in " + options_.dir.string() + ": " + opened.error);
  }
  storage_ = std::move(opened.storage);
  const raft::Snapshot& snap = opened.state.snapshot;
  restore_image(snap.data, snap.last_index);
  last_snapshot_index_ = snap.last_index;
  log()->info("metadata log recovered: snapshot at {}, {} entries after it, term {}", snap.last_index,
              opened.state.entries.size(), opened.state.hard_state.term.value());
  node_ = std::make_unique<raft::RaftNode>(options_.raft, std::move(opened.state), std::mt19937_64(seed), now_ms());
}

void RaftMetadataLog::start() {
  running_ = true;
  asio::co_spawn(exec_, run(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      // Failing to persist the metadata log leaves this node unable to take
      // part in the quorum safely; stopping is the only safe choice.
      log()->critical("metadata log driver failed: {}", ex.what());
      std::abort();
    }
  });
}

void RaftMetadataLog::stop() {
  stopped_ = true;
  kick();
}

void RaftMetadataLog::kick() { wake_.cancel(); }

void RaftMetadataLog::receive(raft::Message message) {
  if (stopped_) return;
  inbox_.push_back(std::move(message));
  kick();
}

bool RaftMetadataLog::is_active() const { return node_ && node_->role() == raft::Role::kLeader; }

int32_t RaftMetadataLog::active_controller() const {
  if (!node_ || !node_->leader()) return -1;
  return node_->leader()->value();
}

bool RaftMetadataLog::transfer_leadership(int32_t to) {
  if (!is_active()) return false;
  pending_transfer_ = to;
  kick();
  return true;
}

awaitable<ErrorCode> RaftMetadataLog::append(std::vector<metadata::MetadataRecord> records) {
  if (!is_active() || stopped_) co_return ErrorCode::kNotController;
  auto result = std::make_shared<AsyncResult<ErrorCode>>(exec_);
  proposals_.push_back({metadata::encode_records(records), result});
  kick();
  auto outcome = co_await result->wait(std::chrono::steady_clock::now() + options_.append_timeout);
  co_return outcome.value_or(ErrorCode::kRequestTimedOut);
}

void RaftMetadataLog::feed_inputs() {
  while (!inbox_.empty()) {
    auto m = std::move(inbox_.front());
    inbox_.pop_front();
    node_->step(std::move(m));
  }
  while (!proposals_.empty()) {
    auto p = std::move(proposals_.front());
    proposals_.pop_front();
    auto r = node_->propose(std::move(p.payload));
    if (!r.ok()) {
      p.result->set(ErrorCode::kNotController);
      continue;
    }
    in_flight_.insert_or_assign(r.index, InFlight{r.term, p.result});
  }
  if (pending_transfer_) {
    if (!node_->transfer_leadership(NodeId(*pending_transfer_))) {
      log()->warn("cannot transfer metadata leadership to {}", *pending_transfer_);
    }
    pending_transfer_.reset();
  }
  node_->tick(now_ms());
}

awaitable<void> RaftMetadataLog::run() {
  const auto tick = std::chrono::milliseconds(options_.tick_interval_ms);
  while (!stopped_) {
    feed_inputs();
    while (node_->has_ready() && !stopped_) {
      raft::Ready rd = node_->ready();
      if (!rd.entries.empty() || rd.hard_state || rd.snapshot) {
        auto* storage = storage_.get();
        auto persist = run_blocking(pool_, [storage, &rd] { raft::persist_ready(*storage, rd); });
        co_await std::move(persist);  // own statement: see run_blocking.h
      }
      for (auto& m : rd.messages) transport_.send(std::move(m));
      apply(rd);
      node_->advance();
      maybe_compact();
      feed_inputs();
    }
    // Entries proposed before a leadership change may still commit under the
    // new leader; they resolve when applied (or fail on a term mismatch).
    if (stopped_) break;
    wake_.expires_after(tick);
    co_await wake_.async_wait(use_tuple);
  }
  fail_all(ErrorCode::kNotController);
}

void RaftMetadataLog::apply(const raft::Ready& rd) {
  if (rd.install_snapshot && rd.snapshot) {
    restore_image(rd.snapshot->data, rd.snapshot->last_index);
    last_snapshot_index_ = rd.snapshot->last_index;
    // Proposals at or below the snapshot can no longer be matched to entries.
    for (auto it = in_flight_.begin(); it != in_flight_.end() && it->first <= rd.snapshot->last_index;) {
      it->second.result->set(ErrorCode::kNotController);
      it = in_flight_.erase(it);
    }
  }
  bool applied = rd.install_snapshot;
  for (const auto& e : rd.committed_entries) {
    if (e.type == raft::EntryType::kData) {
      try {
        for (const auto& r : metadata::decode_records(e.payload)) {
          log()->debug("applying {} at {}", metadata::describe(r), e.index);
          image_.apply(r);
        }
      } catch (const protocol::DecodeError& err) {
        // Every node applies the same bytes, so skipping keeps them in agreement.
        log()->error("skipping undecodable metadata entry {}: {}", e.index, err.what());
      }
    }
    image_.set_offset(e.index);
    applied = true;
    auto it = in_flight_.find(e.index);
    if (it != in_flight_.end()) {
      it->second.result->set(it->second.term == e.term ? ErrorCode::kNone : ErrorCode::kNotController);
      in_flight_.erase(it);
    }
  }
  // Any proposal below the applied index that was not matched is lost.
  for (auto it = in_flight_.begin(); it != in_flight_.end() && it->first <= image_.offset();) {
    it->second.result->set(ErrorCode::kNotController);
    it = in_flight_.erase(it);
  }
  if (applied && on_commit_) on_commit_();
}

void RaftMetadataLog::restore_image(const std::vector<uint8_t>& snapshot_data, int64_t index) {
  image_ = metadata::MetadataImage();
  if (!snapshot_data.empty()) {
    for (const auto& r : metadata::decode_records(snapshot_data)) image_.apply(r);
  }
  image_.set_offset(index);
}

void RaftMetadataLog::maybe_compact() {
  const int64_t applied = node_->applied_index();
  if (applied - last_snapshot_index_ < options_.snapshot_every_entries) return;
  if (node_->compact(applied, metadata::encode_records(image_.to_records()))) {
    last_snapshot_index_ = applied;
    log()->info("metadata snapshot at index {}", applied);
  }
}

void RaftMetadataLog::fail_all(ErrorCode error) {
  for (auto& [index, f] : in_flight_) f.result->set(error);
  in_flight_.clear();
  for (auto& p : proposals_) p.result->set(error);
  proposals_.clear();
}

std::optional<std::vector<raft::Entry>> RaftMetadataLog::committed_after(int64_t offset, size_t max_entries) const {
  const auto& log = node_->log();
  if (offset < log.snapshot_index()) return std::nullopt;
  std::vector<raft::Entry> out;
  const int64_t last = std::min(node_->commit_index(), node_->applied_index());
  for (int64_t i = offset + 1; i <= last && out.size() < max_entries; ++i) out.push_back(log.at(i));
  return out;
}

}  // namespace kappa::controller

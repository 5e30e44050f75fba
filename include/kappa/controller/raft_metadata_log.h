#pragma once
// RaftMetadataLog: the metadata log replicated by the controller quorum —
// the thin Asio driver around the sans-IO raft::RaftNode.
//
// One driver coroutine owns the node.  It feeds it queued inputs (peer
// messages, proposals, ticks), then carries out each Ready batch in the
// order raft requires: persist (hard state, snapshot, entries; fsync on the
// blocking pool) -> send messages -> apply committed entries to the
// MetadataImage -> advance().  Inputs that arrive while a batch is being
// persisted wait in a queue, because nothing may touch the node between
// ready() and advance().
//
// An entry's payload is metadata::encode_records(); snapshots are the
// image's records.  append() resolves once its entry is committed and
// applied here, or fails with NOT_CONTROLLER when the entry was lost to a
// leadership change (or this node is not the leader).
// Not thread-safe: everything runs on the broker's event loop.

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>

#include "kappa/async/async_result.h"
#include "kappa/controller/metadata_log.h"
#include "kappa/metadata/metadata_image.h"
#include "kappa/raft/file_storage.h"
#include "kappa/raft/raft_node.h"

namespace kappa::controller {

// Delivers raft messages to peers (best effort: messages may be dropped).
class RaftTransport {
 public:
  virtual ~RaftTransport() = default;
  virtual void send(raft::Message message) = 0;
};

struct RaftMetadataLogOptions {
  raft::RaftConfig raft;
  std::filesystem::path dir;                // __cluster_metadata-0
  int64_t tick_interval_ms = 20;
  int64_t snapshot_every_entries = 1000;    // compact after this many applied entries
  std::chrono::milliseconds append_timeout{30'000};
};

class RaftMetadataLog final : public MetadataLog {
 public:
  // `on_commit` runs after each batch of committed entries is applied.
  RaftMetadataLog(asio::any_io_executor exec, asio::thread_pool& pool, RaftMetadataLogOptions options,
                  metadata::MetadataImage& image, RaftTransport& transport, std::function<void()> on_commit);
  ~RaftMetadataLog() override;

  // Recovers storage and restores the image from the snapshot.  Throws
  // std::runtime_error when the storage is damaged.
  void open(uint64_t seed);
  // Starts the driver coroutine and the tick timer.
  void start();
  // Stops the driver after the batch in progress; pending appends fail.
  void stop();

  // A message from a peer (queued; handled by the driver).
  void receive(raft::Message message);

  awaitable<protocol::ErrorCode> append(std::vector<metadata::MetadataRecord> records) override;
  bool is_active() const override;
  int32_t active_controller() const override;

  // The highest index applied to the image (the image's offset).
  int64_t applied_index() const { return node_ ? node_->applied_index() : 0; }
  int64_t commit_index() const { return node_ ? node_->commit_index() : 0; }
  raft::Role role() const { return node_ ? node_->role() : raft::Role::kFollower; }
  int64_t term() const { return node_ ? node_->term().value() : 0; }
  // Committed entries after `offset` for observers (KappaFetchMetadata);
  // nullopt when they were compacted into the snapshot.
  std::optional<std::vector<raft::Entry>> committed_after(int64_t offset, size_t max_entries) const;
  const raft::Snapshot& snapshot() const { return node_->log().snapshot(); }
  // Asks the leader to hand leadership to voter `to` (controlled shutdown);
  // false when this node is not the leader.  Takes effect in the driver.
  bool transfer_leadership(int32_t to);

 private:
  struct Proposal {
    std::vector<uint8_t> payload;
    std::shared_ptr<AsyncResult<protocol::ErrorCode>> result;
  };
  struct InFlight {
    Term term;
    std::shared_ptr<AsyncResult<protocol::ErrorCode>> result;
  };

  awaitable<void> run();
  void feed_inputs();
  void apply(const raft::Ready& ready);
  void restore_image(const std::vector<uint8_t>& snapshot_data, int64_t index);
  void maybe_compact();
  void fail_all(protocol::ErrorCode error);
  void kick();

  asio::any_io_executor exec_;
  asio::thread_pool& pool_;
  RaftMetadataLogOptions options_;
  metadata::MetadataImage& image_;
  RaftTransport& transport_;
  std::function<void()> on_commit_;
  std::unique_ptr<raft::FileRaftStorage> storage_;
  std::unique_ptr<raft::RaftNode> node_;
  asio::steady_timer wake_;
  std::deque<raft::Message> inbox_;
  std::deque<Proposal> proposals_;
  std::map<int64_t, InFlight> in_flight_;  // by log index
  std::optional<int32_t> pending_transfer_;
  int64_t last_snapshot_index_ = 0;
  bool running_ = false;
  bool stopped_ = false;
};

}  // namespace kappa::controller

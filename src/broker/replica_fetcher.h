#pragma once
// Replication, follower side (Kafka's ReplicaFetcherManager): one fetcher
// coroutine per leader broker this node follows partitions of.  Each round
// a fetcher first settles the partitions whose leader changed — asking the
// leader where their latest epoch ends (OffsetForLeaderEpoch) and truncating
// the divergent tail — then fetches every partition it follows there (Fetch
// with this broker's replica id, long polling), appends the leader's
// batches byte for byte and follows the leader's high watermark.  A fetcher
// ends when it has nothing left to follow; reconcile() starts new ones.

#include <map>
#include <memory>
#include <set>

#include "broker/asio.h"
#include "kappa/client/connection.h"

namespace kappa::broker {

class Broker;

class ReplicaFetcherManager {
 public:
  explicit ReplicaFetcherManager(Broker& broker) : broker_(broker) {}
  // Starts a fetcher for every leader we follow partitions of (after each metadata change).
  void reconcile();
  // Ends every fetcher: closes its connection (failing the request in
  // flight) and cancels its back-off; idle() once all have returned.
  void stop();
  bool idle() const { return running_.empty(); }

 private:
  awaitable<void> run(int32_t leader);

  // What stop() must interrupt in a running fetcher (owned by its frame).
  struct Interruptible {
    std::shared_ptr<client::Connection>* conn;
    asio::steady_timer* backoff;
  };

  Broker& broker_;
  std::set<int32_t> running_;
  std::map<int32_t, Interruptible> interruptible_;
  bool stopped_ = false;
};

}  // namespace kappa::broker

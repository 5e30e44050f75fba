#pragma once
// The Kappa node process.  Depending on process.roles it is a controller
// quorum voter (holding the Raft metadata log and, when elected, the active
// controller), a broker (partition logs, client requests), or both.
//
// Startup: storage and the metadata log are recovered; the controller
// listener opens; a broker registers with the active controller and only
// opens its client listeners once the controller has unfenced it (its
// metadata caught up).  Shutdown: a broker first asks for a controlled
// shutdown (leadership moves away), then stops listening, finishes the
// requests in flight, flushes and closes its logs (writing the
// clean-shutdown markers); a voter that leads the quorum hands leadership
// to another voter.
//
// Everything runs on one event-loop thread (the io_context passed in);
// blocking disk work (fsync) goes to a small pool and posts back.

#include <memory>
#include <string>
#include <vector>

#include "broker/asio.h"
#include "broker/broker_metrics.h"
#include "broker/partition_wait.h"
#include "kappa/async/async_result.h"
#include "kappa/config/config.h"
#include "kappa/controller/broker_lifecycle.h"
#include "kappa/controller/controller.h"
#include "kappa/controller/raft_metadata_log.h"
#include "kappa/group/group_coordinator.h"
#include "kappa/metadata/metadata_image.h"
#include "kappa/replication/replica_manager.h"
#include "kappa/storage/log_manager.h"

namespace kappa::broker {

using kappa::config::BrokerConfig;

class BrokerLifecycleManager;
class ControllerChannel;
class IsrManager;
class ProducerIdManager;
class ReplicaFetcherManager;
class MetadataFollower;
class NetworkRaftTransport;
class PeerPool;
class Server;
class AdminServer;

class Broker {
 public:
  Broker(asio::io_context& io, BrokerConfig config);
  ~Broker();

  // Recovers storage and metadata and starts the roles.  Throws
  // std::runtime_error with a clear message on fatal startup errors.
  void start();
  awaitable<void> shutdown();

  asio::io_context& io() { return io_; }
  asio::thread_pool& blocking_pool() { return pool_; }
  const BrokerConfig& config() const { return config_; }
  int32_t node_id() const { return config_.node_id(); }
  const std::string& cluster_id() const { return cluster_id_; }
  const metadata::MetadataImage& image() const { return image_; }
  BrokerMetrics& metrics() { return metrics_; }
  Server& server() { return *server_; }

  // --- controller side ---
  // The node id of the active controller, -1 when unknown.
  int32_t controller_id() const;
  bool is_active_controller() const;
  // The controller frontend (its changes fail with NOT_CONTROLLER unless this
  // node is the active controller).
  controller::Controller& controller() { return *controller_; }
  // The quorum's metadata log; null when this node is not a voter.
  controller::RaftMetadataLog* quorum() { return quorum_.get(); }
  // Broker liveness tracking; null when this node is not a voter.
  controller::BrokerLifecycle* lifecycle() { return lifecycle_.get(); }
  ControllerChannel& channel() { return *channel_; }
  // Completes once the local image has applied `offset` (true) or at the deadline.
  awaitable<bool> wait_for_metadata(int64_t offset, Deadline deadline);

  // --- broker side ---
  bool is_broker() const { return config_.is_broker(); }
  replication::ReplicaManager& replicas() { return *replicas_; }
  storage::LogManager& logs() { return *logs_; }
  config::TopicConfig topic_config(const metadata::TopicImage& topic) const {
    return config::TopicConfig(&config_, topic.configs);
  }
  // fsyncs `log` on the blocking pool if its flush policy is due.
  awaitable<std::error_code> flush_if_due(std::shared_ptr<storage::Log> log);
  ProducerIdManager& producer_ids() { return *producer_ids_; }
  // This broker's epoch from its registration (-1 before it registered).
  int64_t broker_epoch() const;
  // Creates the listed topics with the broker defaults (Metadata auto-create).
  awaitable<void> auto_create_topics(const std::vector<std::string>& names);
  // Creates a topic through the active controller, wherever it runs; returns
  // once the topic is in this node's metadata (or with the error).
  awaitable<controller::CommandResult> create_topic_anywhere(controller::NewTopic topic);

  // True once shutdown has begun: long polls end, nothing new starts.
  bool stopping() const { return stopping_; }
  // True once the controller unfenced this broker and it opened its client listeners.
  bool serving() const { return serving_; }
  // The broker's registration and heartbeats; null on a controller-only node.
  const BrokerLifecycleManager* lifecycle_manager() const { return broker_lifecycle_.get(); }
  // The consumer-group coordinator; null until the broker serves.
  const group::GroupCoordinator* group_coordinator() const { return groups_.get(); }
  // The HTTP admin listener's port (0 when disabled).
  uint16_t admin_port() const;
  bool stopped() const { return stopped_; }

  // --- Consumer groups (see include/kappa/group/group_coordinator.h)
  group::GroupCoordinator& groups() { return *groups_; }
  // Creates an internal topic (__consumer_offsets) unless it exists; kNone
  // once it does.  The only place group code reaches the controller.
  awaitable<protocol::ErrorCode> ensure_internal_topic(std::string name, int32_t partitions,
                                                       int16_t replication_factor,
                                                       std::map<std::string, std::string> configs);

 private:
  void open_storage();
  void open_metadata();
  void begin_serving();
  void on_metadata_committed();
  // broker_housekeeping.cc: periodic work.
  void start_housekeeping();
  awaitable<void> every(std::chrono::milliseconds period, void (Broker::*task)());
  awaitable<void> every_async(std::chrono::milliseconds period, awaitable<void> (Broker::*task)());
  void run_retention();
  void run_flush_policy();
  void run_checkpoints();
  awaitable<void> run_cleaner();
  awaitable<void> run_isr_changes();
  awaitable<void> run_controller_duties();
  awaitable<void> run_leader_rebalance();
  awaitable<void> hand_over_quorum_leadership();

  asio::io_context& io_;
  asio::thread_pool pool_{2};
  BrokerConfig config_;
  std::string cluster_id_;
  metadata::MetadataImage image_;
  BrokerMetrics metrics_;
  // Two connection pools to the voters: Raft traffic must never queue behind
  // a controller request that itself waits for a Raft commit (a broker
  // registration, a forwarded change), because a connection's requests are
  // handled in order.
  std::unique_ptr<PeerPool> raft_peers_;
  std::unique_ptr<PeerPool> peers_;
  std::unique_ptr<NetworkRaftTransport> transport_;
  std::unique_ptr<controller::RaftMetadataLog> quorum_;
  std::unique_ptr<MetadataFollower> follower_;
  controller::MetadataLog* metadata_log_ = nullptr;
  std::unique_ptr<controller::Controller> controller_;
  std::unique_ptr<controller::BrokerLifecycle> lifecycle_;
  std::unique_ptr<ControllerChannel> channel_;
  std::unique_ptr<BrokerLifecycleManager> broker_lifecycle_;
  std::unique_ptr<storage::LogManager> logs_;
  std::unique_ptr<replication::ReplicaManager> replicas_;
  std::unique_ptr<ReplicaFetcherManager> fetchers_;
  std::unique_ptr<IsrManager> isr_manager_;
  std::unique_ptr<ProducerIdManager> producer_ids_;
  std::unique_ptr<group::GroupCoordinator> groups_;  // uses replicas_
  std::unique_ptr<Server> server_;
  std::unique_ptr<AdminServer> admin_;
  std::vector<std::pair<int64_t, std::shared_ptr<AsyncResult<bool>>>> metadata_waiters_;
  bool serving_ = false;
  bool was_active_controller_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  bool checkpoint_running_ = false;
  bool removing_dirs_ = false;  // a LogManager::RemovalTask is on the blocking pool
  std::shared_ptr<storage::CleanTask> cleaning_;  // the compaction round in progress
};

}  // namespace kappa::broker

#pragma once
// The broker process: owns the configuration, the committed metadata image,
// the controller (when this node is the active one), the partition logs, and
// the network server, and wires the request handlers to them.  Everything
// runs on one event-loop thread (the io_context passed in); blocking disk
// work (fsync) goes to a small pool and posts back.

#include <memory>
#include <string>
#include <vector>

#include "broker/asio.h"
#include "broker/broker_metrics.h"
#include "kappa/config/config.h"
#include "kappa/controller/controller.h"
#include "kappa/group/group_coordinator.h"
#include "kappa/metadata/metadata_image.h"
#include "kappa/replication/replica_manager.h"
#include "kappa/storage/log_manager.h"

namespace kappa::broker {

using kappa::config::BrokerConfig;

class Server;
class LocalMetadataLog;

class Broker {
 public:
  Broker(asio::io_context& io, BrokerConfig config);
  ~Broker();

  // Opens storage, loads metadata, binds listeners.  Throws std::runtime_error
  // with a clear message on fatal startup errors.
  void start();
  // Stops accepting, finishes in-flight requests, flushes, writes the
  // clean-shutdown markers.
  awaitable<void> shutdown();

  asio::io_context& io() { return io_; }
  asio::thread_pool& blocking_pool() { return pool_; }
  const BrokerConfig& config() const { return config_; }
  int32_t node_id() const { return config_.node_id(); }
  const std::string& cluster_id() const { return cluster_id_; }
  const metadata::MetadataImage& image() const { return image_; }
  // The node id of the active controller, -1 when unknown.
  int32_t controller_id() const;
  // The controller frontend; only valid on the active controller.
  controller::Controller& controller() { return *controller_; }
  BrokerMetrics& metrics() { return metrics_; }
  Server& server() { return *server_; }
  replication::ReplicaManager& replicas() { return *replicas_; }
  storage::LogManager& logs() { return *logs_; }
  // Effective settings of a topic (its overrides over the broker defaults).
  config::TopicConfig topic_config(const metadata::TopicImage& topic) const {
    return config::TopicConfig(&config_, topic.configs);
  }
  // True once shutdown has begun: long polls end, nothing new starts.
  bool stopping() const { return stopping_; }
  // fsyncs `log` on the blocking pool if its flush policy is due.
  awaitable<std::error_code> flush_if_due(std::shared_ptr<storage::Log> log);

  // Creates the listed topics with the broker defaults (Metadata auto-create);
  // errors other than "already exists" are logged.
  awaitable<void> auto_create_topics(const std::vector<std::string>& names);

  // --- Consumer groups (see include/kappa/group/group_coordinator.h)
  group::GroupCoordinator& groups() { return *groups_; }
  // Creates an internal topic (__consumer_offsets) unless it exists; kNone
  // once it does.  The only place group code reaches the controller.
  awaitable<protocol::ErrorCode> ensure_internal_topic(std::string name, int32_t partitions,
                                                       int16_t replication_factor,
                                                       std::map<std::string, std::string> configs);

 private:
  void on_metadata_committed();
  awaitable<void> register_self();
  void open_storage();
  // Periodic work: retention, the time-based flush policy, checkpoints.
  void start_housekeeping();
  awaitable<void> every(std::chrono::milliseconds period, void (Broker::*task)());
  void run_retention();
  void run_flush_policy();
  void run_checkpoints();

  asio::io_context& io_;
  asio::thread_pool pool_{2};
  BrokerConfig config_;
  std::string cluster_id_;
  metadata::MetadataImage image_;
  std::unique_ptr<LocalMetadataLog> metadata_log_;
  std::unique_ptr<controller::Controller> controller_;
  BrokerMetrics metrics_;
  std::unique_ptr<storage::LogManager> logs_;
  std::unique_ptr<replication::ReplicaManager> replicas_;
  std::unique_ptr<group::GroupCoordinator> groups_;  // uses replicas_
  std::unique_ptr<Server> server_;
  bool stopping_ = false;
  bool checkpoint_running_ = false;
};

}  // namespace kappa::broker

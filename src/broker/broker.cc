#include "broker/broker.h"

#include <random>

#include "broker/admin/admin_server.h"
#include "broker/admin/broker_collectors.h"
#include "broker/broker_lifecycle_manager.h"
#include "broker/controller_channel.h"
#include "broker/isr_manager.h"
#include "broker/producer_id_manager.h"
#include "broker/replica_fetcher.h"
#include "broker/log_config_mapping.h"
#include "broker/meta_properties.h"
#include "broker/metadata_follower.h"
#include "broker/network_raft_transport.h"
#include "broker/peer_pool.h"
#include "broker/server.h"
#include "kappa/async/run_blocking.h"
#include "kappa/common/log.h"

namespace kappa::broker {
namespace {

auto& log() {
  static auto logger = logging::get("broker");
  return logger;
}

constexpr const char* kMetadataDir = "__cluster_metadata-0";

protocol::Uuid random_uuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  return protocol::Uuid::from_halves(rng(), rng());
}

}  // namespace

Broker::Broker(asio::io_context& io, BrokerConfig config) : io_(io), config_(std::move(config)) {}

Broker::~Broker() { pool_.join(); }

uint16_t Broker::admin_port() const { return admin_ ? admin_->port() : 0; }

namespace {

// The startup banner: every setting's effective value, secrets masked.
void log_effective_config(const BrokerConfig& config) {
  const auto settings = config.effective_settings();
  log()->info("effective configuration ({} settings; 'set' = from the file or --override):", settings.size());
  for (const auto& s : settings) {
    log()->info("  {} = {}{}", s.name, s.value, s.is_default ? "" : " (set)");
  }
}

}  // namespace

int32_t Broker::controller_id() const { return metadata_log_ ? metadata_log_->active_controller() : -1; }

bool Broker::is_active_controller() const { return quorum_ && quorum_->is_active(); }

void Broker::start() {
  log_effective_config(config_);
  const auto dirs = config_.log_dirs();
  const bool multi_voter = config_.voters().size() > 1 || !config_.is_controller();
  std::string configured = config_.get("cluster.id");
  if (multi_voter && configured.empty()) {
    // Every node of a cluster must agree on the id before they first meet.
    bool formatted = false;
    for (const auto& d : dirs) formatted |= read_meta_properties(d).has_value();
    if (!formatted) {
      throw std::runtime_error("a node of a multi-node cluster needs 'cluster.id' set (the same on every node)");
    }
  }
  cluster_id_ = ensure_meta_properties(dirs, node_id(), configured, random_id());
  if (config_.is_broker()) open_storage();
  open_metadata();
  server_ = std::make_unique<Server>(*this, io_);
  if (config_.is_controller()) server_->bind(protocol::kListenerController);
  if (config_.is_broker()) server_->bind(protocol::kListenerBroker);  // accepting starts once unfenced
  if (config_.is_controller()) server_->accept(protocol::kListenerController);
  add_broker_collectors(*this);
  if (const auto admin = config_.get("admin.listener"); !admin.empty()) {
    admin_ = std::make_unique<AdminServer>(*this, io_);
    admin_->start(admin);  // before registration: /health explains a fenced broker
  }
  if (quorum_) quorum_->start();
  if (follower_) follower_->start();
  start_housekeeping();
  if (config_.is_broker()) {
    broker_lifecycle_ = std::make_unique<BrokerLifecycleManager>(*this, [this] { begin_serving(); });
    broker_lifecycle_->start();
  }
  log()->info("node {} of cluster {} started ({})", node_id(), cluster_id_, config_.get("process.roles"));
}

void Broker::open_storage() {
  storage::LogManagerConfig lm;
  lm.log_dirs = config_.log_dirs();
  lm.default_config = to_log_config(config_, {});
  lm.excluded_dirs = {kMetadataDir};
  lm.cleaner = to_cleaner_config(config_);
  auto opened = storage::LogManager::open(lm, storage::FileSystem::posix(), SystemClock::instance());
  if (!opened) throw std::runtime_error("cannot open the log directories: " + opened.error().message());
  logs_ = std::move(*opened);
  replicas_ = std::make_unique<replication::ReplicaManager>(
      *logs_, node_id(), [this](const metadata::TopicImage& t) { return to_log_config(config_, t.configs); });
  fetchers_ = std::make_unique<ReplicaFetcherManager>(*this);
  isr_manager_ = std::make_unique<IsrManager>(*this);
  producer_ids_ = std::make_unique<ProducerIdManager>(*this);
  log()->info("loaded {} partition logs", logs_->size());
}

void Broker::open_metadata() {
  // Peers: the other voters' controller listeners.
  std::map<int32_t, client::BrokerAddress> peers;
  for (const auto& v : config_.voters()) {
    if (v.id != node_id()) peers[v.id] = client::BrokerAddress{v.host, v.port};
  }
  peers_ = std::make_unique<PeerPool>(io_.get_executor(), peers, "kappa-node-" + std::to_string(node_id()));
  raft_peers_ = std::make_unique<PeerPool>(io_.get_executor(), peers, "kappa-raft-" + std::to_string(node_id()));
  if (config_.is_controller()) {
    controller::RaftMetadataLogOptions o;
    o.raft.id = NodeId(node_id());
    for (const auto& v : config_.voters()) o.raft.voters.push_back(NodeId(v.id));
    if (o.raft.voters.empty()) o.raft.voters.push_back(NodeId(node_id()));  // its own single-voter quorum
    o.raft.election_timeout_ms = config_.get_int("controller.quorum.election.timeout.ms");
    if (o.raft.voters.size() == 1) o.raft.election_timeout_ms = std::min<int64_t>(o.raft.election_timeout_ms, 50);
    o.raft.heartbeat_interval_ms = std::max<int64_t>(10, o.raft.election_timeout_ms / 10);
    o.tick_interval_ms = std::max<int64_t>(5, o.raft.heartbeat_interval_ms / 2);
    o.dir = config_.log_dirs().front() / kMetadataDir;
    transport_ = std::make_unique<NetworkRaftTransport>(io_.get_executor(), *raft_peers_, cluster_id_);
    quorum_ = std::make_unique<controller::RaftMetadataLog>(io_.get_executor(), pool_, o, image_, *transport_,
                                                             [this] { on_metadata_committed(); });
    quorum_->open(std::random_device{}());
    metadata_log_ = quorum_.get();
  } else {
    // Its long polls get their own connections, away from heartbeats.
    follower_ = std::make_unique<MetadataFollower>(*this, *raft_peers_, image_, [this] { on_metadata_committed(); });
    metadata_log_ = follower_.get();
  }
  controller::TopicDefaults defaults{config_.get_int("num.partitions"),
                                     static_cast<int16_t>(config_.get_int("default.replication.factor"))};
  controller_ = std::make_unique<controller::Controller>(io_.get_executor(), *metadata_log_, image_, defaults,
                                                         random_uuid);
  if (quorum_) {
    lifecycle_ = std::make_unique<controller::BrokerLifecycle>(
        *controller_, SystemClock::instance(), config_.get_long("broker.session.timeout.ms"),
        [this](const metadata::TopicImage& t) { return topic_config(t).get("unclean.leader.election.enable") == "true"; });
  }
  channel_ = std::make_unique<ControllerChannel>(*this, *peers_);
}

void Broker::begin_serving() {
  if (serving_ || stopping_) return;
  serving_ = true;
  replicas_->reconcile(image_);
  fetchers_->reconcile();
  groups_ = std::make_unique<group::GroupCoordinator>(  // consumer groups: after the replicas, before clients
      group::GroupCoordinator::Deps{io_.get_executor(), pool_, *replicas_, config_, SystemClock::instance()},
      group::group_config_from(config_));
  groups_->on_metadata(image_);
  groups_->start();
  server_->accept(protocol::kListenerBroker);
}

void Broker::on_metadata_committed() {
  const int64_t offset = image_.offset();
  for (auto it = metadata_waiters_.begin(); it != metadata_waiters_.end();) {
    if (it->first <= offset) {
      it->second->set(true);
      it = metadata_waiters_.erase(it);
    } else {
      ++it;
    }
  }
  if (serving_ && replicas_) {
    replicas_->reconcile(image_);
    fetchers_->reconcile();
  }
  if (groups_) groups_->on_metadata(image_);  // after the replicas: it reads their leadership
}

int64_t Broker::broker_epoch() const { return broker_lifecycle_ ? broker_lifecycle_->broker_epoch() : -1; }

awaitable<bool> Broker::wait_for_metadata(int64_t offset, Deadline deadline) {
  if (image_.offset() >= offset) co_return true;
  auto waiter = std::make_shared<AsyncResult<bool>>(io_.get_executor());
  metadata_waiters_.emplace_back(offset, waiter);
  auto r = co_await waiter->wait(deadline);
  co_return r.value_or(false);
}

awaitable<std::error_code> Broker::flush_if_due(std::shared_ptr<storage::Log> log) {
  if (!log->flush_due(SystemClock::instance().wall_ms())) co_return std::error_code{};
  auto task = log->prepare_flush();
  if (!task) co_return task.error();
  auto t = std::make_shared<storage::FlushTask>(std::move(*task));
  auto flush = run_blocking(pool_, [t] { return t->run(); });  // own statement: see run_blocking.h
  auto ec = co_await std::move(flush);
  log->complete_flush(*t, ec);
  co_return ec;
}

awaitable<void> Broker::auto_create_topics(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    controller::NewTopic t;
    t.name = name;
    auto r = co_await create_topic_anywhere(t);
    if (r.ok()) {
      log()->info("auto-created topic {}", name);
    } else if (r.error != protocol::ErrorCode::kTopicAlreadyExists) {
      log()->warn("cannot auto-create topic {}: {}", name, r.message);
    }
  }
}

awaitable<void> Broker::shutdown() {
  log()->info("shutting down");
  stopping_ = true;
  if (broker_lifecycle_ && serving_) {
    bool handed_over =
        co_await broker_lifecycle_->controlled_shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(10));
    log()->info(handed_over ? "controlled shutdown complete: no partitions led here"
                            : "controlled shutdown timed out; stopping anyway");
  }
  if (broker_lifecycle_) broker_lifecycle_->stop();
  if (fetchers_) fetchers_->stop();
  if (cleaning_) cleaning_->cancel();
  server_->stop_accepting();
  if (groups_) groups_->stop();  // pending JoinGroup/SyncGroup answers end now, before the drain
  if (replicas_) {
    for (auto& [tp, partition] : replicas_->partitions()) partition->notify_waiters();  // end long polls
  }
  co_await hand_over_quorum_leadership();
  co_await server_->drain(std::chrono::seconds(5));
  // Requests still running may wait on a quorum that cannot commit any more
  // (the other voters are gone): stopping the metadata log fails them.
  if (quorum_) quorum_->stop();
  co_await server_->close_all();
  if (follower_) follower_->stop();
  if (transport_) transport_->stop();
  // Fetchers append to the logs and own client connections: all must have
  // returned before the logs close and before the event loop is torn down.
  {
    asio::steady_timer t(io_);
    for (int i = 0; i < 500 && fetchers_ && !fetchers_->idle(); ++i) {
      fetchers_->stop();
      t.expires_after(std::chrono::milliseconds(10));
      co_await t.async_wait(use_tuple);
    }
    if (fetchers_ && !fetchers_->idle()) log()->warn("replica fetchers still running at shutdown");
  }
  if (logs_) {
    if (auto ec = logs_->shutdown()) log()->error("log shutdown failed: {}", ec.message());
  }
  peers_->close_all();
  raft_peers_->close_all();
  if (admin_) admin_->stop();
  stopped_ = true;
  log()->info("shutdown complete");
}

awaitable<void> Broker::hand_over_quorum_leadership() {
  if (!quorum_ || !quorum_->is_active() || config_.voters().size() < 2) co_return;
  for (const auto& v : config_.voters()) {
    if (v.id == node_id()) continue;
    if (!quorum_->transfer_leadership(v.id)) co_return;
    asio::steady_timer t(io_);
    for (int i = 0; i < 50 && quorum_->is_active(); ++i) {
      t.expires_after(std::chrono::milliseconds(20));
      co_await t.async_wait(use_tuple);
    }
    if (!quorum_->is_active()) {
      log()->info("handed quorum leadership to node {}", v.id);
      co_return;
    }
  }
}

}  // namespace kappa::broker

#include "broker/broker.h"

#include <random>

#include "broker/local_metadata_log.h"
#include "broker/log_config_mapping.h"
#include "broker/meta_properties.h"
#include "broker/server.h"
#include "kappa/async/run_blocking.h"
#include "kappa/common/log.h"

namespace kappa::broker {
namespace {
auto& log() {
  static auto logger = logging::get("broker");
  return logger;
}
protocol::Uuid random_uuid() {
  static std::mt19937_64 rng{std::random_device{}()};
  return protocol::Uuid::from_halves(rng(), rng());
}
}  // namespace

Broker::Broker(asio::io_context& io, BrokerConfig config) : io_(io), config_(std::move(config)) {}

Broker::~Broker() {
  pool_.join();
}

int32_t Broker::controller_id() const { return metadata_log_ ? metadata_log_->active_controller() : -1; }

void Broker::open_storage() {
  storage::LogManagerConfig lm;
  lm.log_dirs = config_.log_dirs();
  lm.default_config = to_log_config(config_, {});
  auto opened = storage::LogManager::open(lm, storage::FileSystem::posix(), SystemClock::instance());
  if (!opened) throw std::runtime_error("cannot open the log directories: " + opened.error().message());
  logs_ = std::move(*opened);
  replicas_ = std::make_unique<replication::ReplicaManager>(
      *logs_, node_id(), [this](const metadata::TopicImage& t) { return to_log_config(config_, t.configs); });
  log()->info("loaded {} partition logs", logs_->size());
}

void Broker::start() {
  const auto dirs = config_.log_dirs();
  cluster_id_ = ensure_meta_properties(dirs, node_id(), config_.get("cluster.id"), random_id());
  open_storage();
  metadata_log_ = std::make_unique<LocalMetadataLog>(dirs.front() / "__cluster_metadata-0", pool_, image_, node_id(),
                                                     [this] { on_metadata_committed(); });
  metadata_log_->open();
  replicas_->reconcile(image_);
  controller::TopicDefaults defaults{config_.get_int("num.partitions"),
                                     static_cast<int16_t>(config_.get_int("default.replication.factor"))};
  controller_ = std::make_unique<controller::Controller>(io_.get_executor(), *metadata_log_, image_, defaults,
                                                         random_uuid);
  groups_ = std::make_unique<group::GroupCoordinator>(
      group::GroupCoordinator::Deps{io_.get_executor(), pool_, *replicas_, config_, SystemClock::instance()},
      group::group_config_from(config_));
  groups_->on_metadata(image_);
  groups_->start();
  server_ = std::make_unique<Server>(*this, io_);
  server_->start();
  start_housekeeping();
  asio::co_spawn(io_, register_self(), [](std::exception_ptr e) {
    if (e) log()->error("broker registration failed");
  });
  log()->info("broker {} of cluster {} started", node_id(), cluster_id_);
}

awaitable<void> Broker::register_self() {
  protocol::RegisterBrokerRecord reg;
  reg.broker_id = node_id();
  const auto* previous = image_.broker(node_id());
  reg.broker_epoch = previous ? previous->epoch + 1 : 1;
  reg.incarnation_id = random_uuid();
  for (const auto& l : config_.advertised_listeners()) {
    protocol::RegisterBrokerRecord::BrokerEndpoint ep;
    ep.name = l.name;
    ep.host = l.host;
    ep.port = l.port;
    reg.end_points.push_back(ep);
  }
  if (config_.is_set("broker.rack")) reg.rack = config_.get("broker.rack");
  reg.fenced = false;
  std::vector<metadata::MetadataRecord> records;
  records.emplace_back(std::move(reg));
  auto e = co_await controller_->append(std::move(records));
  if (e != protocol::ErrorCode::kNone) log()->error("cannot register broker: {}", protocol::error_name(e));
}

void Broker::on_metadata_committed() {
  if (replicas_) replicas_->reconcile(image_);
  if (groups_) groups_->on_metadata(image_);  // after the replicas: it reads their leadership
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

void Broker::start_housekeeping() {
  auto spawn = [this](int64_t ms, void (Broker::*task)()) {
    asio::co_spawn(io_, every(std::chrono::milliseconds(ms), task), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log()->error("housekeeping task failed: {}", ex.what());
      }
    });
  };
  spawn(config_.get_long("log.retention.check.interval.ms"), &Broker::run_retention);
  spawn(config_.get_long("log.flush.scheduler.interval.ms"), &Broker::run_flush_policy);
  spawn(60'000, &Broker::run_checkpoints);
}

awaitable<void> Broker::every(std::chrono::milliseconds period, void (Broker::*task)()) {
  asio::steady_timer timer(io_);
  while (!stopping_) {
    timer.expires_after(period);
    co_await timer.async_wait(use_tuple);
    if (stopping_) break;
    (this->*task)();
  }
}

void Broker::run_retention() {
  size_t deleted = logs_->run_retention(SystemClock::instance().wall_ms());
  if (deleted) log()->info("retention deleted {} segments", deleted);
}

void Broker::run_flush_policy() {
  for (auto& pending : logs_->flush_policy(SystemClock::instance().wall_ms())) {
    auto task = std::make_shared<storage::FlushTask>(std::move(pending.task));
    auto target = pending.log;
    asio::co_spawn(io_, run_blocking(pool_, [task] { return task->run(); }),
                   [task, target](std::exception_ptr e, std::error_code ec) {
                     if (e) ec = std::make_error_code(std::errc::io_error);
                     target->complete_flush(*task, ec);
                   });
  }
}

void Broker::run_checkpoints() {
  if (checkpoint_running_) return;
  checkpoint_running_ = true;
  auto task = std::make_shared<storage::CheckpointTask>(logs_->prepare_checkpoints());
  asio::co_spawn(io_, run_blocking(pool_, [task] { return task->run(); }),
                 [this](std::exception_ptr, std::error_code ec) {
                   checkpoint_running_ = false;
                   if (ec) log()->warn("cannot write checkpoints: {}", ec.message());
                 });
}

awaitable<void> Broker::auto_create_topics(const std::vector<std::string>& names) {
  for (const auto& name : names) {
    controller::NewTopic t;
    t.name = name;
    auto r = co_await controller_->create_topic(t, false);
    if (r.ok()) {
      log()->info("auto-created topic {} with {} partitions", name, r.num_partitions);
    } else if (r.error != protocol::ErrorCode::kTopicAlreadyExists) {
      log()->warn("cannot auto-create topic {}: {}", name, r.message);
    }
  }
}

awaitable<void> Broker::shutdown() {
  log()->info("shutting down");
  stopping_ = true;
  server_->stop_accepting();
  groups_->stop();  // pending JoinGroup/SyncGroup answers end now, before the drain
  for (auto& [tp, partition] : replicas_->partitions()) partition->notify_waiters();  // end long polls
  co_await server_->drain(std::chrono::seconds(10));
  if (auto ec = logs_->shutdown()) {
    log()->error("log shutdown failed: {}", ec.message());
  }
  log()->info("shutdown complete");
}

}  // namespace kappa::broker

#include "broker/broker.h"

#include <random>

#include "broker/local_metadata_log.h"
#include "broker/meta_properties.h"
#include "broker/server.h"
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

void Broker::start() {
  const auto dirs = config_.log_dirs();
  cluster_id_ = ensure_meta_properties(dirs, node_id(), config_.get("cluster.id"), random_id());
  metadata_log_ = std::make_unique<LocalMetadataLog>(dirs.front() / "__cluster_metadata-0", pool_, image_, node_id(),
                                                     [this] { on_metadata_committed(); });
  metadata_log_->open();
  controller::TopicDefaults defaults{config_.get_int("num.partitions"),
                                     static_cast<int16_t>(config_.get_int("default.replication.factor"))};
  controller_ = std::make_unique<controller::Controller>(io_.get_executor(), *metadata_log_, image_, defaults,
                                                         random_uuid);
  server_ = std::make_unique<Server>(*this, io_);
  server_->start();
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

void Broker::on_metadata_committed() {}

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
  server_->stop_accepting();
  co_await server_->drain(std::chrono::seconds(10));
  log()->info("shutdown complete");
}

}  // namespace kappa::broker

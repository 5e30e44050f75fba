// Metadata: brokers, cluster id, controller, and topics with their
// partitions (leader, epoch, replicas, ISR, offline replicas, topic ids).
// Unknown topics are created when the client allows it and
// auto.create.topics.enable is on.
#include "broker/broker.h"
#include "broker/cluster_view.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/metadata.h"

namespace kappa::broker {
namespace {

using protocol::ErrorCode;
using protocol::MetadataResponse;

MetadataResponse::MetadataResponseTopic describe_topic(const metadata::MetadataImage& image,
                                                       const metadata::TopicImage& t, bool with_ops) {
  MetadataResponse::MetadataResponseTopic out;
  out.name = t.name;
  out.topic_id = t.id;
  out.is_internal = t.is_internal();
  if (with_ops) out.topic_authorized_operations = kAllTopicOperations;
  for (const auto& p : t.partitions) {
    MetadataResponse::MetadataResponsePartition mp;
    mp.partition_index = p.id;
    mp.leader_id = p.leader;
    mp.leader_epoch = p.leader_epoch;
    mp.replica_nodes = p.replicas;
    mp.isr_nodes = p.isr;
    mp.offline_replicas = offline_replicas(image, p);
    if (p.leader < 0 || !is_live(image, p.leader)) mp.error_code = protocol::code_of(ErrorCode::kLeaderNotAvailable);
    out.partitions.push_back(std::move(mp));
  }
  return out;
}

MetadataResponse::MetadataResponseTopic topic_error(std::optional<std::string> name, const protocol::Uuid& id,
                                                    ErrorCode error) {
  MetadataResponse::MetadataResponseTopic out;
  out.name = std::move(name);
  out.topic_id = id;
  out.error_code = protocol::code_of(error);
  return out;
}

}  // namespace

awaitable<MetadataResponse> handle_metadata(RequestContext& ctx, protocol::MetadataRequest& req) {
  Broker& broker = ctx.broker;
  MetadataResponse resp;
  // v0: an empty list means all topics; v1+: null means all, empty means none.
  const bool all_topics = !req.topics.has_value() || (ctx.version() == 0 && req.topics->empty());
  const bool auto_create = (ctx.version() < 4 || req.allow_auto_topic_creation) &&
                           broker.config().get_bool("auto.create.topics.enable");
  if (!all_topics) {
    std::vector<std::string> to_create;
    for (const auto& t : *req.topics) {
      if (t.name && !broker.image().topic(*t.name) && auto_create && !validate_topic_name(*t.name) &&
          !t.name->starts_with("__")) {
        to_create.push_back(*t.name);
      }
    }
    if (!to_create.empty()) co_await broker.auto_create_topics(to_create);
  }
  const auto& image = broker.image();
  for (const auto& b : live_brokers(image, ctx.listener_name)) {
    resp.brokers.push_back({b.id, b.host, b.port, b.rack});
  }
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = broker.controller_id();
  const bool with_ops = req.include_topic_authorized_operations;
  if (all_topics) {
    for (const auto& [name, t] : image.topics()) resp.topics.push_back(describe_topic(image, t, with_ops));
  } else {
    for (const auto& t : *req.topics) {
      const metadata::TopicImage* found = nullptr;
      if (t.name) {
        found = image.topic(*t.name);
      } else if (!t.topic_id.is_zero()) {
        found = image.topic(t.topic_id);
      }
      if (found) {
        resp.topics.push_back(describe_topic(image, *found, with_ops));
      } else if (t.name && validate_topic_name(*t.name)) {
        resp.topics.push_back(topic_error(t.name, {}, ErrorCode::kInvalidTopicException));
      } else if (t.name) {
        resp.topics.push_back(topic_error(t.name, {}, ErrorCode::kUnknownTopicOrPartition));
      } else {
        resp.topics.push_back(topic_error(std::nullopt, t.topic_id, ErrorCode::kUnknownTopicId));
      }
    }
  }
  if (req.include_cluster_authorized_operations) resp.cluster_authorized_operations = kAllClusterOperations;
  co_return resp;
}

}  // namespace kappa::broker

// DescribeCluster: cluster id, active controller and live brokers.
#include "broker/broker.h"
#include "broker/cluster_view.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/describe_cluster.h"

namespace kappa::broker {

awaitable<protocol::DescribeClusterResponse> handle_describe_cluster(RequestContext& ctx,
                                                                     protocol::DescribeClusterRequest& req) {
  protocol::DescribeClusterResponse resp;
  if (req.endpoint_type != 1) {  // 1 = brokers; 2 = controllers (KIP-919) is not served here
    resp.error_code = protocol::code_of(protocol::ErrorCode::kUnsupportedEndpointType);
    resp.error_message = "only the brokers endpoint type (1) is supported";
    co_return resp;
  }
  const Broker& broker = ctx.broker;
  resp.cluster_id = broker.cluster_id();
  resp.controller_id = broker.controller_id();
  for (const auto& b : live_brokers(broker.image(), ctx.listener_name)) {
    resp.brokers.push_back({b.id, b.host, b.port, b.rack});
  }
  if (req.include_cluster_authorized_operations) resp.cluster_authorized_operations = kAllClusterOperations;
  co_return resp;
}

}  // namespace kappa::broker

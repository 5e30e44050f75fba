// InitProducerId for idempotent producers: a fresh producer id (from this
// broker's block) with epoch 0.  Transactions are not supported, so a
// transactional id is refused.
#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "broker/producer_id_manager.h"
#include "kappa/protocol/msg/init_producer_id.h"

namespace kappa::broker {

awaitable<protocol::InitProducerIdResponse> handle_init_producer_id(RequestContext& ctx,
                                                                    protocol::InitProducerIdRequest& req) {
  protocol::InitProducerIdResponse resp;
  if (req.transactional_id && !req.transactional_id->empty()) {
    resp.error_code = protocol::code_of(protocol::ErrorCode::kTransactionalIdAuthorizationFailed);
    co_return resp;
  }
  auto id = co_await ctx.broker.producer_ids().next();
  if (!id) {
    resp.error_code = protocol::code_of(protocol::ErrorCode::kCoordinatorNotAvailable);
    co_return resp;
  }
  resp.producer_id = *id;
  resp.producer_epoch = 0;
  co_return resp;
}

}  // namespace kappa::broker

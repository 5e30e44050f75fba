// CreatePartitions: grow topics, with optional manual assignments.
#include <set>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/create_partitions.h"

namespace kappa::broker {

using protocol::CreatePartitionsResponse;
using protocol::ErrorCode;

awaitable<CreatePartitionsResponse> handle_create_partitions(RequestContext& ctx,
                                                             protocol::CreatePartitionsRequest& req) {
  CreatePartitionsResponse resp;
  std::set<std::string> seen;
  for (auto& t : req.topics) {
    CreatePartitionsResponse::CreatePartitionsTopicResult result;
    result.name = t.name;
    if (!seen.insert(t.name).second) {
      result.error_code = protocol::code_of(ErrorCode::kInvalidRequest);
      result.error_message = "Duplicate topic in the request.";
      resp.results.push_back(std::move(result));
      continue;
    }
    std::vector<std::vector<int32_t>> assignments;
    if (t.assignments) {
      for (auto& a : *t.assignments) assignments.push_back(a.broker_ids);
    }
    auto r = co_await ctx.broker.controller().create_partitions(t.name, t.count, std::move(assignments),
                                                                req.validate_only);
    result.error_code = protocol::code_of(r.error);
    if (!r.ok()) result.error_message = r.message;
    resp.results.push_back(std::move(result));
  }
  co_return resp;
}

}  // namespace kappa::broker

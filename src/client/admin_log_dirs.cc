// Admin::log_sizes: DescribeLogDirs sent to one broker (log dirs are a
// broker's own; there is no cluster-wide answer).
#include "kappa/client/admin.h"
#include "kappa/protocol/msg/describe_log_dirs.h"

namespace kappa::client {

using namespace protocol;

awaitable<Result<std::map<int32_t, int64_t>>> Admin::log_sizes(int32_t node, const std::string& topic,
                                                               const std::vector<int32_t>& partitions) {
  auto conn = co_await client_.connection_to(node);
  if (!conn) co_return conn.error();
  if (!(*conn)->supports(ApiKey::kDescribeLogDirs)) {
    co_return client_error(ClientErrc::kNotAvailable, (*conn)->broker(), "DescribeLogDirs is not supported");
  }
  DescribeLogDirsRequest req;
  req.topics = std::vector<DescribeLogDirsRequest::DescribableLogDirTopic>{{.topic = topic, .partitions = partitions}};
  auto resp = co_await (*conn)->send<DescribeLogDirsRequest, DescribeLogDirsResponse>(req);
  if (!resp) co_return resp.error();
  if (resp->error_code != 0) co_return kafka_error(resp->error_code, (*conn)->broker());
  std::map<int32_t, int64_t> sizes;
  for (const auto& dir : resp->results) {
    if (dir.error_code != 0) continue;  // an offline dir holds nothing readable
    for (const auto& t : dir.topics) {
      if (t.name != topic) continue;
      for (const auto& p : t.partitions) {
        if (!p.is_future_key) sizes[p.partition_index] += p.partition_size;
      }
    }
  }
  co_return sizes;
}

}  // namespace kappa::client

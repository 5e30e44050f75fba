// DescribeLogDirs (v0-4): per configured log directory, the partitions it
// holds (all, or the requested ones) with their size on disk and how far
// their log end is behind the high watermark (Kafka's OffsetLag: 0 on a
// leader or a caught-up follower), and (v4+) the volume's total and usable
// bytes.  Used by `kafka-log-dirs.sh`, admin clients and `kappa topics describe`.
#include <filesystem>
#include <map>
#include <set>

#include "broker/broker.h"
#include "broker/handlers/handlers.h"
#include "kappa/protocol/msg/describe_log_dirs.h"

namespace kappa::broker {

awaitable<protocol::DescribeLogDirsResponse> handle_describe_log_dirs(RequestContext& ctx,
                                                                      protocol::DescribeLogDirsRequest& req) {
  protocol::DescribeLogDirsResponse resp;
  std::optional<std::set<std::pair<std::string, int32_t>>> wanted;
  if (req.topics) {
    wanted.emplace();
    for (const auto& t : *req.topics) {
      for (int32_t p : t.partitions) wanted->insert({t.topic, p});
    }
  }
  auto& logs = ctx.broker.logs();
  using Partitions = std::vector<protocol::DescribeLogDirsResponse::DescribeLogDirsPartition>;
  std::map<std::filesystem::path, std::map<std::string, Partitions>> found;  // log dir -> topic -> partitions
  for (const auto& tp : logs.partitions()) {
    if (wanted && !wanted->count({tp.topic, tp.partition.value()})) continue;
    auto log = logs.get(tp);
    if (!log) continue;
    auto& parts = found[log->dir().parent_path()][tp.topic];
    auto& p = parts.emplace_back();
    p.partition_index = tp.partition.value();
    p.partition_size = static_cast<int64_t>(log->size_bytes());
    p.offset_lag = std::max<int64_t>(0, log->high_watermark() - log->log_end_offset());
    p.is_future_key = false;
  }
  for (const auto& dir : logs.log_dirs()) {
    auto& r = resp.results.emplace_back();
    r.log_dir = std::filesystem::absolute(dir).string();
    std::error_code ec;
    const auto space = std::filesystem::space(dir, ec);
    if (ec) {
      r.error_code = protocol::code_of(protocol::ErrorCode::kKafkaStorageError);
      continue;
    }
    r.total_bytes = static_cast<int64_t>(space.capacity);
    r.usable_bytes = static_cast<int64_t>(space.available);
    for (auto& [dir_path, topics] : found) {
      if (std::filesystem::absolute(dir_path) != std::filesystem::absolute(dir)) continue;
      for (auto& [name, partitions] : topics) {
        auto& t = r.topics.emplace_back();
        t.name = name;
        t.partitions = std::move(partitions);
      }
    }
  }
  co_return resp;
}

}  // namespace kappa::broker

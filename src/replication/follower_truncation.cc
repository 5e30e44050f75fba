#include "kappa/replication/follower_truncation.h"

#include <algorithm>

namespace kappa::replication {

int64_t truncation_offset(int32_t asked_epoch, EpochAnswer leader, int64_t local_end, int64_t local_high_watermark,
                          const std::function<int64_t(int32_t)>& local_end_of_epoch) {
  if (leader.epoch < 0 || leader.end_offset < 0) return std::min(local_high_watermark, local_end);
  if (leader.epoch == asked_epoch) return std::min(leader.end_offset, local_end);
  return std::min({leader.end_offset, local_end, local_end_of_epoch(leader.epoch)});
}

}  // namespace kappa::replication

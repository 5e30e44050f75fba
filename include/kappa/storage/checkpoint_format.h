#pragma once
// Text payloads of the checkpoint files (Kafka's formats), stored inside
// durable_file.h framing (magic, length, XXH64), so a damaged file is
// detected and ignored rather than trusted.
//
//   offset checkpoint (recovery-point-offset-checkpoint,
//                      log-start-offset-checkpoint):
//     "0\n" <count> "\n" { <topic> " " <partition> " " <offset> "\n" }
//   leader-epoch-checkpoint:
//     "0\n" <count> "\n" { <epoch> " " <start offset> "\n" }
//
// The first line is the format version.  Parsing is strict: any deviation
// (version, count, field count, non-numeric field) rejects the whole file.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kappa/storage/topic_partition.h"

namespace kappa::storage {

using OffsetMap = std::map<TopicPartition, int64_t>;

std::string format_offset_checkpoint(const OffsetMap& offsets);
std::optional<OffsetMap> parse_offset_checkpoint(std::string_view text);

using EpochList = std::vector<std::pair<int32_t, int64_t>>;  // (epoch, start offset)

std::string format_epoch_checkpoint(const EpochList& epochs);
std::optional<EpochList> parse_epoch_checkpoint(std::string_view text);

}  // namespace kappa::storage

#pragma once
// offsets_for_time: per partition of a topic, the offset of the first record
// whose timestamp is at or after `ms` — exactly, not at batch granularity.
// ListOffsets may answer with the base offset of the batch that holds the
// record (Kappa does; the protocol allows it), so the records of that batch
// are read with a Consumer and those before the time skipped. Partitions
// without such a record map to their log end.

#include <cstdint>
#include <map>
#include <string>

#include "kappa/async/asio.h"
#include "kappa/client/client.h"
#include "kappa/client/result.h"

namespace kappa::client {

awaitable<Result<std::map<int32_t, int64_t>>> offsets_for_time(Client& client, const std::string& topic, int64_t ms);

}  // namespace kappa::client

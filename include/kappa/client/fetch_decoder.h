#pragma once
// decode_fetched(): turns the record set a Fetch returned for one partition
// into ConsumerRecords, starting at the consumer's position.
//
// - Only complete batches are read (a fetch may end inside one).
// - Records below `position` are dropped: a fetch starts at the batch that
//   holds the position, and compressed batches are returned whole.
// - Control batches (transaction markers) yield no records but move the
//   position past them.
// - The returned position is just past the last batch read, so the next
//   fetch never re-reads it.
// A malformed batch stops decoding with an error after the records before it.

#include <cstdint>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "kappa/client/records.h"

namespace kappa::client {

struct DecodedFetch {
  int64_t next_position = 0;
  std::error_code error;  // RecordError / CompressionError of a bad batch
};

DecodedFetch decode_fetched(const std::string& topic, int32_t partition, std::span<const uint8_t> records,
                            int64_t position, std::vector<ConsumerRecord>& out);

}  // namespace kappa::client

#pragma once
// Record batches for the replication tests: plain batches and idempotent
// producer batches (producer id, epoch, base sequence) built with the
// protocol module's RecordBatchBuilder.  Record values name their producer
// and sequence ("p<id>e<epoch>s<seq>"), so a test can tell records apart.

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_batch_builder.h"

namespace kappa::replication::test {

inline std::vector<uint8_t> producer_batch(int64_t producer_id, int16_t epoch, int32_t base_sequence, int records = 1,
                                           int64_t timestamp = 1'700'000'000'000) {
  protocol::RecordBatchBuilder b({.producer_id = producer_id, .producer_epoch = epoch, .base_sequence = base_sequence});
  for (int i = 0; i < records; ++i) {
    std::string value = fmt::format("p{}e{}s{}", producer_id, epoch, base_sequence + i);
    b.append(timestamp + i, std::nullopt, value);
  }
  return b.finish();
}

inline std::vector<uint8_t> plain_batch(int records = 1, int64_t timestamp = 1'700'000'000'000) {
  protocol::RecordBatchBuilder b;
  for (int i = 0; i < records; ++i) b.append(timestamp + i, std::nullopt, "v");
  return b.finish();
}

// The header of a batch with its offsets as the log would assign them.
inline protocol::BatchHeader header_at(std::vector<uint8_t> batch, int64_t base_offset) {
  auto h = *protocol::peek_batch_header(batch);
  h.base_offset = base_offset;
  return h;
}

// Headers of every batch in `bytes`.
inline std::vector<protocol::BatchHeader> headers_in(std::span<const uint8_t> bytes) {
  std::vector<protocol::BatchHeader> out;
  protocol::for_each_batch(bytes, [&](std::span<const uint8_t> b) { out.push_back(*protocol::peek_batch_header(b)); });
  return out;
}

}  // namespace kappa::replication::test

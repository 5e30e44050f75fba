#include "kappa/protocol/record_validation.h"

#include <fmt/format.h>

namespace kappa::protocol {

BatchValidation validate_batch_records(std::span<const uint8_t> batch, RecordReader& reader) {
  BatchValidation v = validate_batch(batch);
  if (v.error != ErrorCode::kNone || v.header.compression() == Compression::kNone) return v;
  auto fail = [&](std::error_code ec, int32_t record) {
    v.error = to_kafka_error(ec);
    v.message = record < 0 ? fmt::format("compressed records: {}", ec.message())
                           : fmt::format("compressed record {}: {}", record, ec.message());
    return v;
  };
  if (auto ec = reader.open(batch)) return fail(ec, -1);
  Record r;
  int32_t i = 0;
  for (; reader.next(r); ++i) {
    if (r.offset_delta != i) return fail(RecordError::kBadOffsetDelta, i);
  }
  if (reader.error()) return fail(reader.error(), i);
  return v;
}

}  // namespace kappa::protocol

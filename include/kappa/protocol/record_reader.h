#pragma once
// RecordReader: iterates the records of one v2 record batch.
//
//   RecordReader reader;
//   if (auto ec = reader.open(batch)) return to_kafka_error(ec);
//   Record r;
//   while (reader.next(r)) use(r.offset, r.key, r.value);
//   if (reader.error()) ...;
//
// Uncompressed batches are read in place: no allocation per record, every
// view points into `batch`. Compressed batches are first decompressed into a
// buffer the reader keeps and reuses across open() calls (capped by the
// decompression limit). Control batches hold one control record: check
// header().is_control() and parse_control_key(record.key) (control_record.h).
//
// The reader does not check the CRC (validate_batch does), but it checks
// everything it reads: any byte sequence yields records or an error, never
// an out-of-bounds read. Offset deltas must increase within
// [0, lastOffsetDelta]; gaps are allowed (compaction leaves them).
//
// Not thread-safe; use one reader per thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "kappa/protocol/compression.h"
#include "kappa/protocol/record.h"
#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_error.h"

namespace kappa::protocol {

class RecordReader {
 public:
  explicit RecordReader(size_t decompress_limit = kDefaultDecompressLimit) : limit_(decompress_limit) {}

  // Starts reading `batch`, exactly one whole batch. Records stay valid until
  // the next open() and as long as `batch` is alive and unchanged.
  std::error_code open(std::span<const uint8_t> batch);

  const BatchHeader& header() const { return header_; }

  // Decodes the next record into `out`; false at the end of the batch or on
  // a malformed record (then error() is set and iteration stops).
  bool next(Record& out);
  std::error_code error() const { return error_; }

  // The serialized records (decompressed if needed) after recordsCount.
  std::span<const uint8_t> records_bytes() const { return {begin_, static_cast<size_t>(end_ - begin_)}; }

 private:
  bool fail(RecordError e);
  bool parse_headers(const uint8_t*& p, const uint8_t* end, int32_t count);

  size_t limit_;
  std::vector<uint8_t> buffer_;  // decompressed records
  BatchHeader header_;
  const uint8_t* begin_ = nullptr;
  const uint8_t* p_ = nullptr;
  const uint8_t* end_ = nullptr;
  int32_t left_ = 0;
  int64_t last_delta_ = -1;
  std::error_code error_;
};

// Reads every record of `batch`, calling fn(const BatchHeader&, const Record&).
// Returns the first error (records before it have been passed to fn).
template <typename Fn>
std::error_code for_each_record(std::span<const uint8_t> batch, Fn&& fn,
                                size_t decompress_limit = kDefaultDecompressLimit) {
  RecordReader reader(decompress_limit);
  if (auto ec = reader.open(batch)) return ec;
  Record r;
  while (reader.next(r)) fn(reader.header(), r);
  return reader.error();
}

}  // namespace kappa::protocol

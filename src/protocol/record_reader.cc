#include "kappa/protocol/record_reader.h"

#include "protocol/zigzag.h"

namespace kappa::protocol {
namespace {

using batch_layout::kHeaderSize;

// Reads a nullable length-prefixed field inside [p, end).
bool read_bytes(const uint8_t*& p, const uint8_t* end, BytesView& out) {
  int32_t len;
  if (!zigzag::read_varint(p, end, len) || len < -1 || len > end - p) return false;
  if (len < 0) {
    out = BytesView();
  } else {
    out = BytesView(p, static_cast<size_t>(len));
    p += len;
  }
  return true;
}

// Offsets and timestamps add a delta from the wire to a base from the wire;
// hostile values must wrap, not overflow.
int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

}  // namespace

std::error_code RecordReader::open(std::span<const uint8_t> batch) {
  error_ = {};
  begin_ = p_ = end_ = nullptr;
  left_ = 0;
  last_delta_ = -1;
  auto h = peek_batch_header(batch);
  if (!h || h->magic != 2 || h->batch_length < 0 || h->total_size() != batch.size() || h->records_count < 0 ||
      h->last_offset_delta < 0) {
    return error_ = RecordError::kBadBatchHeader;
  }
  header_ = *h;
  auto payload = batch.subspan(kHeaderSize);
  if (header_.compression() != Compression::kNone && !(payload.empty() && header_.records_count == 0)) {
    // (A batch emptied by compaction keeps its codec bits but has no payload.)
    if (auto ec = decompress(header_.compression(), payload, buffer_, limit_)) return error_ = ec;
    payload = buffer_;
  }
  begin_ = p_ = payload.data();
  end_ = payload.data() + payload.size();
  left_ = header_.records_count;
  return {};
}

bool RecordReader::fail(RecordError e) {
  error_ = e;
  left_ = 0;
  p_ = end_;
  return false;
}

bool RecordReader::parse_headers(const uint8_t*& p, const uint8_t* end, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    int32_t klen;
    if (!zigzag::read_varint(p, end, klen) || klen < 0 || klen > end - p) return false;
    p += klen;
    BytesView value;
    if (!read_bytes(p, end, value)) return false;
  }
  return true;
}

bool RecordReader::next(Record& out) {
  if (error_) return false;
  if (left_ == 0) {
    if (p_ != end_) return fail(RecordError::kRecordCountMismatch);
    return false;
  }
  if (p_ == end_) return fail(RecordError::kRecordCountMismatch);
  int32_t len;
  if (!zigzag::read_varint(p_, end_, len) || len < 0 || len > end_ - p_) {
    return fail(RecordError::kMalformedRecord);
  }
  const uint8_t* const rec_end = p_ + len;
  const uint8_t* q = p_;
  int64_t ts_delta;
  int32_t offset_delta, header_count;
  if (q == rec_end) return fail(RecordError::kMalformedRecord);
  out.attributes = static_cast<int8_t>(*q++);
  if (!zigzag::read_varlong(q, rec_end, ts_delta) || !zigzag::read_varint(q, rec_end, offset_delta)) {
    return fail(RecordError::kMalformedRecord);
  }
  if (offset_delta <= last_delta_ || offset_delta > header_.last_offset_delta) {
    return fail(RecordError::kBadOffsetDelta);
  }
  if (!read_bytes(q, rec_end, out.key) || !read_bytes(q, rec_end, out.value) ||
      !zigzag::read_varint(q, rec_end, header_count) || header_count < 0) {
    return fail(RecordError::kMalformedRecord);
  }
  const uint8_t* headers_begin = q;
  if (!parse_headers(q, rec_end, header_count) || q != rec_end) return fail(RecordError::kMalformedRecord);
  out.headers = RecordHeaders({headers_begin, static_cast<size_t>(rec_end - headers_begin)}, header_count);
  out.offset_delta = offset_delta;
  out.offset = wrapping_add(header_.base_offset, offset_delta);
  out.timestamp =
      header_.log_append_time() ? header_.max_timestamp : wrapping_add(header_.base_timestamp, ts_delta);
  last_delta_ = offset_delta;
  --left_;
  p_ = rec_end;
  return true;
}

}  // namespace kappa::protocol

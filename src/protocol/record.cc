#include "kappa/protocol/record.h"

#include "protocol/zigzag.h"

namespace kappa::protocol {

RecordHeaders::Iterator::Iterator(const uint8_t* p, const uint8_t* end, int32_t count)
    : p_(p), end_(end), left_(count) {
  decode();
}

RecordHeaders::Iterator& RecordHeaders::Iterator::operator++() {
  --left_;
  decode();
  return *this;
}

// The reader validated the framing; the checks here only keep a header set
// that was not validated (a hand-made RecordHeaders) from reading past `end_`:
// such a set simply ends early.
void RecordHeaders::Iterator::decode() {
  if (left_ <= 0) return;
  int32_t klen = 0, vlen = 0;
  if (!zigzag::read_varint(p_, end_, klen) || klen < 0 || klen > end_ - p_) {
    left_ = 0;
    return;
  }
  current_.key = {reinterpret_cast<const char*>(p_), static_cast<size_t>(klen)};
  p_ += klen;
  if (!zigzag::read_varint(p_, end_, vlen) || vlen < -1 || vlen > end_ - p_) {
    left_ = 0;
    return;
  }
  current_.value = vlen < 0 ? BytesView() : BytesView(p_, static_cast<size_t>(vlen));
  if (vlen > 0) p_ += vlen;
}

}  // namespace kappa::protocol

#include "kappa/protocol/header.h"

namespace kappa::protocol {

RequestHeader decode_request_header_prefix(Reader& r) {
  RequestHeader h;
  h.api_key = r.i16();
  h.api_version = r.i16();
  h.correlation_id = r.i32();
  h.client_id = r.nullable_string(/*flex=*/false);
  return h;
}

void skip_header_tags(Reader& r) {
  const uint32_t tags = r.uvarint();
  for (uint32_t i = 0; i < tags; ++i) {
    r.uvarint();  // tag
    r.skip(r.uvarint());
  }
}

void encode_request_header(Writer& w, const RequestHeader& h, int16_t header_version) {
  w.i16(h.api_key);
  w.i16(h.api_version);
  w.i32(h.correlation_id);
  if (header_version >= 1) w.nullable_string(h.client_id, /*flex=*/false);
  if (header_version >= 2) w.uvarint(0);
}

void encode_response_header(Writer& w, int32_t correlation_id, int16_t header_version) {
  w.i32(correlation_id);
  if (header_version >= 1) w.uvarint(0);
}

}  // namespace kappa::protocol

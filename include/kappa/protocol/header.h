#pragma once
// Request and response headers (Kafka RequestHeader v1-v2, ResponseHeader v0-v1).
//
// Request:  api_key int16, api_version int16, correlation_id int32,
//           client_id nullable string with an int16 length even in v2,
//           then (v2 only) a tagged-field section.
// Response: correlation_id int32, then (v1 only) a tagged-field section.

#include <cstdint>
#include <optional>
#include <string>

#include "kappa/protocol/wire.h"

namespace kappa::protocol {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
};

// Reads the fixed part (key, version, correlation id, client id).
RequestHeader decode_request_header_prefix(Reader& r);
// Reads the tagged section of a v2 header.
void skip_header_tags(Reader& r);
void encode_request_header(Writer& w, const RequestHeader& h, int16_t header_version);
void encode_response_header(Writer& w, int32_t correlation_id, int16_t header_version);

}  // namespace kappa::protocol

// Request and response headers (header.h) against reference encodings
// (vectors/headers.inc; kafka-python 2.0.2 wrote the v1 request headers).

#include <gtest/gtest.h>

#include "kappa/protocol/header.h"
#include "protocol/codec_test_util.h"
#include "protocol/vectors/headers.inc"

namespace kappa::protocol::testing {
namespace {

// The header each vector encodes: v0 for ControlledShutdown v0, v1 and v2 for Metadata.
RequestHeader request_header(int16_t header_version, std::optional<std::string> client_id) {
  RequestHeader h;
  h.api_key = header_version == 0 ? 7 : 3;
  h.api_version = header_version == 0 ? 0 : header_version == 1 ? 5 : 12;
  h.correlation_id = 0x01020304;
  if (header_version >= 1) h.client_id = std::move(client_id);
  return h;
}

std::vector<uint8_t> encoded(const RequestHeader& h, int16_t header_version) {
  Writer w;
  encode_request_header(w, h, header_version);
  return w.flatten();
}

// Reads a whole v1 or v2 header; throws DecodeError on malformed input.
RequestHeader decode_header(std::span<const uint8_t> data, int16_t header_version) {
  Reader r(data);
  RequestHeader h = decode_request_header_prefix(r);
  if (header_version >= 2) skip_header_tags(r);
  if (!r.at_end()) throw DecodeError("bytes left after the header");
  return h;
}

bool operator==(const RequestHeader& a, const RequestHeader& b) {
  return a.api_key == b.api_key && a.api_version == b.api_version && a.correlation_id == b.correlation_id &&
         a.client_id == b.client_id;
}

TEST(RequestHeader, encodes_to_the_reference_bytes_in_every_header_version) {
  for (const auto& vec : kRequestHeaderVectors) {
    SCOPED_TRACE(describe(vec));
    EXPECT_TRUE(same_bytes(encoded(request_header(vec.version, "kappa-ü"), vec.version), from_hex(vec.hex)));
  }
}

TEST(RequestHeader, encodes_a_null_client_id_as_int16_minus_one_even_in_v2) {
  for (const auto& vec : kRequestHeaderWithoutClientIdVectors) {
    SCOPED_TRACE(describe(vec));
    EXPECT_TRUE(
        same_bytes(encoded(request_header(vec.version, std::nullopt), vec.version), from_hex(vec.hex)));
  }
}

TEST(RequestHeader, decodes_the_reference_bytes_of_v1_and_v2) {
  for (const auto* vectors : {&kRequestHeaderVectors, &kRequestHeaderWithoutClientIdVectors}) {
    for (const auto& vec : *vectors) {
      if (vec.version == 0) continue;  // the broker never reads v0 (ControlledShutdown v0)
      SCOPED_TRACE(describe(vec));
      const bool with_client_id = vectors == &kRequestHeaderVectors;
      EXPECT_TRUE(
          decode_header(from_hex(vec.hex), vec.version) ==
          request_header(vec.version, with_client_id ? std::optional<std::string>("kappa-ü") : std::nullopt));
    }
  }
}

TEST(RequestHeader, skips_unknown_tagged_fields_of_v2) {
  for (const auto* vectors :
       {&kRequestHeaderUnknownTagVectors, &kRequestHeaderWithoutClientIdUnknownTagVectors}) {
    for (const auto& vec : *vectors) {
      SCOPED_TRACE(describe(vec));
      const RequestHeader h = decode_header(from_hex(vec.hex), vec.version);
      EXPECT_EQ(h.api_key, 3);
      EXPECT_EQ(h.api_version, 12);
      EXPECT_EQ(h.correlation_id, 0x01020304);
    }
  }
  // Several unknown tags, one of them empty, then the body follows.
  const auto data = from_hex(
      "0012"
      "0003"
      "00000009"
      "ffff"
      "02"  // tagged fields: 2
      "00"
      "00"  // tag 0, empty
      "05"
      "03"
      "aabbcc"  // tag 5, 3 bytes
      "0b");    // first byte of the body
  Reader r(data);
  decode_request_header_prefix(r);
  skip_header_tags(r);
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(RequestHeader, rejects_every_truncation) {
  for (const auto* vectors : {&kRequestHeaderVectors, &kRequestHeaderWithoutClientIdVectors}) {
    for (const auto& vec : *vectors) {
      if (vec.version == 0) continue;
      SCOPED_TRACE(describe(vec));
      const auto data = from_hex(vec.hex);
      for (size_t cut = 0; cut < data.size(); ++cut) {
        EXPECT_THROW(decode_header(std::span<const uint8_t>(data.data(), cut), vec.version), DecodeError)
            << "cut at " << cut;
      }
    }
  }
}

TEST(ResponseHeader, encodes_v0_without_and_v1_with_tagged_fields) {
  for (const auto& vec : kResponseHeaderVectors) {
    SCOPED_TRACE(describe(vec));
    Writer w;
    encode_response_header(w, 0x01020304, vec.version);
    EXPECT_TRUE(same_bytes(w.flatten(), from_hex(vec.hex)));
  }
}

}  // namespace
}  // namespace kappa::protocol::testing

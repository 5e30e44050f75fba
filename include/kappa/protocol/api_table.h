#pragma once
// The API table: for every API that has a schema, its version range, the
// range announced in ApiVersions, and where its flexible encoding starts.
// Generated from the same .kmsg schemas as the message codecs.

#include <cstdint>
#include <span>

#include "kappa/protocol/api_key.h"

namespace kappa::protocol {

enum Listener : uint8_t {
  kListenerBroker = 1,      // client-facing broker listener
  kListenerController = 2,  // controller quorum listener
};

struct ApiSpec {
  ApiKey key;
  const char* name;
  int16_t min_version;     // versions the codec decodes/encodes
  int16_t max_version;
  int16_t advertised_min;  // range announced in ApiVersions (may start lower,
  int16_t advertised_max;  // e.g. Produce 0 for librdkafka's feature checks)
  int16_t first_flexible;  // 0x7fff when never flexible
  uint8_t listeners;

  bool supports(int16_t v) const { return v >= min_version && v <= max_version; }
  bool is_flexible(int16_t v) const { return v >= first_flexible; }
  // Request header v2 for flexible versions, else v1.
  int16_t request_header_version(int16_t v) const { return is_flexible(v) ? 2 : 1; }
  // Response header v1 for flexible versions, else v0; ApiVersions always v0 (KIP-511).
  int16_t response_header_version(int16_t v) const {
    return key == ApiKey::kApiVersions ? 0 : (is_flexible(v) ? 1 : 0);
  }
};

std::span<const ApiSpec> all_api_specs();
// nullptr when the key has no schema.
const ApiSpec* find_api(int16_t key);
inline const ApiSpec& api_spec(ApiKey key) { return *find_api(static_cast<int16_t>(key)); }

}  // namespace kappa::protocol

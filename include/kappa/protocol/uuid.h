#pragma once
// Uuid: Kafka's 128-bit id (topic ids, directory ids), shown in Kafka's
// base64url form without padding (22 characters).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kappa::protocol {

struct Uuid {
  std::array<uint8_t, 16> bytes{};

  bool is_zero() const;
  std::string to_string() const;
  static std::optional<Uuid> parse(std::string_view text);
  // Builds a Uuid from two 64-bit halves (most significant first).
  static Uuid from_halves(uint64_t msb, uint64_t lsb);
  uint64_t msb() const;
  uint64_t lsb() const;

  auto operator<=>(const Uuid&) const = default;
};

}  // namespace kappa::protocol

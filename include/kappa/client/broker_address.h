#pragma once
// BrokerAddress: where to reach a broker. Parsed from "host:port",
// "[v6-address]:port" or a bare host (port 9092).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kappa::client {

inline constexpr uint16_t kDefaultKafkaPort = 9092;

struct BrokerAddress {
  std::string host;
  uint16_t port = kDefaultKafkaPort;

  // "host:port" ("[::1]:9092" for IPv6 literals).
  std::string to_string() const;
  // nullopt for an empty host or a port outside 1..65535.
  static std::optional<BrokerAddress> parse(std::string_view text);
  // A comma-separated list; nullopt if any entry is invalid or none is given.
  static std::optional<std::vector<BrokerAddress>> parse_list(std::string_view text);

  friend bool operator==(const BrokerAddress&, const BrokerAddress&) = default;
};

}  // namespace kappa::client

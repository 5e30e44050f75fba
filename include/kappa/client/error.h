#pragma once
// Error: what went wrong with a client operation, as a value.
//
// `code` is either a Kafka error code the broker returned (kafka_category(),
// value = the int16 code, e.g. 36 TOPIC_ALREADY_EXISTS) or a failure the
// client saw itself (client_category(): timeouts, disconnects, ...).
// `broker` names the broker involved ("127.0.0.1:9092"), empty when none was;
// `detail` is the broker's error message when it sent one, else the client's
// own explanation. to_string() gives the one-line form the CLI prints:
//   broker 127.0.0.1:9092: TOPIC_ALREADY_EXISTS: Topic 'x' already exists.

#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include "kappa/protocol/error_code.h"

namespace kappa::client {

// Failures seen by the client rather than reported by a broker.
enum class ClientErrc {
  kTimedOut = 1,         // no response within the request timeout (the connection is closed)
  kDisconnected,         // the connection closed while the request was pending
  kConnectFailed,        // resolving or connecting to the broker failed
  kUnsupportedVersion,   // no version of the API both sides support
  kMalformedResponse,    // a response that does not decode (the connection is closed)
  kInvalidArgument,      // a bad call: unknown partition, version outside the codec, ...
  kClosed,               // the client or connection was closed by its owner
  kNotAvailable,         // a feature the broker or this client does not offer
};

const std::error_category& client_category();
const std::error_category& kafka_category();

inline std::error_code make_error_code(ClientErrc e) { return {static_cast<int>(e), client_category()}; }
inline std::error_code kafka_error_code(protocol::ErrorCode e) {
  return {static_cast<int>(protocol::code_of(e)), kafka_category()};
}
inline std::error_code kafka_error_code(int16_t e) { return {e, kafka_category()}; }

struct Error {
  std::error_code code;
  std::string broker;  // "host:port" of the broker involved, or empty
  std::string detail;  // broker-provided message, or the client's explanation

  // Kafka's name ("NOT_LEADER_OR_FOLLOWER") or the client's ("TIMED_OUT").
  std::string name() const;
  // "broker B: NAME: detail" (parts that are empty are left out).
  std::string to_string() const;
  // The Kafka error code if the broker reported this error.
  std::optional<protocol::ErrorCode> kafka() const;
  bool is(protocol::ErrorCode e) const { return kafka() == e; }
  bool is(ClientErrc e) const { return code == make_error_code(e); }
  // Worth retrying after a metadata refresh and/or reconnect: leadership
  // moves, topics not yet visible, disconnects, timeouts, broker overload.
  bool retriable() const;
  // Retriable and a sign that cached leadership is stale.
  bool needs_metadata_refresh() const;
};

// Builds the Error for a Kafka error code in a response; `detail` defaults to
// a short description when the broker sent no message.
Error kafka_error(protocol::ErrorCode code, std::string broker, std::optional<std::string> detail = std::nullopt);
Error kafka_error(int16_t code, std::string broker, std::optional<std::string> detail = std::nullopt);
Error client_error(ClientErrc code, std::string broker, std::string detail);

}  // namespace kappa::client

template <>
struct std::is_error_code_enum<kappa::client::ClientErrc> : std::true_type {};

#include "kappa/client/error.h"

#include <fmt/format.h>

namespace kappa::client {
namespace {

using protocol::ErrorCode;

std::string_view client_name(int ev) {
  switch (static_cast<ClientErrc>(ev)) {
    case ClientErrc::kTimedOut: return "TIMED_OUT";
    case ClientErrc::kDisconnected: return "DISCONNECTED";
    case ClientErrc::kConnectFailed: return "CONNECTION_FAILED";
    case ClientErrc::kUnsupportedVersion: return "UNSUPPORTED_VERSION";
    case ClientErrc::kMalformedResponse: return "MALFORMED_RESPONSE";
    case ClientErrc::kInvalidArgument: return "INVALID_ARGUMENT";
    case ClientErrc::kClosed: return "CLOSED";
    case ClientErrc::kNotAvailable: return "NOT_AVAILABLE";
  }
  return "UNKNOWN_CLIENT_ERROR";
}

class ClientCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kappa.client"; }
  std::string message(int ev) const override { return std::string(client_name(ev)); }
};

class KafkaCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kafka"; }
  std::string message(int ev) const override {
    return std::string(protocol::error_name(static_cast<int16_t>(ev)));
  }
};

// A short explanation for responses that carry only a code.
std::string default_detail(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnknownTopicOrPartition: return "This server does not host this topic-partition.";
    case ErrorCode::kLeaderNotAvailable: return "There is no leader for this topic-partition.";
    case ErrorCode::kNotLeaderOrFollower: return "This server is not the leader for that topic-partition.";
    case ErrorCode::kRequestTimedOut: return "The request timed out on the broker.";
    case ErrorCode::kOffsetOutOfRange: return "The requested offset is not within the range of offsets.";
    case ErrorCode::kNotController: return "This is not the correct controller for this cluster.";
    case ErrorCode::kUnsupportedVersion: return "The version of API is not supported.";
    default: return {};
  }
}

}  // namespace

const std::error_category& client_category() {
  static const ClientCategory c;
  return c;
}

const std::error_category& kafka_category() {
  static const KafkaCategory c;
  return c;
}

std::string Error::name() const {
  if (code.category() == kafka_category()) return std::string(protocol::error_name(static_cast<int16_t>(code.value())));
  if (code.category() == client_category()) return std::string(client_name(code.value()));
  return code ? code.message() : "NONE";
}

std::string Error::to_string() const {
  std::string out;
  if (!broker.empty()) out = fmt::format("broker {}: ", broker);
  out += name();
  if (!detail.empty()) out += ": " + detail;
  return out;
}

std::optional<ErrorCode> Error::kafka() const {
  if (code.category() != kafka_category()) return std::nullopt;
  return static_cast<ErrorCode>(code.value());
}

bool Error::needs_metadata_refresh() const {
  if (auto k = kafka()) {
    switch (*k) {
      case ErrorCode::kUnknownTopicOrPartition:
      case ErrorCode::kLeaderNotAvailable:
      case ErrorCode::kNotLeaderOrFollower:
      case ErrorCode::kFencedLeaderEpoch:
      case ErrorCode::kUnknownLeaderEpoch:
      case ErrorCode::kNotController:
      case ErrorCode::kBrokerNotAvailable:
      case ErrorCode::kReplicaNotAvailable:
      case ErrorCode::kKafkaStorageError:
      case ErrorCode::kUnknownTopicId:
        return true;
      default:
        return false;
    }
  }
  return is(ClientErrc::kDisconnected) || is(ClientErrc::kConnectFailed) || is(ClientErrc::kTimedOut);
}

bool Error::retriable() const {
  if (needs_metadata_refresh()) return true;
  if (auto k = kafka()) {
    switch (*k) {
      case ErrorCode::kRequestTimedOut:
      case ErrorCode::kNetworkException:
      case ErrorCode::kNotEnoughReplicas:
      case ErrorCode::kNotEnoughReplicasAfterAppend:
      case ErrorCode::kCoordinatorLoadInProgress:
      case ErrorCode::kCoordinatorNotAvailable:
      case ErrorCode::kNotCoordinator:
      case ErrorCode::kOffsetNotAvailable:
      case ErrorCode::kThrottlingQuotaExceeded:
      case ErrorCode::kCorruptMessage:
        return true;
      default:
        return false;
    }
  }
  return false;
}

Error kafka_error(ErrorCode code, std::string broker, std::optional<std::string> detail) {
  std::string text = detail && !detail->empty() ? std::move(*detail) : default_detail(code);
  return Error{kafka_error_code(code), std::move(broker), std::move(text)};
}

Error kafka_error(int16_t code, std::string broker, std::optional<std::string> detail) {
  return kafka_error(static_cast<ErrorCode>(code), std::move(broker), std::move(detail));
}

Error client_error(ClientErrc code, std::string broker, std::string detail) {
  return Error{make_error_code(code), std::move(broker), std::move(detail)};
}

}  // namespace kappa::client

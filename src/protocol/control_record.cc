#include "kappa/protocol/control_record.h"

#include "protocol/big_endian.h"

namespace kappa::protocol {

std::optional<ControlRecordType> parse_control_key(BytesView key) {
  if (key.size() < kControlKeySize) return std::nullopt;
  return static_cast<ControlRecordType>(be::load<int16_t>(key.data() + 2));
}

std::array<uint8_t, kControlKeySize> encode_control_key(ControlRecordType type) {
  std::array<uint8_t, kControlKeySize> key{};  // version 0
  be::store(key.data() + 2, static_cast<int16_t>(type));
  return key;
}

std::optional<EndTxnMarker> parse_end_txn_marker(BytesView value) {
  if (value.size() < kEndTxnMarkerSize) return std::nullopt;
  return EndTxnMarker{be::load<int16_t>(value.data()), be::load<int32_t>(value.data() + 2)};
}

std::array<uint8_t, kEndTxnMarkerSize> encode_end_txn_marker(int32_t coordinator_epoch) {
  std::array<uint8_t, kEndTxnMarkerSize> value{};  // version 0
  be::store(value.data() + 2, coordinator_epoch);
  return value;
}

}  // namespace kappa::protocol

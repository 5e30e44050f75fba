#pragma once
// Control records: the single record of a batch with the control attribute
// bit set. Consumers never hand them to applications.
//
//   key   (4 bytes, big-endian): version i16 (= 0) | type i16
//   value of ABORT/COMMIT, the EndTransactionMarker (6 bytes):
//         version i16 (= 0) | coordinatorEpoch i32
// Types 2..6 occur only in the KRaft metadata log; readers must skip types
// they do not know.

#include <array>
#include <cstdint>
#include <optional>

#include "kappa/protocol/bytes_view.h"

namespace kappa::protocol {

enum class ControlRecordType : int16_t {
  kAbort = 0,
  kCommit = 1,
  kLeaderChange = 2,
  kSnapshotHeader = 3,
  kSnapshotFooter = 4,
  kKraftVersion = 5,
  kKraftVoters = 6,
};

inline constexpr size_t kControlKeySize = 4;
inline constexpr size_t kEndTxnMarkerSize = 6;

// The type in a control record's key; nullopt if the key is null or shorter
// than 4 bytes. Unknown type numbers are returned as they are.
std::optional<ControlRecordType> parse_control_key(BytesView key);
std::array<uint8_t, kControlKeySize> encode_control_key(ControlRecordType type);

struct EndTxnMarker {
  int16_t version = 0;
  int32_t coordinator_epoch = 0;
};

// The value of an ABORT/COMMIT record; nullopt if shorter than 6 bytes.
// Later versions may append fields, which are ignored.
std::optional<EndTxnMarker> parse_end_txn_marker(BytesView value);
std::array<uint8_t, kEndTxnMarkerSize> encode_end_txn_marker(int32_t coordinator_epoch);

}  // namespace kappa::protocol

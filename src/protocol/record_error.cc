#include "kappa/protocol/record_error.h"

#include <string>

#include "kappa/protocol/compression.h"

namespace kappa::protocol {
namespace {

class RecordCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "records"; }
  std::string message(int ev) const override {
    switch (static_cast<RecordError>(ev)) {
      case RecordError::kBadBatchHeader:
        return "record batch header is invalid";
      case RecordError::kMalformedRecord:
        return "record is malformed";
      case RecordError::kRecordCountMismatch:
        return "record count does not match the batch contents";
      case RecordError::kBadOffsetDelta:
        return "record offset delta is out of order or out of range";
    }
    return "unknown record error";
  }
};

}  // namespace

const std::error_category& record_category() {
  static const RecordCategory category;
  return category;
}

ErrorCode to_kafka_error(std::error_code ec) {
  if (!ec) return ErrorCode::kNone;
  if (ec == CompressionError::kTooLarge) return ErrorCode::kMessageTooLarge;
  if (ec == CompressionError::kUnsupportedCodec) return ErrorCode::kUnsupportedCompressionType;
  if (ec == RecordError::kRecordCountMismatch || ec == RecordError::kBadOffsetDelta) {
    return ErrorCode::kInvalidRecord;
  }
  return ErrorCode::kCorruptMessage;
}

}  // namespace kappa::protocol

#include "kappa/storage/errors.h"

#include <string>

namespace kappa::storage {
namespace {

class StorageCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "kappa.storage"; }

  std::string message(int value) const override {
    switch (static_cast<StorageErrc>(value)) {
      case StorageErrc::kOffsetOutOfRange:
        return "offset out of range";
      case StorageErrc::kInvalidBatch:
        return "not a whole v2 record batch";
      case StorageErrc::kCorruptBatch:
        return "record batch failed validation";
      case StorageErrc::kNonContiguousOffsets:
        return "batch offsets do not increase past the log end";
      case StorageErrc::kBatchTooLarge:
        return "record batch larger than segment.bytes";
      case StorageErrc::kLogFailed:
        return "log failed after an I/O error";
      case StorageErrc::kLogClosed:
        return "log is closed";
      case StorageErrc::kCorruptSegment:
        return "segment does not parse as record batches";
      case StorageErrc::kCorruptIndex:
        return "index file is damaged";
      case StorageErrc::kInvalidConfig:
        return "invalid log configuration";
      case StorageErrc::kInvalidTopicPartition:
        return "invalid topic name or partition";
      case StorageErrc::kCleaningAborted:
        return "the log changed during cleaning; the result was discarded";
    }
    return "unknown storage error " + std::to_string(value);
  }
};

}  // namespace

const std::error_category& storage_category() {
  static const StorageCategory category;
  return category;
}

protocol::ErrorCode to_kafka_error(std::error_code ec) {
  using protocol::ErrorCode;
  if (!ec) return ErrorCode::kNone;
  if (ec.category() != storage_category()) return ErrorCode::kKafkaStorageError;
  switch (static_cast<StorageErrc>(ec.value())) {
    case StorageErrc::kOffsetOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case StorageErrc::kInvalidBatch:
      return ErrorCode::kInvalidRecord;
    case StorageErrc::kCorruptBatch:
      return ErrorCode::kCorruptMessage;
    case StorageErrc::kBatchTooLarge:
      return ErrorCode::kRecordListTooLarge;
    case StorageErrc::kLogClosed:
      return ErrorCode::kNotLeaderOrFollower;
    case StorageErrc::kInvalidConfig:
      return ErrorCode::kInvalidConfig;
    case StorageErrc::kInvalidTopicPartition:
      return ErrorCode::kInvalidTopicException;
    case StorageErrc::kNonContiguousOffsets:
    case StorageErrc::kCleaningAborted:
      return ErrorCode::kUnknownServerError;
    case StorageErrc::kLogFailed:
    case StorageErrc::kCorruptSegment:
    case StorageErrc::kCorruptIndex:
      return ErrorCode::kKafkaStorageError;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace kappa::storage

#include "kappa/protocol/record_validation.h"

#include <gtest/gtest.h>

#include "kappa/protocol/record_batch_builder.h"
#include "protocol/batch_util.h"
#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

using testing::RawRecord;

constexpr Compression kCompressed[] = {Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                                       Compression::kZstd};

TEST(RecordValidation, accepts_well_formed_batches_of_every_codec) {
  RecordReader reader;
  for (auto codec : {Compression::kNone, Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                     Compression::kZstd}) {
    RecordBatchBuilder b({.compression = codec});
    for (int i = 0; i < 10; ++i) b.append(i, "k", std::string(100, 'a' + i), {{"h", std::nullopt}});
    auto v = validate_batch_records(b.finish(), reader);
    EXPECT_EQ(v.error, ErrorCode::kNone) << compression_name(codec) << ": " << v.message;
  }
}

TEST(RecordValidation, rejects_compressed_garbage_with_a_valid_crc) {
  RecordReader reader;
  for (auto codec : kCompressed) {
    auto batch = testing::wrap_records({.attributes = static_cast<uint16_t>(codec), .records_count = 1},
                                       testing::bytes_of("definitely not compressed"));
    ASSERT_EQ(validate_batch(batch).error, ErrorCode::kNone);  // what validate_batch alone cannot see
    auto v = validate_batch_records(batch, reader);
    EXPECT_EQ(v.error, ErrorCode::kCorruptMessage) << compression_name(codec) << ": " << v.message;
  }
}

TEST(RecordValidation, rejects_compressed_records_with_bad_framing_or_count) {
  RecordReader reader;
  for (auto codec : kCompressed) {
    const auto attrs = static_cast<uint16_t>(codec);
    auto framing = testing::wrap_records({.attributes = attrs, .records_count = 1},
                                         compress(codec, testing::from_hex("0c 00 00 00 03 00 00")));
    EXPECT_EQ(validate_batch_records(framing, reader).error, ErrorCode::kCorruptMessage);
    auto count = testing::raw_batch({.attributes = attrs, .last_offset_delta = 1, .records_count = 2},
                                    std::vector<RawRecord>{{.offset_delta = 0}});
    EXPECT_EQ(validate_batch_records(count, reader).error, ErrorCode::kInvalidRecord);
  }
}

TEST(RecordValidation, requires_contiguous_offset_deltas_in_compressed_batches) {
  RecordReader reader;
  for (auto codec : kCompressed) {
    auto gap = testing::raw_batch(
        {.attributes = static_cast<uint16_t>(codec), .last_offset_delta = 1, .records_count = 2},
        std::vector<RawRecord>{{.offset_delta = 1}, {.offset_delta = 1}});
    auto v = validate_batch_records(gap, reader);
    EXPECT_EQ(v.error, ErrorCode::kInvalidRecord) << v.message;
  }
}

TEST(RecordValidation, answers_message_too_large_for_decompression_bombs) {
  RecordReader reader(1 << 20);
  RecordBatchBuilder b({.compression = Compression::kZstd});
  b.append(0, std::nullopt, std::string(8 << 20, 0));
  auto v = validate_batch_records(b.finish(), reader);
  EXPECT_EQ(v.error, ErrorCode::kMessageTooLarge) << v.message;
}

}  // namespace
}  // namespace kappa::protocol

// validate_batch against corrupted and truncated batches (seeded; the seed is
// printed, replay with KAPPA_TEST_SEED=<seed>).

#include <gtest/gtest.h>

#include <random>

#include "kappa/protocol/record_batch.h"
#include "kappa/protocol/record_batch_builder.h"
#include "kappa/protocol/record_reader.h"
#include "protocol/batch_util.h"
#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

using batch_layout::kAttributes;

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

std::vector<uint8_t> sample_batch(std::mt19937_64& rng, Compression codec) {
  RecordBatchBuilder b({.compression = codec, .producer_id = 5, .producer_epoch = 1, .base_sequence = 0});
  for (int i = 0; i < 25; ++i) {
    auto key = testing::random_bytes(rng, rng() % 16);
    auto value = testing::compressible_bytes(rng, rng() % 400);
    b.append(1700000000000 + i, key, value, {{"h", "v"}});
  }
  return b.finish();
}

TEST(BatchValidation, flipping_any_crc_covered_byte_is_corrupt_message) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  for (auto codec : kCodecs) {
    const auto good = sample_batch(rng, codec);
    ASSERT_EQ(validate_batch(good).error, ErrorCode::kNone);
    for (int trial = 0; trial < 500; ++trial) {
      auto bad = good;
      // One byte, or a burst of up to 4 consecutive bytes: CRC-32C detects
      // every burst of 32 bits or less.
      const size_t burst = 1 + rng() % 4;
      const size_t at = kAttributes + rng() % (bad.size() - kAttributes - burst + 1);
      for (size_t i = 0; i < burst; ++i) bad[at + i] ^= static_cast<uint8_t>(1 + rng() % 255);
      auto v = validate_batch(bad);
      EXPECT_EQ(v.error, ErrorCode::kCorruptMessage)
          << compression_name(codec) << " byte " << at << " seed " << seed << ": " << v.message;
    }
  }
}

TEST(BatchValidation, scattered_corruption_anywhere_is_an_error_and_never_a_crash) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  for (auto codec : kCodecs) {
    const auto good = sample_batch(rng, codec);
    for (int trial = 0; trial < 500; ++trial) {
      auto bad = good;
      const int flips = 2 + static_cast<int>(rng() % 8);
      for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      auto v = validate_batch(bad);
      // Only bytes outside the CRC (base offset, leader epoch) may change
      // undetected.
      bool outside_only = true;
      for (size_t i = batch_layout::kBatchLength; i < bad.size(); ++i) {
        bool uncovered = i >= batch_layout::kPartitionLeaderEpoch && i < batch_layout::kMagic;
        if (bad[i] != good[i] && !uncovered) outside_only = false;
      }
      if (!outside_only) {
        EXPECT_NE(v.error, ErrorCode::kNone) << "seed " << seed;
      }
      RecordReader reader;
      if (!reader.open(bad)) {
        Record r;
        while (reader.next(r)) {
        }
      }
    }
  }
}

TEST(BatchValidation, fields_outside_the_crc_can_be_patched) {
  std::mt19937_64 rng(3);
  auto batch = sample_batch(rng, Compression::kNone);
  set_base_offset(batch, 123456);
  set_partition_leader_epoch(batch, 9);
  auto v = validate_batch(batch);
  ASSERT_EQ(v.error, ErrorCode::kNone) << v.message;
  EXPECT_EQ(v.header.base_offset, 123456);
  EXPECT_EQ(v.header.partition_leader_epoch, 9);
}

TEST(BatchValidation, wrong_magic_is_unsupported_and_wrong_length_is_corrupt) {
  std::mt19937_64 rng(4);
  auto batch = sample_batch(rng, Compression::kNone);
  auto magic = batch;
  magic[batch_layout::kMagic] = 1;
  EXPECT_EQ(validate_batch(magic).error, ErrorCode::kUnsupportedForMessageFormat);
  auto length = batch;
  length[batch_layout::kBatchLength + 3] ^= 1;
  EXPECT_EQ(validate_batch(length).error, ErrorCode::kCorruptMessage);
}

TEST(BatchValidation, every_truncation_is_an_error) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  for (auto codec : kCodecs) {
    const auto good = sample_batch(rng, codec);
    for (size_t cut = 0; cut < good.size(); ++cut) {
      std::span<const uint8_t> prefix(good.data(), cut);
      EXPECT_NE(validate_batch(prefix).error, ErrorCode::kNone) << compression_name(codec) << " cut " << cut;
      EXPECT_TRUE(RecordReader().open(prefix)) << cut;
      // A record set cut inside its only batch yields no batch.
      EXPECT_EQ(for_each_batch(prefix, [](auto) {}), 0u);
    }
  }
}

TEST(BatchValidation, truncated_then_relabelled_batches_are_errors) {
  // Cut the records and fix batchLength and CRC so that only the record
  // framing (or the compressed stream) is wrong.
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  for (auto codec : kCodecs) {
    const auto good = sample_batch(rng, codec);
    for (int trial = 0; trial < 100; ++trial) {
      const size_t cut = batch_layout::kHeaderSize + rng() % (good.size() - batch_layout::kHeaderSize);
      std::vector<uint8_t> bad(good.begin(), good.begin() + static_cast<ptrdiff_t>(cut));
      const auto len = static_cast<uint32_t>(cut - batch_layout::kLogOverhead);
      for (int i = 0; i < 4; ++i)
        bad[batch_layout::kBatchLength + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
      const uint32_t crc = crc32c(std::span(bad).subspan(kAttributes));
      for (int i = 0; i < 4; ++i) bad[batch_layout::kCrc + i] = static_cast<uint8_t>(crc >> (24 - 8 * i));
      auto v = validate_batch(bad);
      // validate_batch does not decompress: compressed payloads are checked
      // by the reader.
      std::error_code ec = for_each_record(bad, [](auto&, auto&) {});
      if (codec == Compression::kNone) {
        EXPECT_EQ(v.error, ErrorCode::kCorruptMessage) << "seed " << seed;
      }
      EXPECT_TRUE(ec) << compression_name(codec) << " cut " << cut << " seed " << seed;
    }
  }
}

}  // namespace
}  // namespace kappa::protocol

namespace kappa::protocol {
namespace {

// Regression: validate_batch computed lastOffsetDelta + 1 in 32 bits, a
// signed overflow (undefined behaviour) for lastOffsetDelta = INT32_MAX.
TEST(BatchValidation, last_offset_delta_of_int32_max_is_invalid_not_undefined) {
  auto batch = testing::wrap_records({.last_offset_delta = INT32_MAX, .records_count = 1},
                                     testing::encode_records(std::vector<testing::RawRecord>{{}}));
  auto v = validate_batch(batch);
  EXPECT_EQ(v.error, ErrorCode::kInvalidRecord) << v.message;
}

}  // namespace
}  // namespace kappa::protocol

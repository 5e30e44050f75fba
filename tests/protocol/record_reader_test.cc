#include "kappa/protocol/record_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "kappa/protocol/record_batch_builder.h"
#include "protocol/batch_util.h"
#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

using testing::RawBatch;
using testing::RawRecord;

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

// An owning copy of a record, to compare what was built with what was read.
struct OwnedRecord {
  int64_t timestamp = 0;
  std::optional<std::string> key, value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  bool operator==(const OwnedRecord&) const = default;
};

std::optional<std::string> own(BytesView b) {
  if (b.is_null()) return std::nullopt;
  return std::string(b.str());
}
BytesView view(const std::optional<std::string>& s) { return s ? BytesView(*s) : BytesView(); }

OwnedRecord random_record(std::mt19937_64& rng, int64_t base_ts) {
  auto maybe_string = [&](size_t max_len) -> std::optional<std::string> {
    if (rng() % 5 == 0) return std::nullopt;
    auto b = testing::random_bytes(rng, rng() % (max_len + 1));
    return std::string(b.begin(), b.end());
  };
  OwnedRecord r;
  r.timestamp = base_ts + static_cast<int64_t>(rng() % 20000) - 10000;
  r.key = maybe_string(40);
  r.value = maybe_string(rng() % 10 == 0 ? 5000 : 300);
  const size_t headers = rng() % 4;
  for (size_t i = 0; i < headers; ++i) {
    auto k = testing::random_bytes(rng, rng() % 12);
    r.headers.emplace_back(std::string(k.begin(), k.end()), maybe_string(20));
  }
  return r;
}

std::vector<uint8_t> build(const BatchOptions& options, const std::vector<OwnedRecord>& records) {
  RecordBatchBuilder b(options);
  for (const auto& r : records) {
    std::vector<RecordHeader> headers;
    for (const auto& [k, v] : r.headers) headers.push_back({k, view(v)});
    b.append(r.timestamp, view(r.key), view(r.value), headers);
  }
  return b.finish();
}

std::vector<OwnedRecord> read_all(std::span<const uint8_t> batch, std::vector<int64_t>* offsets = nullptr) {
  std::vector<OwnedRecord> out;
  RecordReader reader;
  EXPECT_FALSE(reader.open(batch));
  Record r;
  while (reader.next(r)) {
    OwnedRecord o{r.timestamp, own(r.key), own(r.value), {}};
    for (const auto& h : r.headers) o.headers.emplace_back(std::string(h.key), own(h.value));
    out.push_back(std::move(o));
    if (offsets) offsets->push_back(r.offset);
  }
  EXPECT_FALSE(reader.error()) << reader.error().message();
  return out;
}

TEST(RecordReader, round_trips_random_records_through_builder_and_validation_for_every_codec) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  for (auto codec : kCodecs) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<OwnedRecord> records;
      const size_t n = 1 + rng() % (trial < 10 ? 5 : 300);
      for (size_t i = 0; i < n; ++i) records.push_back(random_record(rng, 1700000000000));
      const int64_t base_offset = static_cast<int64_t>(rng() % 1000000);
      auto batch = build({.base_offset = base_offset, .compression = codec}, records);
      auto v = validate_batch(batch);
      ASSERT_EQ(v.error, ErrorCode::kNone) << v.message << " seed " << seed;
      EXPECT_EQ(v.header.compression(), codec);
      EXPECT_EQ(v.header.records_count, static_cast<int32_t>(n));
      std::vector<int64_t> offsets;
      EXPECT_EQ(read_all(batch, &offsets), records) << compression_name(codec) << " seed " << seed;
      for (size_t i = 0; i < offsets.size(); ++i)
        EXPECT_EQ(offsets[i], base_offset + static_cast<int64_t>(i));
    }
  }
}

TEST(RecordReader, keeps_null_and_empty_keys_values_and_header_values_apart) {
  std::vector<OwnedRecord> records = {
      {1, std::nullopt, std::nullopt, {}},
      {2, "", "", {{"", ""}, {"k", std::nullopt}}},
      {3, "key", std::nullopt, {{"h", "v"}}},
      {4, std::nullopt, "value", {}},
  };
  for (auto codec : kCodecs) {
    auto batch = build({.compression = codec}, records);
    ASSERT_EQ(validate_batch(batch).error, ErrorCode::kNone);
    EXPECT_EQ(read_all(batch), records) << compression_name(codec);
  }
}

TEST(RecordReader, reads_many_headers_lazily) {
  std::vector<RecordHeader> headers;
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("header-" + std::to_string(i));
  for (const auto& k : keys) headers.push_back({k, k});
  RecordBatchBuilder b;
  b.append(5, "k", "v", headers);
  auto batch = b.finish();
  RecordReader reader;
  ASSERT_FALSE(reader.open(batch));
  Record r;
  ASSERT_TRUE(reader.next(r));
  ASSERT_EQ(r.headers.size(), 1000u);
  size_t i = 0;
  for (const auto& h : r.headers) EXPECT_EQ(h, headers[i++]);
  EXPECT_EQ(i, 1000u);
}

TEST(RecordReader, uses_max_timestamp_for_every_record_of_a_log_append_time_batch) {
  RecordBatchBuilder b({.log_append_time = 1800000000000});
  b.append(100, "a", "1");
  b.append(200, "b", "2");
  auto batch = b.finish();
  ASSERT_EQ(validate_batch(batch).error, ErrorCode::kNone);
  RecordReader reader;
  ASSERT_FALSE(reader.open(batch));
  EXPECT_TRUE(reader.header().log_append_time());
  Record r;
  while (reader.next(r)) EXPECT_EQ(r.timestamp, 1800000000000);
  // The broker's in-place stamping gives the same result.
  RecordBatchBuilder c;
  c.append(100, "a", "1");
  auto stamped = c.finish();
  set_log_append_time(stamped, 1900000000000);
  ASSERT_EQ(validate_batch(stamped).error, ErrorCode::kNone);
  ASSERT_FALSE(reader.open(stamped));
  ASSERT_TRUE(reader.next(r));
  EXPECT_EQ(r.timestamp, 1900000000000);
}

TEST(RecordReader, accepts_offset_gaps_left_by_compaction) {
  std::vector<RawRecord> records = {{.offset_delta = 0, .key = "a", .value = "1"},
                                    {.offset_delta = 3, .key = "b", .value = "2"},
                                    {.offset_delta = 7, .key = "c", .value = "3"}};
  for (auto codec : kCodecs) {
    auto batch = testing::raw_batch({.base_offset = 100,
                                     .attributes = static_cast<uint16_t>(codec),
                                     .last_offset_delta = 9,
                                     .records_count = 3},
                                    records);
    std::vector<int64_t> offsets;
    read_all(batch, &offsets);
    EXPECT_EQ(offsets, (std::vector<int64_t>{100, 103, 107})) << compression_name(codec);
  }
}

TEST(RecordReader, reads_a_batch_emptied_by_compaction) {
  for (auto codec : kCodecs) {
    auto batch = testing::wrap_records(
        {.attributes = static_cast<uint16_t>(codec), .last_offset_delta = 4, .records_count = 0}, {});
    RecordReader reader;
    ASSERT_FALSE(reader.open(batch)) << compression_name(codec);
    Record r;
    EXPECT_FALSE(reader.next(r));
    EXPECT_FALSE(reader.error());
    EXPECT_EQ(reader.header().next_offset(), 5);
  }
}

TEST(RecordReader, rejects_offset_deltas_out_of_order_or_beyond_the_last) {
  auto backwards = testing::raw_batch({.last_offset_delta = 1, .records_count = 2},
                                      std::vector<RawRecord>{{.offset_delta = 1}, {.offset_delta = 0}});
  auto beyond = testing::raw_batch({.last_offset_delta = 0, .records_count = 1},
                                   std::vector<RawRecord>{{.offset_delta = 1}});
  auto repeated = testing::raw_batch({.last_offset_delta = 1, .records_count = 2},
                                     std::vector<RawRecord>{{.offset_delta = 0}, {.offset_delta = 0}});
  for (const auto& batch : {backwards, beyond, repeated}) {
    auto ec = for_each_record(batch, [](const BatchHeader&, const Record&) {});
    EXPECT_EQ(ec, RecordError::kBadOffsetDelta);
    EXPECT_EQ(to_kafka_error(ec), ErrorCode::kInvalidRecord);
  }
}

TEST(RecordReader, rejects_counts_that_do_not_match_the_records) {
  std::vector<RawRecord> two = {{.offset_delta = 0}, {.offset_delta = 1}};
  for (auto codec : kCodecs) {
    const auto attrs = static_cast<uint16_t>(codec);
    auto too_few = testing::raw_batch({.attributes = attrs, .last_offset_delta = 2, .records_count = 3}, two);
    auto too_many =
        testing::raw_batch({.attributes = attrs, .last_offset_delta = 1, .records_count = 1}, two);
    EXPECT_EQ(for_each_record(too_few, [](auto&, auto&) {}), RecordError::kRecordCountMismatch);
    EXPECT_EQ(for_each_record(too_many, [](auto&, auto&) {}), RecordError::kRecordCountMismatch);
  }
}

TEST(RecordReader, rejects_malformed_record_framing) {
  const RawBatch h{.last_offset_delta = 0, .records_count = 1};
  const char* bad[] = {
      "02 00 00",                             // length 1: no room for the timestamp
      "0c 00 00 00 03 00 00",                 // key length -2
      "0c 00 00 00 01 01 01",                 // header count -1
      "10 00 00 00 01 01 02 04 6b",           // header key longer than the record
      "10 00 00 00 01 01 02 01 00",           // header key length -1
      "0e 00 00 00 01 01 00 ff",              // a byte after the headers
      "16 00 ff ff ff ff ff ff ff ff ff ff",  // timestamp varlong longer than 10 bytes
      "7e",                                   // length beyond the batch
      "ff ff ff ff 7f 00",                    // length varint overflows 32 bits
  };
  for (const char* hex : bad) {
    auto batch = testing::wrap_records(h, testing::from_hex(hex));
    auto ec = for_each_record(batch, [](auto&, auto&) {});
    EXPECT_TRUE(ec == RecordError::kMalformedRecord || ec == RecordError::kRecordCountMismatch)
        << hex << ": " << ec.message();
    EXPECT_NE(validate_batch(batch).error, ErrorCode::kNone) << hex;
  }
}

TEST(RecordReader, rejects_bad_batch_headers) {
  RecordBatchBuilder b;
  b.append(1, "k", "v");
  auto batch = b.finish();
  RecordReader reader;
  EXPECT_EQ(reader.open(std::span(batch).first(60)), RecordError::kBadBatchHeader);
  EXPECT_EQ(reader.open(std::span(batch).first(batch.size() - 1)), RecordError::kBadBatchHeader);
  auto wrong_magic = batch;
  wrong_magic[batch_layout::kMagic] = 1;
  EXPECT_EQ(reader.open(wrong_magic), RecordError::kBadBatchHeader);
  auto unknown_codec = testing::wrap_records({.attributes = 6, .records_count = 1}, testing::from_hex("00"));
  EXPECT_EQ(reader.open(unknown_codec), CompressionError::kUnsupportedCodec);
  EXPECT_EQ(to_kafka_error(reader.error()), ErrorCode::kUnsupportedCompressionType);
}

TEST(RecordReader, reports_undecompressable_payloads) {
  auto batch =
      testing::wrap_records({.attributes = static_cast<uint16_t>(Compression::kZstd), .records_count = 1},
                            testing::from_hex("28b52ffd 0000 deadbeef"));
  RecordReader reader;
  auto ec = reader.open(batch);
  EXPECT_TRUE(ec);
  EXPECT_EQ(to_kafka_error(ec), ErrorCode::kCorruptMessage);
}

TEST(RecordReader, enforces_its_decompression_limit) {
  std::string big(4 << 20, 'z');
  RecordBatchBuilder b({.compression = Compression::kLz4});
  b.append(1, "k", big);
  auto batch = b.finish();
  EXPECT_LT(batch.size(), 64u * 1024);
  RecordReader small(1 << 20);
  EXPECT_EQ(small.open(batch), CompressionError::kTooLarge);
  EXPECT_EQ(to_kafka_error(small.error()), ErrorCode::kMessageTooLarge);
  RecordReader large;
  ASSERT_FALSE(large.open(batch));
  Record r;
  ASSERT_TRUE(large.next(r));
  EXPECT_EQ(r.value.size(), big.size());
}

TEST(RecordReader, is_reusable_across_batches_and_codecs) {
  RecordReader reader;
  for (int round = 0; round < 3; ++round) {
    for (auto codec : kCodecs) {
      RecordBatchBuilder b({.base_offset = round * 10, .compression = codec});
      b.append(round, "k" + std::to_string(round), compression_name(codec));
      auto batch = b.finish();
      ASSERT_FALSE(reader.open(batch));
      Record r;
      ASSERT_TRUE(reader.next(r));
      EXPECT_EQ(r.offset, round * 10);
      EXPECT_EQ(r.value.str(), compression_name(codec));
      EXPECT_FALSE(reader.next(r));
    }
  }
}

TEST(RecordReader, never_crashes_on_corrupted_batches_even_without_validation) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  std::vector<OwnedRecord> records;
  for (int i = 0; i < 40; ++i) records.push_back(random_record(rng, 1700000000000));
  RecordReader reader(1 << 20);
  for (auto codec : kCodecs) {
    const auto good = build({.compression = codec}, records);
    for (int trial = 0; trial < 400; ++trial) {
      auto bad = good;
      const int flips = 1 + static_cast<int>(rng() % 3);
      for (int f = 0; f < flips; ++f) {
        const size_t at = batch_layout::kHeaderSize + rng() % (bad.size() - batch_layout::kHeaderSize);
        bad[at] ^= static_cast<uint8_t>(1 + rng() % 255);
      }
      if (rng() % 4 == 0)
        bad.resize(batch_layout::kHeaderSize + rng() % (bad.size() - batch_layout::kHeaderSize));
      if (reader.open(bad)) continue;
      Record r;
      size_t n = 0;
      while (reader.next(r)) {
        ++n;
        for (const auto& h : r.headers) (void)h;
      }
      EXPECT_LE(n, records.size()) << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace kappa::protocol

#include "kappa/protocol/compression.h"

#include <gtest/gtest.h>

#include <random>

#include "protocol/test_util.h"

namespace kappa::protocol {
namespace {

using testing::bytes_of;
using testing::from_hex;

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

// The 208-byte input of the command-line vectors below:
//   python3 -c "import sys; sys.stdout.write('hello kappa, hello kafka! '*8)" > plain.txt
std::vector<uint8_t> cli_plain() {
  std::string s;
  for (int i = 0; i < 8; ++i) s += "hello kappa, hello kafka! ";
  return bytes_of(s);
}

std::vector<uint8_t> round_trip(Compression codec, const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out;
  auto packed = compress(codec, in);
  auto ec = decompress(codec, packed, out);
  EXPECT_FALSE(ec) << compression_name(codec) << ": " << ec.message();
  return out;
}

TEST(Compression, round_trips_random_and_compressible_data_for_every_codec) {
  std::mt19937_64 rng(testing::test_seed());
  const size_t sizes[] = {0, 1, 100, 4096, 32 * 1024, 32 * 1024 + 1, 65536 + 7, 1 << 20};
  for (auto codec : kCodecs) {
    for (size_t n : sizes) {
      auto noise = testing::random_bytes(rng, n);
      EXPECT_EQ(round_trip(codec, noise), noise) << compression_name(codec) << " random " << n;
      auto text = testing::compressible_bytes(rng, n);
      EXPECT_EQ(round_trip(codec, text), text) << compression_name(codec) << " text " << n;
    }
  }
}

TEST(Compression, honours_levels_and_clamps_out_of_range_ones) {
  std::mt19937_64 rng(7);
  auto text = testing::compressible_bytes(rng, 100000);
  for (auto codec : kCodecs) {
    for (int level : {-100, 1, 5, 9, 12, 17, 22, 1000}) {
      std::vector<uint8_t> out;
      auto packed = compress(codec, text, level);
      ASSERT_FALSE(decompress(codec, packed, out)) << compression_name(codec) << " level " << level;
      EXPECT_EQ(out, text);
    }
  }
}

TEST(Compression, appends_after_existing_bytes) {
  std::vector<uint8_t> out = {1, 2, 3};
  append_compressed(Compression::kZstd, cli_plain(), out);
  ASSERT_GT(out.size(), 3u);
  EXPECT_EQ(out[0], 1);
  std::vector<uint8_t> plain;
  ASSERT_FALSE(decompress(Compression::kZstd, std::span(out).subspan(3), plain));
  EXPECT_EQ(plain, cli_plain());
}

TEST(Compression, writes_xerial_snappy_framing) {
  auto packed = compress(Compression::kSnappy, bytes_of("hello"));
  // magic, version 1, compatible 1, block length 7, raw block: varint 5,
  // literal tag (len-1)<<2, "hello".
  EXPECT_EQ(packed, from_hex("82534e4150505900 00000001 00000001 00000007 05 10 68656c6c6f"));
  auto empty = compress(Compression::kSnappy, {});
  EXPECT_EQ(empty, from_hex("82534e4150505900 00000001 00000001"));
}

TEST(Compression, writes_xerial_blocks_of_32_kib) {
  std::vector<uint8_t> in(100000, 'x');
  auto packed = compress(Compression::kSnappy, in);
  size_t pos = 16, blocks = 0;
  while (pos < packed.size()) {
    uint32_t len =
        (uint32_t{packed[pos]} << 24) | (packed[pos + 1] << 16) | (packed[pos + 2] << 8) | packed[pos + 3];
    pos += 4 + len;
    ++blocks;
  }
  EXPECT_EQ(pos, packed.size());
  EXPECT_EQ(blocks, 4u);  // 32768 * 3 + 1696
}

TEST(Compression, reads_raw_snappy_blocks_as_librdkafka_writes_them) {
  std::vector<uint8_t> out;
  // Hand-assembled from the snappy format: length 12, literal "abc",
  // copy with 1-byte offset (len 9 -> (9-4)<<2 | 1 = 0x15, offset 3).
  ASSERT_FALSE(decompress(Compression::kSnappy, from_hex("0c 08 616263 15 03"), out));
  EXPECT_EQ(out, bytes_of("abcabcabcabc"));
  ASSERT_FALSE(decompress(Compression::kSnappy, from_hex("05 10 68656c6c6f"), out));
  EXPECT_EQ(out, bytes_of("hello"));
  ASSERT_FALSE(decompress(Compression::kSnappy, from_hex("00"), out));
  EXPECT_TRUE(out.empty());
}

TEST(Compression, reads_xerial_snappy_with_several_blocks) {
  auto framed =
      from_hex("82534e4150505900 00000001 00000001 00000007 05 10 68656c6c6f 00000007 0c 08 616263 15 03");
  std::vector<uint8_t> out;
  ASSERT_FALSE(decompress(Compression::kSnappy, framed, out));
  EXPECT_EQ(out, bytes_of("helloabcabcabcabc"));
}

// Produced by gzip 1.12: gzip -9 -n -c plain.txt
TEST(Compression, reads_gzip_cli_output) {
  auto gz =
      from_hex("1f8b0800000000000203cb48cdc9c957c84e2c2848d451c88072d2b21315e19ca1250300225d5288d0000000");
  std::vector<uint8_t> out;
  ASSERT_FALSE(decompress(Compression::kGzip, gz, out));
  EXPECT_EQ(out, cli_plain());
  // Two members back to back, as `cat a.gz b.gz` makes.
  auto twice = gz;
  twice.insert(twice.end(), gz.begin(), gz.end());
  ASSERT_FALSE(decompress(Compression::kGzip, twice, out));
  EXPECT_EQ(out.size(), 2 * cli_plain().size());
}

// Produced by zstd v1.5.4: `cat plain.txt | zstd -19` (streamed: no content
// size, with checksum) and `zstd -3 plain.txt` (single segment, content size).
TEST(Compression, reads_zstd_cli_output_with_and_without_content_size) {
  auto streamed =
      from_hex("28b52ffd0468e500009068656c6c6f206b617070612c20666b6121200200b39e5403627e01d63d9a07");
  auto sized = from_hex("28b52ffd24d0e500008868656c6c6f206b617070612c20666b61210300ab9e1480420031bfd63d9a07");
  std::vector<uint8_t> out;
  ASSERT_FALSE(decompress(Compression::kZstd, streamed, out));
  EXPECT_EQ(out, cli_plain());
  ASSERT_FALSE(decompress(Compression::kZstd, sized, out));
  EXPECT_EQ(out, cli_plain());
}

// Produced by lz4 v1.9.4: `lz4 plain.txt` (independent blocks, content
// checksum) and `lz4 -BD --content-size plain.txt` (linked, content size).
TEST(Compression, reads_lz4_cli_frames) {
  auto plain_frame = from_hex(
      "04224d186440a721000000d468656c6c6f206b617070612c200d0045666b61210d000f1a009650666b61212000000000fa29ef"
      "71");
  auto linked = from_hex(
      "04224d186c40d000000000000000c021000000d468656c6c6f206b617070612c200d0045666b61210d000f1a009650666b6121"
      "200000"
      "0000fa29ef71");
  std::vector<uint8_t> out;
  ASSERT_FALSE(decompress(Compression::kLz4, plain_frame, out));
  EXPECT_EQ(out, cli_plain());
  ASSERT_FALSE(decompress(Compression::kLz4, linked, out));
  EXPECT_EQ(out, cli_plain());
}

// Produced by lz4 v1.9.4: `lz4 -B4 --no-frame-crc noise.bin` on 40 random
// bytes. This is the shape Kafka's Java client writes (FLG 0x60: independent
// blocks, no checksums; BD 0x40: 64 KiB) with an incompressible block
// stored raw (size high bit set).
TEST(Compression, reads_lz4_frames_shaped_like_javas_with_a_stored_block) {
  auto frame = from_hex(
      "04224d18 60 40 82 28000080"
      "82b70eee7f1a5039bef07ec2347f066ed08f5dc7512447e3404300026b6e545594a065685d64c498"
      "00000000");
  std::vector<uint8_t> out;
  ASSERT_FALSE(decompress(Compression::kLz4, frame, out));
  EXPECT_EQ(out,
            from_hex("82b70eee7f1a5039bef07ec2347f066ed08f5dc7512447e3404300026b6e545594a065685d64c498"));
  // Our frames start with the same 7 header bytes, header checksum included.
  auto ours = compress(Compression::kLz4, out);
  EXPECT_EQ(std::vector<uint8_t>(ours.begin(), ours.begin() + 7), from_hex("04224d18 60 40 82"));
}

TEST(Compression, writes_lz4_frames_with_independent_64k_blocks_and_no_checksums) {
  auto frame = compress(Compression::kLz4, cli_plain());
  ASSERT_GE(frame.size(), 7u);
  EXPECT_EQ(frame[0], 0x04);
  EXPECT_EQ(frame[3], 0x18);
  EXPECT_EQ(frame[4], 0x60);  // FLG: version 01, block independence, nothing else
  EXPECT_EQ(frame[5], 0x40);  // BD: 64 KiB blocks
}

TEST(Compression, rejects_truncated_streams) {
  std::mt19937_64 rng(11);
  auto text = testing::compressible_bytes(rng, 200000);
  for (auto codec : kCodecs) {
    if (codec == Compression::kNone) continue;
    auto packed = compress(codec, text);
    for (size_t cut : {size_t{0}, size_t{1}, size_t{5}, size_t{17}, packed.size() / 2, packed.size() - 1}) {
      std::vector<uint8_t> out;
      auto ec = decompress(codec, std::span(packed).first(cut), out);
      EXPECT_TRUE(ec) << compression_name(codec) << " cut at " << cut;
    }
  }
}

TEST(Compression, survives_random_corruption_without_crashing) {
  const uint64_t seed = testing::test_seed();
  std::mt19937_64 rng(seed);
  for (auto codec : kCodecs) {
    auto text = testing::compressible_bytes(rng, 50000);
    auto packed = compress(codec, text);
    std::vector<uint8_t> out;
    int errors = 0;
    for (int trial = 0; trial < 300; ++trial) {
      auto bad = packed;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      auto ec = decompress(codec, bad, out, 1 << 20);
      if (ec) ++errors;
      EXPECT_LE(out.size(), size_t{1} << 20);
    }
    // gzip, lz4 (no checksum in Kafka's frames) and snappy may decode some
    // corruptions into wrong bytes; the reader's record framing catches those.
    if (codec == Compression::kGzip) {
      EXPECT_GT(errors, 250) << "seed " << seed;
    }
  }
}

TEST(Compression, survives_random_garbage) {
  std::mt19937_64 rng(testing::test_seed());
  for (auto codec : kCodecs) {
    for (int trial = 0; trial < 200; ++trial) {
      auto junk = testing::random_bytes(rng, rng() % 300);
      std::vector<uint8_t> out;
      (void)decompress(codec, junk, out, 1 << 16);
      EXPECT_LE(out.size(), size_t{1} << 16);
    }
  }
}

TEST(Compression, stops_decompression_bombs_at_the_limit) {
  std::vector<uint8_t> zeros(16 << 20, 0);
  for (auto codec : kCodecs) {
    auto bomb = compress(codec, zeros);
    std::vector<uint8_t> out;
    EXPECT_EQ(decompress(codec, bomb, out, 1 << 20), CompressionError::kTooLarge) << compression_name(codec);
    EXPECT_LE(out.capacity(), size_t{2} << 20) << compression_name(codec);
    // Exactly at the limit is fine.
    ASSERT_FALSE(decompress(codec, bomb, out, zeros.size())) << compression_name(codec);
    EXPECT_EQ(out.size(), zeros.size());
    EXPECT_EQ(decompress(codec, bomb, out, zeros.size() - 1), CompressionError::kTooLarge);
  }
}

TEST(Compression, refuses_a_zstd_frame_that_claims_more_than_the_limit_before_decoding) {
  std::vector<uint8_t> zeros(8 << 20, 0);
  auto bomb = compress(Compression::kZstd, zeros);
  std::vector<uint8_t> out;
  EXPECT_EQ(decompress(Compression::kZstd, bomb, out, 4096), CompressionError::kTooLarge);
  EXPECT_LE(out.capacity(), size_t{8192});
}

TEST(Compression, reports_unknown_codecs) {
  std::vector<uint8_t> out;
  EXPECT_EQ(decompress(static_cast<Compression>(5), bytes_of("x"), out), CompressionError::kUnsupportedCodec);
  EXPECT_THROW(compress(static_cast<Compression>(7), bytes_of("x")), std::invalid_argument);
}

TEST(Compression, error_codes_have_messages) {
  std::error_code ec = CompressionError::kTooLarge;
  EXPECT_EQ(ec.category().name(), std::string("compression"));
  EXPECT_NE(ec.message().find("limit"), std::string::npos);
}

}  // namespace
}  // namespace kappa::protocol

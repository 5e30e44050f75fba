// murmur2 against Kafka's own test vectors (UtilsTest.testMurmur2, also used
// by sarama and other clients) and against a second, independent
// transcription of the Java algorithm over many random inputs.
#include "kappa/client/murmur2.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace kappa::client {
namespace {

// Java int semantics spelled out: 64-bit products truncated to 32 bits,
// `>>>` as a logical shift, bytes read as (b & 0xff).
int32_t java_int(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(v & 0xffffffffLL)); }
int32_t java_mul(int32_t a, int32_t b) { return java_int(static_cast<int64_t>(a) * static_cast<int64_t>(b)); }
int32_t java_ushr(int32_t v, int n) { return static_cast<int32_t>(static_cast<uint32_t>(v) >> n); }

int32_t java_murmur2(const std::vector<uint8_t>& data) {
  const int32_t length = static_cast<int32_t>(data.size());
  const int32_t seed = java_int(0x9747b28cLL);
  const int32_t m = 0x5bd1e995;
  const int r = 24;
  int32_t h = seed ^ length;
  const int32_t length4 = length / 4;
  for (int32_t i = 0; i < length4; i++) {
    const int32_t i4 = i * 4;
    int32_t k = (data[i4 + 0] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16) +
                java_int(static_cast<int64_t>(data[i4 + 3] & 0xff) << 24);
    k = java_mul(k, m);
    k ^= java_ushr(k, r);
    k = java_mul(k, m);
    h = java_mul(h, m);
    h ^= k;
  }
  const int32_t rest = length % 4;
  if (rest >= 3) h ^= (data[(length & ~3) + 2] & 0xff) << 16;
  if (rest >= 2) h ^= (data[(length & ~3) + 1] & 0xff) << 8;
  if (rest >= 1) {
    h ^= data[length & ~3] & 0xff;
    h = java_mul(h, m);
  }
  h ^= java_ushr(h, 13);
  h = java_mul(h, m);
  h ^= java_ushr(h, 15);
  return h;
}

TEST(Murmur2, matches_kafka_test_vectors) {
  EXPECT_EQ(murmur2("21"), -973932308);
  EXPECT_EQ(murmur2("foobar"), -790332482);
  EXPECT_EQ(murmur2("a-little-bit-long-string"), -985981536);
  EXPECT_EQ(murmur2("a-little-bit-longer-string"), -1486304829);
  EXPECT_EQ(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"), -58897971);
  EXPECT_EQ(murmur2("abc"), 479470107);
  const std::vector<uint8_t> binary{12, 42, 56, 24, 109, 111};
  EXPECT_EQ(murmur2(binary), 274204207);
}

TEST(Murmur2, to_positive_clears_the_sign_bit_like_java) {
  EXPECT_EQ(to_positive(murmur2("21")), 1173551340);
  EXPECT_EQ(to_positive(murmur2("foobar")), 1357151166);
  EXPECT_EQ(to_positive(murmur2("a-little-bit-long-string")), 1161502112);
  EXPECT_EQ(to_positive(murmur2("a-little-bit-longer-string")), 661178819);
  EXPECT_EQ(to_positive(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")), 2088585677);
  EXPECT_EQ(to_positive(INT32_MIN), 0);  // Java's toPositive, not abs()
}

TEST(Murmur2, agrees_with_an_independent_java_transcription) {
  const uint32_t seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int i = 0; i < 5000; ++i) {
    std::vector<uint8_t> data(rng() % 64);
    for (auto& b : data) b = static_cast<uint8_t>(rng());
    ASSERT_EQ(murmur2(data), java_murmur2(data)) << "length " << data.size();
  }
  EXPECT_EQ(murmur2(std::vector<uint8_t>{}), java_murmur2({}));
}

TEST(Murmur2, partition_for_key_is_java_default_partitioning) {
  const std::string key = "21";
  const std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(key.data()), key.size());
  EXPECT_EQ(partition_for_key(bytes, 12), 1173551340 % 12);
  EXPECT_EQ(partition_for_key(bytes, 1), 0);
}

}  // namespace
}  // namespace kappa::client

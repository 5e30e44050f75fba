#pragma once
// Checks of the generated message codecs against reference encodings.
//
// The reference bytes live in tests/protocol/vectors/*.inc, written by
// vectors/gen_kafka_python_vectors.py from kafka-python 2.0.2 and from an
// encoder written from the Kafka spec, independently of kmsg_gen.py.  Each
// codec_<family>_test.cc builds the same messages (one builder per message,
// taking the version) and instantiates KAFKA_CODEC_VECTOR_TESTS for them.

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kappa/protocol/uuid.h"
#include "kappa/protocol/wire.h"
#include "protocol/test_util.h"

namespace kappa::protocol::testing {

// One reference encoding of a message body at one version.
struct CodecVector {
  int16_t version;
  const char* source;     // what produced the bytes
  int top_level_tags_at;  // offset of the message's own tagged fields; -1 when not flexible
  const char* hex;
};

// Values shared with gen_kafka_python_vectors.py.
inline const Uuid kUuidA = Uuid::from_halves(0x0102030405060708, 0x090a0b0c0d0e0f10);
inline const Uuid kUuidB = Uuid::from_halves(0xa1a2a3a4a5a6a7a8, 0xa9aaabacadaeafb0);
inline const Uuid kUuidC = Uuid::from_halves(0x3132333435363738, 0x393a3b3c3d3e3f40);
inline const Uuid kUuidD = Uuid::from_halves(0xd1d2d3d4d5d6d7d8, 0xd9dadbdcdddedfe0);
inline const std::string kGroup = "grüppe-1";
// Top-level nullable fields are set in odd versions and null in even ones.
inline bool odd(int16_t v) { return v % 2 == 1; }
inline Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline Records records(std::string_view s) { return Records::copy_of(bytes(s)); }

template <typename Msg>
std::vector<uint8_t> encode(const Msg& msg, int16_t version) {
  Writer w;
  msg.encode(w, version);
  return w.flatten();
}

// Decodes a whole buffer: trailing bytes are an error too.
template <typename Msg>
Msg decode(std::span<const uint8_t> data, int16_t version) {
  Reader r(data);
  Msg msg;
  msg.decode(r, version);
  if (!r.at_end()) throw DecodeError(std::to_string(r.remaining()) + " bytes left after the message");
  return msg;
}

inline ::testing::AssertionResult same_bytes(const std::vector<uint8_t>& actual,
                                             const std::vector<uint8_t>& expected) {
  if (actual == expected) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (i < actual.size() && i < expected.size() && actual[i] == expected[i]) ++i;
  return ::testing::AssertionFailure()
         << "first difference at byte " << i << " (encoded " << actual.size() << " bytes, expected "
         << expected.size() << ")\n  encoded:  " << to_hex(actual) << "\n  expected: " << to_hex(expected);
}

inline std::string describe(const CodecVector& vec) {
  return "v" + std::to_string(vec.version) + " from " + vec.source;
}

template <typename Msg>
void expect_covers_every_version(const std::vector<CodecVector>& vectors) {
  std::vector<int> got, want;
  for (const auto& vec : vectors) got.push_back(vec.version);
  for (int v = Msg::kMinVersion; v <= Msg::kMaxVersion; ++v) want.push_back(v);
  EXPECT_EQ(got, want);
  // The reference encoder's flexible versions are the generated codec's.
  for (const auto& vec : vectors) {
    EXPECT_EQ(vec.top_level_tags_at >= 0, vec.version >= Msg::kFirstFlexibleVersion) << describe(vec);
  }
}

template <typename Msg, typename Build>
void expect_encodes_to(const std::vector<CodecVector>& vectors, Build build) {
  for (const auto& vec : vectors) {
    SCOPED_TRACE(describe(vec));
    EXPECT_TRUE(same_bytes(encode(build(vec.version), vec.version), from_hex(vec.hex)));
  }
}

// Decodes `data` and compares with `want`.
template <typename Msg>
::testing::AssertionResult decodes_to(std::span<const uint8_t> data, int16_t version, const Msg& want) {
  try {
    const Msg got = decode<Msg>(data, version);
    if (got == want) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "decoded a different message; re-encoded: " << to_hex(encode(got, version));
  } catch (const DecodeError& e) {
    return ::testing::AssertionFailure() << "DecodeError: " << e.what();
  }
}

template <typename Msg, typename Build>
void expect_decodes_to_built(const std::vector<CodecVector>& vectors, Build build) {
  for (const auto& vec : vectors) {
    SCOPED_TRACE(describe(vec));
    EXPECT_TRUE(decodes_to(from_hex(vec.hex), vec.version, build(vec.version)));
  }
}

template <typename Msg>
void expect_rejects_every_truncation(const std::vector<CodecVector>& vectors) {
  for (const auto& vec : vectors) {
    SCOPED_TRACE(describe(vec));
    const auto data = from_hex(vec.hex);
    for (size_t cut = 0; cut < data.size(); ++cut) {
      const std::span<const uint8_t> prefix(data.data(), cut);
      bool threw = false;
      try {
        decode<Msg>(prefix, vec.version);
      } catch (const DecodeError&) {
        threw = true;
      }
      if (!threw) {
        ADD_FAILURE() << "decoded the first " << cut << " of " << data.size() << " bytes";
        break;
      }
    }
  }
}

// The message's own tagged fields end the encoding: count one more field and
// append it, tag 200 with three bytes that no schema knows.
inline std::vector<uint8_t> with_unknown_top_level_tag(const CodecVector& vec) {
  auto data = from_hex(vec.hex);
  EXPECT_LT(data.at(vec.top_level_tags_at), 0x7f);
  ++data.at(vec.top_level_tags_at);
  for (uint8_t b : {0xc8, 0x01, 0x03, 0x0b, 0x0a, 0xd0}) data.push_back(b);
  return data;
}

template <typename Msg, typename Build>
void expect_skips_unknown_tags(const std::vector<CodecVector>& vectors,
                               const std::vector<CodecVector>& unknown_everywhere, Build build) {
  if (Msg::kFirstFlexibleVersion > Msg::kMaxVersion) {
    EXPECT_TRUE(unknown_everywhere.empty()) << "a message that is never flexible has no tagged fields";
    return;
  }
  for (const auto& vec : vectors) {
    if (vec.top_level_tags_at < 0) continue;
    SCOPED_TRACE(describe(vec) + ", unknown tag appended");
    EXPECT_TRUE(decodes_to(with_unknown_top_level_tag(vec), vec.version, build(vec.version)));
  }
  for (const auto& vec : unknown_everywhere) {
    SCOPED_TRACE(describe(vec));
    EXPECT_TRUE(decodes_to(from_hex(vec.hex), vec.version, build(vec.version)));
  }
}

}  // namespace kappa::protocol::testing

// The standard tests of one message type against k<Msg>Vectors and
// k<Msg>UnknownTagVectors; `build(v)` makes the message the vectors encode.
#define KAPPA_CODEC_VECTOR_TESTS(Msg, build)                                                               \
  TEST(Msg##Codec, reference_vectors_cover_every_version_and_flexibility) {                                \
    ::kappa::protocol::testing::expect_covers_every_version<Msg>(k##Msg##Vectors);                         \
  }                                                                                                        \
  TEST(Msg##Codec, encodes_to_the_reference_bytes) {                                                       \
    ::kappa::protocol::testing::expect_encodes_to<Msg>(k##Msg##Vectors, build);                            \
  }                                                                                                        \
  TEST(Msg##Codec, decodes_the_reference_bytes_to_the_same_message) {                                      \
    ::kappa::protocol::testing::expect_decodes_to_built<Msg>(k##Msg##Vectors, build);                      \
  }                                                                                                        \
  TEST(Msg##Codec, rejects_the_reference_bytes_cut_short_anywhere) {                                       \
    ::kappa::protocol::testing::expect_rejects_every_truncation<Msg>(k##Msg##Vectors);                     \
  }                                                                                                        \
  TEST(Msg##Codec, skips_unknown_tagged_fields) {                                                          \
    ::kappa::protocol::testing::expect_skips_unknown_tags<Msg>(k##Msg##Vectors, k##Msg##UnknownTagVectors, \
                                                               build);                                     \
  }

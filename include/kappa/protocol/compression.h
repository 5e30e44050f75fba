#pragma once
// The four record-batch compression codecs, in the stream formats Kafka
// clients use:
//   gzip   - an RFC 1952 gzip stream (zlib). Concatenated members are accepted.
//   snappy - written in the snappy-java ("xerial") stream framing:
//              82 'S' 'N' 'A' 'P' 'P' 'Y' 00 | version i32 = 1 | compatible i32 = 1
//              then blocks: length i32 (big-endian) | raw snappy block
//            read: that framing, or one plain raw snappy block (librdkafka
//            producers send raw blocks; Java's snappy-java reader accepts both).
//   lz4    - the LZ4 frame format (magic 04 22 4d 18), written with 64 KiB
//            independent blocks, no content size and no checksums, as Kafka
//            and librdkafka write it. Any valid frame is read.
//   zstd   - standard zstd frames; frames without a content size are streamed.
//
// Decompression never trusts a size read from the input for an allocation:
// the output grows geometrically and stops at `size_limit` (a decompression
// bomb yields CompressionError::kTooLarge). All functions are thread-safe;
// codec contexts are cached per thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "kappa/protocol/record_batch.h"

namespace kappa::protocol {

// Default cap on the decompressed size of one batch's records.
inline constexpr size_t kDefaultDecompressLimit = size_t{64} << 20;

enum class CompressionError {
  kCorrupt = 1,      // the codec rejected the input
  kTruncated,        // the input ended inside a stream/frame/block
  kTooLarge,         // the output would exceed the caller's size limit
  kUnsupportedCodec  // codec id outside 0..4
};

const std::error_category& compression_category();
inline std::error_code make_error_code(CompressionError e) {
  return {static_cast<int>(e), compression_category()};
}

// Appends the compressed form of `in` to `out`. `level` is codec-specific and
// clamped into range: gzip 1..9 (default 6), lz4 0..12 (0 = fast, 3+ = HC;
// Kafka's 13..17 map to 12; default 0), zstd 1..22 (default 3); ignored for
// snappy and none. Throws std::invalid_argument for an unknown codec.
void append_compressed(Compression codec, std::span<const uint8_t> in, std::vector<uint8_t>& out,
                       std::optional<int> level = std::nullopt);
std::vector<uint8_t> compress(Compression codec, std::span<const uint8_t> in,
                              std::optional<int> level = std::nullopt);

// Replaces the contents of `out` with the decompressed `in` (kNone copies).
// `out` may be reused across calls to keep its capacity. On error `out` holds
// unspecified bytes. Never reads outside `in`, never grows `out` beyond
// size_limit + 1 bytes.
std::error_code decompress(Compression codec, std::span<const uint8_t> in, std::vector<uint8_t>& out,
                           size_t size_limit = kDefaultDecompressLimit);

std::string_view compression_name(Compression codec);  // "none", "gzip", ...

}  // namespace kappa::protocol

template <>
struct std::is_error_code_enum<kappa::protocol::CompressionError> : std::true_type {};

#include "kappa/protocol/compression.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "protocol/codecs.h"

namespace kappa::protocol {
namespace {

class CompressionCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "compression"; }
  std::string message(int ev) const override {
    switch (static_cast<CompressionError>(ev)) {
      case CompressionError::kCorrupt:
        return "corrupt compressed data";
      case CompressionError::kTruncated:
        return "compressed data is truncated";
      case CompressionError::kTooLarge:
        return "decompressed data exceeds the size limit";
      case CompressionError::kUnsupportedCodec:
        return "unsupported compression codec";
    }
    return "unknown compression error";
  }
};

// Kafka's defaults where it has one (gzip, zstd); lz4 uses the fast mode
// that librdkafka uses by default rather than Kafka's HC level 9.
int level_or_default(Compression codec, std::optional<int> level) {
  switch (codec) {
    case Compression::kGzip:
      return std::clamp(level.value_or(6), 1, 9);
    case Compression::kLz4:
      return std::clamp(level.value_or(0), 0, 12);
    case Compression::kZstd:
      return std::clamp(level.value_or(3), 1, 22);
    default:
      return 0;
  }
}

}  // namespace

const std::error_category& compression_category() {
  static const CompressionCategory category;
  return category;
}

std::string_view compression_name(Compression codec) {
  switch (codec) {
    case Compression::kNone:
      return "none";
    case Compression::kGzip:
      return "gzip";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kLz4:
      return "lz4";
    case Compression::kZstd:
      return "zstd";
  }
  return "unknown";
}

void append_compressed(Compression codec, std::span<const uint8_t> in, std::vector<uint8_t>& out,
                       std::optional<int> level) {
  const int lvl = level_or_default(codec, level);
  switch (codec) {
    case Compression::kNone:
      out.insert(out.end(), in.begin(), in.end());
      return;
    case Compression::kGzip:
      return codec::gzip_compress(in, lvl, out);
    case Compression::kSnappy:
      return codec::snappy_compress(in, out);
    case Compression::kLz4:
      return codec::lz4_compress(in, lvl, out);
    case Compression::kZstd:
      return codec::zstd_compress(in, lvl, out);
  }
  throw std::invalid_argument(fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

std::vector<uint8_t> compress(Compression codec, std::span<const uint8_t> in, std::optional<int> level) {
  std::vector<uint8_t> out;
  append_compressed(codec, in, out, level);
  return out;
}

std::error_code decompress(Compression codec, std::span<const uint8_t> in, std::vector<uint8_t>& out,
                           size_t size_limit) {
  if (codec == Compression::kNone) {
    if (in.size() > size_limit) return CompressionError::kTooLarge;
    out.assign(in.begin(), in.end());
    return {};
  }
  if (static_cast<uint8_t>(codec) > static_cast<uint8_t>(Compression::kZstd)) {
    return CompressionError::kUnsupportedCodec;
  }
  BoundedOutput sink(out, size_limit, in.size());
  std::error_code ec;
  switch (codec) {
    case Compression::kGzip:
      ec = codec::gzip_decompress(in, sink);
      break;
    case Compression::kSnappy:
      ec = codec::snappy_decompress(in, sink);
      break;
    case Compression::kLz4:
      ec = codec::lz4_decompress(in, sink);
      break;
    case Compression::kZstd:
      ec = codec::zstd_decompress(in, sink);
      break;
    case Compression::kNone:
      break;
  }
  if (!ec && sink.over_limit()) ec = CompressionError::kTooLarge;
  sink.finish();
  return ec;
}

}  // namespace kappa::protocol

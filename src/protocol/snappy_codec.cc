// snappy: Kafka's Java client writes the snappy-java ("xerial") stream
// framing; librdkafka writes one raw snappy block and reads both (it checks
// for the 8-byte xerial magic and falls back to raw). snappy-java's reader
// also treats input without the magic as one raw block, so a broker must
// accept both and may store either.
//
// xerial framing:
//   0  magic      82 'S' 'N' 'A' 'P' 'P' 'Y' 00
//   8  version    int32 BE (1)
//  12  compatible int32 BE (1)
//  16  blocks:    length int32 BE | raw snappy block of `length` bytes, ...

#include <snappy.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "kappa/protocol/compression.h"
#include "protocol/big_endian.h"
#include "protocol/codecs.h"

namespace kappa::protocol::codec {
namespace {

constexpr std::array<uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
constexpr size_t kXerialHeaderSize = 16;
constexpr int32_t kXerialVersion = 1;
constexpr int32_t kXerialCompatibleVersion = 1;
// snappy-java's default block size (uncompressed bytes per block).
constexpr size_t kXerialBlockSize = 32 * 1024;

bool has_xerial_magic(Input in) {
  return in.size() >= kXerialHeaderSize && std::equal(kXerialMagic.begin(), kXerialMagic.end(), in.begin());
}

// Decompresses one raw snappy block, appending to `out`.
std::error_code raw_block(Input block, BoundedOutput& out) {
  const char* src = reinterpret_cast<const char*>(block.data());
  size_t n = 0;
  if (!snappy::GetUncompressedLength(src, block.size(), &n)) return CompressionError::kCorrupt;
  if (n > out.limit() - std::min(out.used(), out.limit())) return CompressionError::kTooLarge;
  if (out.free_size() < n && !out.grow(n)) return CompressionError::kTooLarge;
  // RawUncompress never writes more than the length it decoded above and
  // fails cleanly on malformed input.
  if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(out.free_begin()))) {
    return CompressionError::kCorrupt;
  }
  out.commit(n);
  return {};
}

}  // namespace

void snappy_compress(Input in, Output& out) {
  size_t pos = out.size();
  out.resize(pos + kXerialHeaderSize);
  std::copy(kXerialMagic.begin(), kXerialMagic.end(), out.begin() + static_cast<ptrdiff_t>(pos));
  be::store(out.data() + pos + 8, kXerialVersion);
  be::store(out.data() + pos + 12, kXerialCompatibleVersion);
  pos += kXerialHeaderSize;
  for (size_t off = 0; off < in.size(); off += kXerialBlockSize) {
    const size_t len = std::min(kXerialBlockSize, in.size() - off);
    out.resize(pos + 4 + snappy::MaxCompressedLength(len));
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(in.data() + off), len,
                        reinterpret_cast<char*>(out.data() + pos + 4), &written);
    be::store(out.data() + pos, static_cast<uint32_t>(written));
    pos += 4 + written;
  }
  out.resize(pos);
}

std::error_code snappy_decompress(Input in, BoundedOutput& out) {
  if (!has_xerial_magic(in)) return raw_block(in, out);
  // The version fields are not checked (snappy-java writes 1 and 1).
  size_t pos = kXerialHeaderSize;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return CompressionError::kTruncated;
    const uint32_t len = be::load<uint32_t>(in.data() + pos);
    pos += 4;
    if (len > in.size() - pos) return CompressionError::kTruncated;
    if (auto ec = raw_block(in.subspan(pos, len), out)) return ec;
    pos += len;
  }
  return {};
}

}  // namespace kappa::protocol::codec

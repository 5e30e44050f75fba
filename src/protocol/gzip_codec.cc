// gzip: an RFC 1952 stream through zlib (windowBits 15 + 16 selects the gzip
// wrapper). Java's GZIPInputStream reads concatenated members, so we do too;
// anything after the last member that is not another member is corrupt.

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <stdexcept>

#include "kappa/protocol/compression.h"
#include "protocol/codecs.h"

namespace kappa::protocol::codec {
namespace {

constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;

// One inflate stream per thread, reset between uses.
struct Inflater {
  z_stream zs{};
  bool ready = false;
  Inflater() { ready = inflateInit2(&zs, kGzipWindowBits) == Z_OK; }
  ~Inflater() {
    if (ready) inflateEnd(&zs);
  }
};

uInt clamp_uint(size_t n) { return static_cast<uInt>(std::min<size_t>(n, UINT_MAX)); }

}  // namespace

void gzip_compress(Input in, int level, Output& out) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2 failed");
  }
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, deflateEnd);
  const size_t start = out.size();
  out.resize(start + deflateBound(&zs, static_cast<uLong>(in.size())));
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.next_out = out.data() + start;
  size_t in_left = in.size();
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    // zlib counts in 32 bits; feed and drain in pieces.
    const uInt in_chunk = clamp_uint(in_left);
    const size_t out_pos = static_cast<size_t>(zs.next_out - out.data());
    if (out_pos == out.size()) {
      out.resize(out.size() + out.size() / 2 + 64);
      zs.next_out = out.data() + out_pos;
    }
    zs.avail_in = in_chunk;
    zs.avail_out = clamp_uint(out.size() - out_pos);
    rc = deflate(&zs, in_chunk == in_left ? Z_FINISH : Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) throw std::runtime_error("deflate failed");
    in_left -= in_chunk - zs.avail_in;
  }
  out.resize(static_cast<size_t>(zs.next_out - out.data()));
}

std::error_code gzip_decompress(Input in, BoundedOutput& out) {
  thread_local Inflater inflater;
  if (!inflater.ready) throw std::runtime_error("inflateInit2 failed");
  z_stream& zs = inflater.zs;
  inflateReset(&zs);
  zs.next_in = const_cast<Bytef*>(in.data());
  size_t in_left = in.size();
  while (true) {
    if (out.free_size() == 0 && !out.grow()) return {};  // over the limit
    const uInt in_chunk = clamp_uint(in_left);
    const uInt out_chunk = clamp_uint(out.free_size());
    zs.avail_in = in_chunk;
    zs.next_out = out.free_begin();
    zs.avail_out = out_chunk;
    const int rc = inflate(&zs, Z_NO_FLUSH);
    in_left -= in_chunk - zs.avail_in;
    out.commit(out_chunk - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (in_left == 0) return {};
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && in_left == 0 && zs.avail_out > 0)) {
      // No progress possible: either the input ran out or (with output space
      // left) zlib wants more input than there is.
      if (zs.avail_out == 0) continue;
      return CompressionError::kTruncated;
    }
    if (rc != Z_OK) return CompressionError::kCorrupt;
  }
}

}  // namespace kappa::protocol::codec

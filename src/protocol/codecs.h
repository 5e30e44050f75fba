#pragma once
// Per-codec halves of compression.h, one source file each
// (gzip_codec.cc, snappy_codec.cc, lz4_codec.cc, zstd_codec.cc).
// compress_* append to `out`; decompress_* write into a BoundedOutput and
// return a CompressionError code (they do not call finish()).

#include <cstdint>
#include <span>
#include <system_error>
#include <vector>

#include "protocol/bounded_output.h"

namespace kappa::protocol::codec {

using Input = std::span<const uint8_t>;
using Output = std::vector<uint8_t>;

void gzip_compress(Input in, int level, Output& out);
std::error_code gzip_decompress(Input in, BoundedOutput& out);

void snappy_compress(Input in, Output& out);  // xerial framing
std::error_code snappy_decompress(Input in, BoundedOutput& out);

void lz4_compress(Input in, int level, Output& out);
std::error_code lz4_decompress(Input in, BoundedOutput& out);

void zstd_compress(Input in, int level, Output& out);
std::error_code zstd_decompress(Input in, BoundedOutput& out);

}  // namespace kappa::protocol::codec

// lz4: the LZ4 frame format. Kafka's Java writer and librdkafka both write
// 64 KiB blocks with the block-independence flag, no content size and no
// checksums; Java's reader cannot read linked blocks, so we write the same.
// Any standard frame is read (content size, checksums, linked blocks,
// skippable frames, several frames back to back).

#include <lz4frame.h>

#include <stdexcept>

#include "kappa/protocol/compression.h"
#include "protocol/codecs.h"

namespace kappa::protocol::codec {
namespace {

struct Lz4Decoder {
  LZ4F_dctx* dctx = nullptr;
  Lz4Decoder() {
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) dctx = nullptr;
  }
  ~Lz4Decoder() { LZ4F_freeDecompressionContext(dctx); }
};

LZ4F_preferences_t kafka_preferences(int level) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  prefs.frameInfo.contentChecksumFlag = LZ4F_noContentChecksum;
  prefs.frameInfo.blockChecksumFlag = LZ4F_noBlockChecksum;
  prefs.frameInfo.contentSize = 0;  // absent
  prefs.compressionLevel = level;
  return prefs;
}

}  // namespace

void lz4_compress(Input in, int level, Output& out) {
  const LZ4F_preferences_t prefs = kafka_preferences(level);
  const size_t start = out.size();
  out.resize(start + LZ4F_compressFrameBound(in.size(), &prefs));
  const size_t n = LZ4F_compressFrame(out.data() + start, out.size() - start, in.data(), in.size(), &prefs);
  if (LZ4F_isError(n)) throw std::runtime_error(LZ4F_getErrorName(n));
  out.resize(start + n);
}

std::error_code lz4_decompress(Input in, BoundedOutput& out) {
  thread_local Lz4Decoder decoder;
  if (!decoder.dctx) throw std::runtime_error("LZ4F_createDecompressionContext failed");
  LZ4F_resetDecompressionContext(decoder.dctx);
  size_t pos = 0;
  while (true) {
    if (out.free_size() == 0 && !out.grow()) return {};  // over the limit
    size_t src_size = in.size() - pos;
    size_t dst_size = out.free_size();
    const size_t hint =
        LZ4F_decompress(decoder.dctx, out.free_begin(), &dst_size, in.data() + pos, &src_size, nullptr);
    if (LZ4F_isError(hint)) return CompressionError::kCorrupt;
    pos += src_size;
    out.commit(dst_size);
    if (hint == 0 && pos == in.size()) return {};  // last frame complete
    // With output space left and all input consumed, the frame wants more
    // input than there is. (hint == 0 with input left: another frame.)
    if (hint != 0 && pos == in.size() && out.free_size() > 0) return CompressionError::kTruncated;
  }
}

}  // namespace kappa::protocol::codec

// zstd: standard frames. Compression is one-shot (the frame records its
// content size). Decompression always streams, so frames without a content
// size (Java's ZstdOutputStream writes those) work; when the whole frame is in
// the input and the output has room for its declared size, libzstd decodes it
// in one pass without a window buffer.

#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

#include "kappa/protocol/compression.h"
#include "protocol/codecs.h"

namespace kappa::protocol::codec {
namespace {

// libzstd's own default cap on a streaming window (ZSTD_WINDOWLOG_LIMIT_DEFAULT).
constexpr int kMaxWindowLog = 27;
// Streams of levels 1..19 without a content size use windows up to 2^23; always allow those.
constexpr int kMinWindowLog = 24;

struct ZstdContexts {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ~ZstdContexts() {
    ZSTD_freeCCtx(cctx);
    ZSTD_freeDCtx(dctx);
  }
};

ZstdContexts& contexts() {
  thread_local ZstdContexts ctx;
  if (!ctx.cctx || !ctx.dctx) throw std::runtime_error("ZSTD_create*Ctx failed");
  return ctx;
}

// A window larger than the whole permitted output is never needed by an
// honest frame; refusing it bounds the decoder's own allocation too. Only
// frames of the "ultra" levels 20..22 can need more than 2^kMinWindowLog.
int window_log_for(size_t limit) {
  const int bits = limit == 0 ? 0 : static_cast<int>(std::bit_width(limit - 1));
  return std::clamp(bits, kMinWindowLog, kMaxWindowLog);
}

}  // namespace

void zstd_compress(Input in, int level, Output& out) {
  ZSTD_CCtx* cctx = contexts().cctx;
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  const size_t start = out.size();
  out.resize(start + ZSTD_compressBound(in.size()));
  const size_t n = ZSTD_compress2(cctx, out.data() + start, out.size() - start, in.data(), in.size());
  if (ZSTD_isError(n)) throw std::runtime_error(ZSTD_getErrorName(n));
  out.resize(start + n);
}

std::error_code zstd_decompress(Input in, BoundedOutput& out) {
  ZSTD_DCtx* dctx = contexts().dctx;
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_and_parameters);
  ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, window_log_for(out.limit()));
  const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    if (declared > out.limit()) return CompressionError::kTooLarge;
    out.expect(static_cast<size_t>(declared));
  }
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  while (true) {
    if (out.free_size() == 0 && !out.grow()) return {};  // over the limit
    ZSTD_outBuffer dst{out.free_begin(), out.free_size(), 0};
    const size_t hint = ZSTD_decompressStream(dctx, &dst, &src);
    out.commit(dst.pos);
    if (ZSTD_isError(hint)) {
      return ZSTD_getErrorCode(hint) == ZSTD_error_frameParameter_windowTooLarge ? CompressionError::kTooLarge
                                                                                 : CompressionError::kCorrupt;
    }
    if (hint == 0 && src.pos == src.size) return {};  // last frame complete
    // Output space left and input exhausted mid-frame: truncated.
    if (hint != 0 && src.pos == src.size && dst.pos < dst.size) return CompressionError::kTruncated;
  }
}

}  // namespace kappa::protocol::codec

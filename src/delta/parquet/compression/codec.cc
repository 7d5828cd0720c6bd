// Page compression codecs (apache/parquet-format Compression.md) over zlib, snappy, zstd, lz4
// and brotli.
//
// Every decompressor writes into the caller's buffer of exactly the page's declared uncompressed
// size and never beyond it. Output that would be larger is rejected as soon as the buffer is full
// (a "decompression bomb" costs at most dst_len bytes of work), output that is smaller is
// rejected too: the page header is the contract.
#include "delta/parquet/compression/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::parquet {

namespace {

Status Exceeds(const char* codec, int64_t dst_len) {
  return Status::CorruptData(
      fmt::format("{}: decompressed size exceeds the declared page size of {} bytes", codec, dst_len));
}
Status ShortOutput(const char* codec, int64_t got, int64_t dst_len) {
  return Status::CorruptData(
      fmt::format("{}: decompressed {} bytes, but the page declares {} bytes", codec, got, dst_len));
}

// ---------------------------------------------------------------------------------------------
// SNAPPY: the raw snappy format; the preamble carries the uncompressed length, which we check
// against the page header before decoding.

Status SnappyDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  size_t n = 0;
  const char* in = reinterpret_cast<const char*>(src);
  if (!snappy::GetUncompressedLength(in, static_cast<size_t>(src_len), &n)) {
    return Status::CorruptData("SNAPPY: invalid compressed data (bad length preamble)");
  }
  if (static_cast<int64_t>(n) > dst_len) return Exceeds("SNAPPY", dst_len);
  if (static_cast<int64_t>(n) < dst_len) return ShortOutput("SNAPPY", static_cast<int64_t>(n), dst_len);
  if (!snappy::RawUncompress(in, static_cast<size_t>(src_len), reinterpret_cast<char*>(dst))) {
    return Status::CorruptData("SNAPPY: invalid compressed data");
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// GZIP: RFC 1952 members; windowBits 15+32 makes zlib detect a gzip or a zlib (RFC 1950) header,
// so raw zlib streams written by some tools are accepted as well. Concatenated members are
// decoded one after the other (gzip allows multi-member files).

struct InflateGuard {
  z_stream* s;
  ~InflateGuard() { inflateEnd(s); }
};

Status GzipDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  if (src_len > UINT_MAX || dst_len > UINT_MAX) return Status::Unsupported("GZIP: page larger than 4 GiB");
  z_stream s;
  std::memset(&s, 0, sizeof(s));
  if (inflateInit2(&s, 15 + 32) != Z_OK) return Status::OutOfMemory("GZIP: cannot initialise zlib");
  InflateGuard guard{&s};
  s.next_in = const_cast<Bytef*>(src);
  s.avail_in = static_cast<uInt>(src_len);
  s.next_out = dst;
  s.avail_out = static_cast<uInt>(dst_len);
  while (true) {
    int rc = inflate(&s, Z_FINISH);
    if (rc == Z_STREAM_END) {
      if (s.avail_out == 0 || s.avail_in == 0) break;
      // Another gzip member follows.
      if (inflateReset(&s) != Z_OK) return Status::CorruptData("GZIP: cannot reset the stream");
      continue;
    }
    if (rc == Z_BUF_ERROR && s.avail_out == 0) {
      // Output buffer full but the stream is not finished: see whether any byte would follow.
      uint8_t probe;
      s.next_out = &probe;
      s.avail_out = 1;
      int rc2 = inflate(&s, Z_FINISH);
      if (s.avail_out == 0) return Exceeds("GZIP", dst_len);
      if (rc2 == Z_STREAM_END) break;
      return Status::CorruptData("GZIP: truncated or invalid compressed data");
    }
    if (rc == Z_BUF_ERROR) return Status::CorruptData("GZIP: truncated compressed data");
    return Status::CorruptData(fmt::format("GZIP: invalid compressed data ({})", s.msg ? s.msg : "zlib error"));
  }
  int64_t produced = dst_len - static_cast<int64_t>(s.avail_out);
  if (produced != dst_len) return ShortOutput("GZIP", produced, dst_len);
  return Status::OK();
}

Status GzipCompress(const uint8_t* src, int64_t src_len, std::string* out, int level) {
  if (src_len > UINT_MAX) return Status::Unsupported("GZIP: page larger than 4 GiB");
  if (level == kDefaultCompressionLevel) level = Z_DEFAULT_COMPRESSION;
  z_stream s;
  std::memset(&s, 0, sizeof(s));
  // 15 + 16: a gzip (RFC 1952) wrapper, as Compression.md specifies.
  if (deflateInit2(&s, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::InvalidArgument(fmt::format("GZIP: invalid compression level {}", level));
  }
  uLong bound = deflateBound(&s, static_cast<uLong>(src_len));
  out->resize(bound);
  s.next_in = const_cast<Bytef*>(src);
  s.avail_in = static_cast<uInt>(src_len);
  s.next_out = reinterpret_cast<Bytef*>(out->data());
  s.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&s, Z_FINISH);
  size_t produced = bound - s.avail_out;
  deflateEnd(&s);
  if (rc != Z_STREAM_END) return Status::Internal("GZIP: deflate did not finish");
  out->resize(produced);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// ZSTD. A frame that declares its content size is checked against the page size before any
// work; a frame without one is decoded with the streaming API into the bounded buffer.

struct DCtxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
struct CCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}
ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}

Status ZstdStreaming(ZSTD_DCtx* dctx, const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  ZSTD_inBuffer in{src, static_cast<size_t>(src_len), 0};
  ZSTD_outBuffer out{dst, static_cast<size_t>(dst_len), 0};
  size_t rc = 1;
  while (in.pos < in.size) {
    size_t before_in = in.pos, before_out = out.pos;
    rc = ZSTD_decompressStream(dctx, &out, &in);
    if (ZSTD_isError(rc)) return Status::CorruptData(fmt::format("ZSTD: {}", ZSTD_getErrorName(rc)));
    if (out.pos == out.size && rc != 0) {
      // Buffer full but the frame goes on: probe for one more byte.
      uint8_t probe;
      ZSTD_outBuffer extra{&probe, 1, 0};
      size_t rc2 = ZSTD_decompressStream(dctx, &extra, &in);
      if (ZSTD_isError(rc2)) return Status::CorruptData(fmt::format("ZSTD: {}", ZSTD_getErrorName(rc2)));
      if (extra.pos > 0) return Exceeds("ZSTD", dst_len);
      rc = rc2;
    }
    if (in.pos == before_in && out.pos == before_out && rc != 0) break;  // no progress
  }
  if (rc != 0) return Status::CorruptData("ZSTD: truncated frame");
  if (static_cast<int64_t>(out.pos) != dst_len) return ShortOutput("ZSTD", static_cast<int64_t>(out.pos), dst_len);
  return Status::OK();
}

Status ZstdDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  ZSTD_DCtx* dctx = ThreadDCtx();
  if (dctx == nullptr) return Status::OutOfMemory("ZSTD: cannot create a decompression context");
  unsigned long long fcs = ZSTD_getFrameContentSize(src, static_cast<size_t>(src_len));
  if (fcs == ZSTD_CONTENTSIZE_ERROR) return Status::CorruptData("ZSTD: not a valid zstd frame");
  if (fcs == ZSTD_CONTENTSIZE_UNKNOWN) return ZstdStreaming(dctx, src, src_len, dst, dst_len);
  if (fcs > static_cast<unsigned long long>(dst_len)) return Exceeds("ZSTD", dst_len);
  // One-shot decoding is bounded by dst_len (several concatenated frames are allowed).
  size_t rc = ZSTD_decompressDCtx(dctx, dst, static_cast<size_t>(dst_len), src, static_cast<size_t>(src_len));
  if (ZSTD_isError(rc)) {
    if (ZSTD_getErrorCode(rc) == ZSTD_error_dstSize_tooSmall) return Exceeds("ZSTD", dst_len);
    return Status::CorruptData(fmt::format("ZSTD: {}", ZSTD_getErrorName(rc)));
  }
  if (static_cast<int64_t>(rc) != dst_len) return ShortOutput("ZSTD", static_cast<int64_t>(rc), dst_len);
  return Status::OK();
}

Status ZstdCompress(const uint8_t* src, int64_t src_len, std::string* out, int level) {
  if (level == kDefaultCompressionLevel) level = ZSTD_CLEVEL_DEFAULT;
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return Status::InvalidArgument(fmt::format("ZSTD: compression level {} outside [{}, {}]", level, ZSTD_minCLevel(),
                                               ZSTD_maxCLevel()));
  }
  ZSTD_CCtx* cctx = ThreadCCtx();
  if (cctx == nullptr) return Status::OutOfMemory("ZSTD: cannot create a compression context");
  size_t bound = ZSTD_compressBound(static_cast<size_t>(src_len));
  out->resize(bound);
  // ZSTD_compressCCtx writes the content size into the frame header, which lets readers check
  // the page size before decoding.
  size_t rc = ZSTD_compressCCtx(cctx, out->data(), bound, src, static_cast<size_t>(src_len), level);
  if (ZSTD_isError(rc)) return Status::Internal(fmt::format("ZSTD: {}", ZSTD_getErrorName(rc)));
  out->resize(rc);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// LZ4_RAW: one raw LZ4 block (Compression.md). LZ4_decompress_safe never writes past dst_len and
// fails when the block would need more room.

Status Lz4RawDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  if (src_len > INT_MAX || dst_len > INT_MAX) return Status::Unsupported("LZ4: page larger than 2 GiB");
  int n = LZ4_decompress_safe(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(dst),
                              static_cast<int>(src_len), static_cast<int>(dst_len));
  if (n < 0) {
    return Status::CorruptData(
        fmt::format("LZ4_RAW: invalid block, or decompressed size exceeds the declared page size of {} bytes", dst_len));
  }
  if (n != dst_len) return ShortOutput("LZ4_RAW", n, dst_len);
  return Status::OK();
}

Status Lz4RawCompress(const uint8_t* src, int64_t src_len, std::string* out) {
  if (src_len > LZ4_MAX_INPUT_SIZE) return Status::Unsupported("LZ4: page too large");
  int bound = LZ4_compressBound(static_cast<int>(src_len));
  out->resize(static_cast<size_t>(bound));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(src), out->data(), static_cast<int>(src_len), bound);
  if (n <= 0 && src_len > 0) return Status::Internal("LZ4: compression failed");
  out->resize(static_cast<size_t>(std::max(n, 0)));
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// LZ4 (deprecated codec). Compression.md: Hadoop's framing, a sequence of
//   [4-byte BE uncompressed size][4-byte BE compressed size][raw LZ4 block] ...
// (Hadoop allows several compressed sub-blocks per uncompressed chunk; we accept that too).
// Some writers produced the LZ4 frame format or a bare block instead, so like Apache Arrow we
// try Hadoop first and fall back when it does not parse exactly.

uint32_t LoadBE32(const uint8_t* p) {
  return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) | (static_cast<uint32_t>(p[2]) << 8) |
         static_cast<uint32_t>(p[3]);
}

// True when [src, src+src_len) is well-formed Hadoop framing that decodes to exactly dst_len.
bool TryLz4Hadoop(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  int64_t in = 0, out = 0;
  if (src_len < 8) return false;
  while (in < src_len) {
    if (src_len - in < 8) return false;
    int64_t chunk_len = LoadBE32(src + in);
    in += 4;
    if (chunk_len > dst_len - out) return false;
    int64_t chunk_end = out + chunk_len;
    do {
      if (src_len - in < 4) return false;
      int64_t block_len = LoadBE32(src + in);
      in += 4;
      if (block_len > src_len - in || block_len > INT_MAX) return false;
      int64_t room = chunk_end - out;
      if (room > INT_MAX) return false;
      int n = LZ4_decompress_safe(reinterpret_cast<const char*>(src + in), reinterpret_cast<char*>(dst + out),
                                  static_cast<int>(block_len), static_cast<int>(room));
      if (n < 0) return false;  // every iteration consumes >= 4 input bytes, so the loop ends
      in += block_len;
      out += n;
    } while (out < chunk_end);
  }
  return out == dst_len;
}

Status Lz4FrameDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) {
    return Status::OutOfMemory("LZ4: cannot create a frame decompression context");
  }
  std::unique_ptr<LZ4F_dctx, size_t (*)(LZ4F_dctx*)> guard(dctx, LZ4F_freeDecompressionContext);
  int64_t in = 0, out = 0;
  size_t hint = 1;
  while (in < src_len && hint != 0) {
    size_t src_size = static_cast<size_t>(src_len - in);
    size_t dst_size = static_cast<size_t>(dst_len - out);
    uint8_t probe;
    // Once the page buffer is full, decode into a 1-byte probe: any output there is an overflow.
    bool probing = dst_size == 0;
    uint8_t* target = dst + out;
    if (probing) {
      target = &probe;
      dst_size = 1;
    }
    hint = LZ4F_decompress(dctx, target, &dst_size, src + in, &src_size, nullptr);
    if (LZ4F_isError(hint)) return Status::CorruptData(fmt::format("LZ4: {}", LZ4F_getErrorName(hint)));
    if (probing && dst_size > 0) return Exceeds("LZ4", dst_len);
    if (src_size == 0 && dst_size == 0) break;  // no progress
    in += static_cast<int64_t>(src_size);
    out += static_cast<int64_t>(dst_size);
  }
  if (hint != 0) return Status::CorruptData("LZ4: truncated frame");
  if (out != dst_len) return ShortOutput("LZ4", out, dst_len);
  return Status::OK();
}

Status Lz4HadoopDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  if (TryLz4Hadoop(src, src_len, dst, dst_len)) return Status::OK();
  static constexpr uint8_t kFrameMagic[4] = {0x04, 0x22, 0x4D, 0x18};  // 0x184D2204 little-endian
  if (src_len >= 4 && std::memcmp(src, kFrameMagic, 4) == 0) return Lz4FrameDecompress(src, src_len, dst, dst_len);
  Status st = Lz4RawDecompress(src, src_len, dst, dst_len);
  if (!st.ok()) {
    return Status::CorruptData(
        fmt::format("LZ4: data is neither Hadoop-framed, an LZ4 frame nor a raw block decoding to {} bytes", dst_len));
  }
  return st;
}

// Writes Hadoop framing (what parquet-mr and Arrow's LZ4 codec read): one chunk, one block.
Status Lz4HadoopCompress(const uint8_t* src, int64_t src_len, std::string* out) {
  std::string block;
  DELTA_RETURN_NOT_OK(Lz4RawCompress(src, src_len, &block));
  out->clear();
  out->reserve(block.size() + 8);
  auto put_be32 = [out](uint32_t v) {
    char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
    out->append(b, 4);
  };
  put_be32(static_cast<uint32_t>(src_len));
  put_be32(static_cast<uint32_t>(block.size()));
  out->append(block);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// BROTLI (RFC 7932), streaming decoder bounded by dst_len.

Status BrotliDecompress(const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  std::unique_ptr<BrotliDecoderState, void (*)(BrotliDecoderState*)> st(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), BrotliDecoderDestroyInstance);
  if (!st) return Status::OutOfMemory("BROTLI: cannot create a decoder");
  size_t avail_in = static_cast<size_t>(src_len);
  const uint8_t* next_in = src;
  size_t avail_out = static_cast<size_t>(dst_len);
  uint8_t* next_out = dst;
  BrotliDecoderResult r = BrotliDecoderDecompressStream(st.get(), &avail_in, &next_in, &avail_out, &next_out, nullptr);
  if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    uint8_t probe;
    size_t one = 1;
    uint8_t* p = &probe;
    r = BrotliDecoderDecompressStream(st.get(), &avail_in, &next_in, &one, &p, nullptr);
    if (one == 0) return Exceeds("BROTLI", dst_len);
  }
  if (r == BROTLI_DECODER_RESULT_ERROR) {
    return Status::CorruptData(
        fmt::format("BROTLI: {}", BrotliDecoderErrorString(BrotliDecoderGetErrorCode(st.get()))));
  }
  if (r != BROTLI_DECODER_RESULT_SUCCESS) return Status::CorruptData("BROTLI: truncated compressed data");
  int64_t produced = dst_len - static_cast<int64_t>(avail_out);
  if (produced != dst_len) return ShortOutput("BROTLI", produced, dst_len);
  return Status::OK();
}

Status BrotliCompress(const uint8_t* src, int64_t src_len, std::string* out, int level) {
  if (level == kDefaultCompressionLevel) level = 5;  // a speed/size balance for page data
  if (level < BROTLI_MIN_QUALITY || level > BROTLI_MAX_QUALITY) {
    return Status::InvalidArgument(fmt::format("BROTLI: compression level {} outside [0, 11]", level));
  }
  size_t bound = BrotliEncoderMaxCompressedSize(static_cast<size_t>(src_len));
  if (bound == 0) bound = static_cast<size_t>(src_len) + 1024;
  out->resize(bound);
  size_t n = bound;
  if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, static_cast<size_t>(src_len), src, &n,
                             reinterpret_cast<uint8_t*>(out->data()))) {
    return Status::Internal("BROTLI: compression failed");
  }
  out->resize(n);
  return Status::OK();
}

}  // namespace

Status Decompress(CompressionCodec codec, const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len) {
  if (src_len < 0 || dst_len < 0) return Status::CorruptData("negative compressed or uncompressed page size");
  if (codec == CompressionCodec::UNCOMPRESSED) {
    if (src_len != dst_len) {
      return Status::CorruptData(fmt::format(
          "UNCOMPRESSED page: compressed size {} differs from the uncompressed size {}", src_len, dst_len));
    }
    if (dst_len > 0) std::memcpy(dst, src, static_cast<size_t>(dst_len));
    return Status::OK();
  }
  // Some writers store an empty page with no compressed bytes at all.
  if (src_len == 0) {
    if (dst_len == 0) return Status::OK();
    return Status::CorruptData(fmt::format("{}: no compressed bytes for a page of {} bytes", CodecName(codec), dst_len));
  }
  switch (codec) {
    case CompressionCodec::SNAPPY: return SnappyDecompress(src, src_len, dst, dst_len);
    case CompressionCodec::GZIP: return GzipDecompress(src, src_len, dst, dst_len);
    case CompressionCodec::ZSTD: return ZstdDecompress(src, src_len, dst, dst_len);
    case CompressionCodec::LZ4_RAW: return Lz4RawDecompress(src, src_len, dst, dst_len);
    case CompressionCodec::LZ4: return Lz4HadoopDecompress(src, src_len, dst, dst_len);
    case CompressionCodec::BROTLI: return BrotliDecompress(src, src_len, dst, dst_len);
    case CompressionCodec::LZO: return Status::Unsupported("LZO compression is not supported");
    default: break;
  }
  return Status::Unsupported(fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

int64_t MaxCompressedLength(CompressionCodec codec, int64_t src_len) {
  if (src_len < 0) return 0;
  const auto n = static_cast<size_t>(src_len);
  switch (codec) {
    case CompressionCodec::SNAPPY: return static_cast<int64_t>(snappy::MaxCompressedLength(n));
    case CompressionCodec::ZSTD: return static_cast<int64_t>(ZSTD_compressBound(n));
    case CompressionCodec::LZ4_RAW:
      return src_len > LZ4_MAX_INPUT_SIZE ? src_len : LZ4_compressBound(static_cast<int>(src_len));
    case CompressionCodec::LZ4:  // Hadoop framing: two 4-byte big-endian sizes before the block
      return src_len > LZ4_MAX_INPUT_SIZE ? src_len : LZ4_compressBound(static_cast<int>(src_len)) + 8;
    case CompressionCodec::GZIP:  // zlib's bound plus the larger gzip header and trailer
      return static_cast<int64_t>(compressBound(static_cast<uLong>(n))) + 32;
    case CompressionCodec::BROTLI: {
      const size_t b = BrotliEncoderMaxCompressedSize(n);
      return b == 0 ? src_len + 1024 : static_cast<int64_t>(b);
    }
    default: return src_len;
  }
}

Status CompressInto(CompressionCodec codec, const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_capacity,
                    int64_t* written, int level) {
  if (src_len < 0) return Status::InvalidArgument("Compress: negative input length");
  if (dst_capacity < MaxCompressedLength(codec, src_len)) {
    return Status::InvalidArgument("CompressInto: output smaller than the codec's bound");
  }
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
      if (src_len > 0) std::memcpy(dst, src, static_cast<size_t>(src_len));
      *written = src_len;
      return Status::OK();
    case CompressionCodec::SNAPPY: {
      size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(src), static_cast<size_t>(src_len), reinterpret_cast<char*>(dst),
                          &n);
      *written = static_cast<int64_t>(n);
      return Status::OK();
    }
    case CompressionCodec::ZSTD: {
      if (level == kDefaultCompressionLevel) level = ZSTD_CLEVEL_DEFAULT;
      if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
        return Status::InvalidArgument(fmt::format("ZSTD: compression level {} outside [{}, {}]", level,
                                                   ZSTD_minCLevel(), ZSTD_maxCLevel()));
      }
      ZSTD_CCtx* cctx = ThreadCCtx();
      if (cctx == nullptr) return Status::OutOfMemory("ZSTD: cannot create a compression context");
      // The frame header carries the content size (see ZstdCompress).
      size_t rc = ZSTD_compressCCtx(cctx, dst, static_cast<size_t>(dst_capacity), src, static_cast<size_t>(src_len), level);
      if (ZSTD_isError(rc)) return Status::Internal(fmt::format("ZSTD: {}", ZSTD_getErrorName(rc)));
      *written = static_cast<int64_t>(rc);
      return Status::OK();
    }
    case CompressionCodec::LZ4_RAW: {
      if (src_len > LZ4_MAX_INPUT_SIZE) return Status::Unsupported("LZ4: page too large");
      const int bound = static_cast<int>(std::min<int64_t>(dst_capacity, INT_MAX));
      int n = LZ4_compress_default(reinterpret_cast<const char*>(src), reinterpret_cast<char*>(dst),
                                   static_cast<int>(src_len), bound);
      if (n <= 0 && src_len > 0) return Status::Internal("LZ4: compression failed");
      *written = std::max(n, 0);
      return Status::OK();
    }
    default: {
      // The other codecs are rare in data pages: through the std::string path.
      std::string out;
      DELTA_RETURN_NOT_OK(Compress(codec, src, src_len, &out, level));
      if (static_cast<int64_t>(out.size()) > dst_capacity) return Status::Internal("Compress: output exceeds its bound");
      if (!out.empty()) std::memcpy(dst, out.data(), out.size());
      *written = static_cast<int64_t>(out.size());
      return Status::OK();
    }
  }
}

Status Compress(CompressionCodec codec, const uint8_t* src, int64_t src_len, std::string* out, int level) {
  if (src_len < 0) return Status::InvalidArgument("Compress: negative input length");
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
      out->assign(reinterpret_cast<const char*>(src), static_cast<size_t>(src_len));
      return Status::OK();
    case CompressionCodec::SNAPPY: {
      out->resize(snappy::MaxCompressedLength(static_cast<size_t>(src_len)));
      size_t n = 0;
      snappy::RawCompress(reinterpret_cast<const char*>(src), static_cast<size_t>(src_len), out->data(), &n);
      out->resize(n);
      return Status::OK();
    }
    case CompressionCodec::GZIP: return GzipCompress(src, src_len, out, level);
    case CompressionCodec::ZSTD: return ZstdCompress(src, src_len, out, level);
    case CompressionCodec::LZ4_RAW: return Lz4RawCompress(src, src_len, out);
    case CompressionCodec::LZ4: return Lz4HadoopCompress(src, src_len, out);
    case CompressionCodec::BROTLI: return BrotliCompress(src, src_len, out, level);
    case CompressionCodec::LZO: return Status::Unsupported("LZO compression is not supported");
    default: break;
  }
  return Status::Unsupported(fmt::format("unknown compression codec {}", static_cast<int>(codec)));
}

bool IsCodecSupported(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
    case CompressionCodec::SNAPPY:
    case CompressionCodec::GZIP:
    case CompressionCodec::ZSTD:
    case CompressionCodec::LZ4_RAW:
    case CompressionCodec::LZ4:
    case CompressionCodec::BROTLI: return true;
    default: return false;
  }
}

Status ParseCompression(const std::string& text, CompressionCodec* codec, int* level) {
  std::string lower;
  lower.reserve(text.size());
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  std::string name = lower;
  std::string level_text;
  if (size_t colon = lower.find(':'); colon != std::string::npos) {
    name = lower.substr(0, colon);
    level_text = lower.substr(colon + 1);
  }
  CompressionCodec c;
  int min_level = 0, max_level = 0;
  bool has_levels = false;
  if (name == "none" || name == "uncompressed") {
    c = CompressionCodec::UNCOMPRESSED;
  } else if (name == "snappy") {
    c = CompressionCodec::SNAPPY;
  } else if (name == "gzip") {
    c = CompressionCodec::GZIP;
    has_levels = true;
    min_level = 0;
    max_level = 9;
  } else if (name == "zstd") {
    c = CompressionCodec::ZSTD;
    has_levels = true;
    min_level = ZSTD_minCLevel();
    max_level = ZSTD_maxCLevel();
  } else if (name == "brotli") {
    c = CompressionCodec::BROTLI;
    has_levels = true;
    min_level = BROTLI_MIN_QUALITY;
    max_level = BROTLI_MAX_QUALITY;
  } else if (name == "lz4_raw" || name == "lz4raw" || name == "lz4") {
    // "lz4" means the current LZ4_RAW codec; the deprecated Hadoop-framed one is "lz4_hadoop".
    c = CompressionCodec::LZ4_RAW;
  } else if (name == "lz4_hadoop") {
    c = CompressionCodec::LZ4;
  } else if (name == "lzo") {
    return Status::Unsupported("LZO compression is not supported");
  } else {
    return Status::InvalidArgument(fmt::format(
        "unknown compression '{}' (expected none, snappy, gzip[:level], zstd[:level], lz4_raw, lz4_hadoop, "
        "brotli[:level])",
        text));
  }
  int lvl = kDefaultCompressionLevel;
  if (!level_text.empty()) {
    if (!has_levels) return Status::InvalidArgument(fmt::format("compression '{}' takes no level", name));
    const char* b = level_text.data();
    const char* e = b + level_text.size();
    auto [p, ec] = std::from_chars(b, e, lvl);
    if (ec != std::errc() || p != e) {
      return Status::InvalidArgument(fmt::format("invalid compression level '{}'", level_text));
    }
    if (lvl < min_level || lvl > max_level) {
      return Status::InvalidArgument(
          fmt::format("{} compression level {} outside [{}, {}]", name, lvl, min_level, max_level));
    }
  } else if (lower.find(':') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("missing compression level in '{}'", text));
  }
  *codec = c;
  *level = lvl;
  return Status::OK();
}

}  // namespace delta::parquet

// Page compression codecs (apache/parquet-format Compression.md): UNCOMPRESSED, SNAPPY, GZIP,
// ZSTD, LZ4_RAW, LZ4 (Hadoop framing, with fallback to the LZ4 frame format and raw blocks as
// some writers produce), BROTLI. LZO is Unsupported.
// Decompression is bounded by the page's declared uncompressed size: output that would exceed it
// is CorruptData (no decompression bombs), and so is output that falls short.
// Thread-safety: the functions are stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

inline constexpr int kDefaultCompressionLevel = -2147483647 - 1;

/// Decompresses [src, src+src_len) into exactly `dst_len` bytes at dst.
Status Decompress(CompressionCodec codec, const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_len);

/// Compresses into *out (replacing its contents). `level` is codec-specific (ZSTD 1..22,
/// GZIP 1..9, BROTLI 0..11); kDefaultCompressionLevel means the codec default.
Status Compress(CompressionCodec codec, const uint8_t* src, int64_t src_len, std::string* out,
                int level = kDefaultCompressionLevel);
/// The most bytes Compress can produce for src_len input bytes (the codec's own bound).
/// Unknown or unsupported codecs: src_len (CompressInto then reports the error).
int64_t MaxCompressedLength(CompressionCodec codec, int64_t src_len);
/// Like Compress, into caller-owned memory: dst must hold dst_capacity >=
/// MaxCompressedLength(codec, src_len) bytes (InvalidArgument otherwise); *written receives the
/// compressed size. Lets callers reuse one buffer across pages without zero-filling it.
Status CompressInto(CompressionCodec codec, const uint8_t* src, int64_t src_len, uint8_t* dst, int64_t dst_capacity,
                    int64_t* written, int level = kDefaultCompressionLevel);
/// Whether this build can (de)compress the codec.
bool IsCodecSupported(CompressionCodec codec);

/// Parses "snappy", "zstd", "zstd:3", "gzip", "lz4_raw", "brotli", "none"/"uncompressed"
/// (case-insensitive) into codec and level.
Status ParseCompression(const std::string& text, CompressionCodec* codec, int* level);

}  // namespace delta::parquet

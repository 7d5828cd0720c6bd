// libFuzzer target for the page decompressors. Input layout: byte 0 selects the codec, bytes 1-2
// the declared uncompressed size (little-endian, at most 64 KiB to keep runs fast), the rest is the compressed page.
// Checks memory safety and that a successful decompression is exactly the declared size (the
// buffer is allocated to that size, so ASan reports any write past it).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "delta/parquet/compression/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  static const delta::parquet::CompressionCodec kCodecs[] = {
      delta::parquet::CompressionCodec::SNAPPY, delta::parquet::CompressionCodec::GZIP,
      delta::parquet::CompressionCodec::ZSTD,   delta::parquet::CompressionCodec::LZ4_RAW,
      delta::parquet::CompressionCodec::LZ4,    delta::parquet::CompressionCodec::BROTLI,
      delta::parquet::CompressionCodec::UNCOMPRESSED};
  auto codec = kCodecs[data[0] % (sizeof(kCodecs) / sizeof(kCodecs[0]))];
  int64_t dst_len = data[1] | (data[2] << 8);
  std::vector<uint8_t> dst(static_cast<size_t>(dst_len));
  delta::Status st = delta::parquet::Decompress(codec, data + 3, static_cast<int64_t>(size - 3), dst.data(), dst_len);
  (void)st;
  return 0;
}

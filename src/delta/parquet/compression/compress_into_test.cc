// CompressInto / MaxCompressedLength: every codec round-trips through caller-owned memory, and
// a buffer below the bound is refused.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "delta/parquet/compression/codec.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

TEST(CompressInto, RoundTripsEveryCodec) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data += std::to_string(i % 977) + (i % 3 == 0 ? "," : ";");
  const auto* src = reinterpret_cast<const uint8_t*>(data.data());
  const auto len = static_cast<int64_t>(data.size());
  for (CompressionCodec c : {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY, CompressionCodec::GZIP,
                             CompressionCodec::ZSTD, CompressionCodec::LZ4_RAW, CompressionCodec::LZ4,
                             CompressionCodec::BROTLI}) {
    if (!IsCodecSupported(c)) continue;
    const int64_t bound = MaxCompressedLength(c, len);
    ASSERT_GE(bound, 1) << static_cast<int>(c);
    std::unique_ptr<uint8_t[]> buf(new uint8_t[static_cast<size_t>(bound)]);
    int64_t n = -1;
    ASSERT_OK(CompressInto(c, src, len, buf.get(), bound, &n));
    ASSERT_GT(n, 0);
    ASSERT_LE(n, bound);
    if (c != CompressionCodec::UNCOMPRESSED) EXPECT_LT(n, len / 2) << static_cast<int>(c);
    std::string back(data.size(), '\0');
    ASSERT_OK(Decompress(c, buf.get(), n, reinterpret_cast<uint8_t*>(back.data()), len));
    EXPECT_EQ(back, data) << static_cast<int>(c);
    // The same bytes as the std::string entry point.
    std::string via_string;
    ASSERT_OK(Compress(c, src, len, &via_string));
    EXPECT_EQ(via_string, std::string(reinterpret_cast<const char*>(buf.get()), static_cast<size_t>(n)));
    ASSERT_RAISES(InvalidArgument, CompressInto(c, src, len, buf.get(), bound - 1, &n));
  }
}

}  // namespace
}  // namespace delta::parquet

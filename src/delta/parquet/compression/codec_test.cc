// Codec round trips, size contract (exact dst_len, no overflow), decompression bombs, truncated
// input, LZ4 Hadoop framing and its fallbacks, ParseCompression.
#include "delta/parquet/compression/codec.h"

#include <brotli/encode.h>
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/matchers.h"

namespace delta::parquet {
namespace {

const CompressionCodec kCodecs[] = {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY, CompressionCodec::GZIP,
                                    CompressionCodec::ZSTD,         CompressionCodec::LZ4_RAW, CompressionCodec::LZ4,
                                    CompressionCodec::BROTLI};

// Half compressible text-like runs, half random bytes.
std::string TestData(size_t n, uint32_t seed = 42) {
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    if (rng() % 2) {
      s.append(std::string("delta lake parquet column ") + std::to_string(rng() % 100));
    } else {
      for (int i = 0; i < 16; ++i) s.push_back(static_cast<char>(rng()));
    }
  }
  s.resize(n);
  return s;
}

const char* Name(CompressionCodec c) {
  static const char* const kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"};
  int i = static_cast<int>(c);
  return i >= 0 && i < 8 ? kNames[i] : "UNKNOWN";
}

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

// Decompresses into a buffer with canary bytes after dst_len to catch writes past the end.
Status DecompressChecked(CompressionCodec codec, const std::string& comp, int64_t dst_len, std::string* out) {
  std::vector<uint8_t> buf(static_cast<size_t>(dst_len) + 64, 0xA5);
  Status st = Decompress(codec, U8(comp), static_cast<int64_t>(comp.size()), buf.data(), dst_len);
  for (size_t i = static_cast<size_t>(dst_len); i < buf.size(); ++i) {
    if (buf[i] != 0xA5) return Status::Internal("decompressor wrote past dst_len");
  }
  out->assign(reinterpret_cast<const char*>(buf.data()), static_cast<size_t>(dst_len));
  return st;
}

TEST(Codec, RoundTripEveryCodecAndSize) {
  for (CompressionCodec codec : kCodecs) {
    ASSERT_TRUE(IsCodecSupported(codec));
    for (size_t n : {size_t{0}, size_t{1}, size_t{100}, size_t{65543}, size_t{1} << 20}) {
      std::string data = TestData(n);
      std::string comp;
      ASSERT_OK(Compress(codec, U8(data), static_cast<int64_t>(n), &comp));
      if (n == (size_t{1} << 20) && codec != CompressionCodec::UNCOMPRESSED) {
        EXPECT_LT(comp.size(), n) << Name(codec);
      }
      std::string back;
      ASSERT_OK(DecompressChecked(codec, comp, static_cast<int64_t>(n), &back));
      ASSERT_EQ(back, data) << Name(codec) << " size " << n;
    }
  }
}

TEST(Codec, Levels) {
  std::string data = TestData(20000, 7);
  struct Case {
    CompressionCodec codec;
    int level;
  };
  for (Case c : {Case{CompressionCodec::ZSTD, 1}, Case{CompressionCodec::ZSTD, 19}, Case{CompressionCodec::ZSTD, -5},
                 Case{CompressionCodec::GZIP, 1}, Case{CompressionCodec::GZIP, 9}, Case{CompressionCodec::BROTLI, 0},
                 Case{CompressionCodec::BROTLI, 11}}) {
    std::string comp;
    ASSERT_OK(Compress(c.codec, U8(data), static_cast<int64_t>(data.size()), &comp, c.level));
    std::string back;
    ASSERT_OK(DecompressChecked(c.codec, comp, static_cast<int64_t>(data.size()), &back));
    EXPECT_EQ(back, data) << Name(c.codec) << " level " << c.level;
  }
  std::string comp;
  ASSERT_RAISES(InvalidArgument, Compress(CompressionCodec::ZSTD, U8(data), 10, &comp, 99));
  ASSERT_RAISES(InvalidArgument, Compress(CompressionCodec::GZIP, U8(data), 10, &comp, 12));
  ASSERT_RAISES(InvalidArgument, Compress(CompressionCodec::BROTLI, U8(data), 10, &comp, 12));
}

TEST(Codec, WrongDeclaredSize) {
  std::string data = TestData(5000);
  for (CompressionCodec codec : kCodecs) {
    std::string comp;
    ASSERT_OK(Compress(codec, U8(data), static_cast<int64_t>(data.size()), &comp));
    std::string back;
    Status smaller = DecompressChecked(codec, comp, static_cast<int64_t>(data.size()) - 1, &back);
    ASSERT_TRUE(smaller.IsCorruptData()) << Name(codec) << ": " << smaller.ToString();
    Status larger = DecompressChecked(codec, comp, static_cast<int64_t>(data.size()) + 1, &back);
    ASSERT_TRUE(larger.IsCorruptData()) << Name(codec) << ": " << larger.ToString();
  }
}

TEST(Codec, TruncatedInputFailsCleanly) {
  std::string data = TestData(3000, 3);
  for (CompressionCodec codec : kCodecs) {
    if (codec == CompressionCodec::UNCOMPRESSED) continue;
    std::string comp;
    ASSERT_OK(Compress(codec, U8(data), static_cast<int64_t>(data.size()), &comp));
    for (size_t n = 0; n < comp.size(); ++n) {
      std::string prefix = comp.substr(0, n);
      std::string back;
      Status st = DecompressChecked(codec, prefix, static_cast<int64_t>(data.size()), &back);
      ASSERT_TRUE(st.IsCorruptData()) << Name(codec) << " prefix " << n << ": " << st.ToString();
    }
  }
}

TEST(Codec, GarbageInputFailsCleanly) {
  std::mt19937 rng(9);
  for (CompressionCodec codec : kCodecs) {
    if (codec == CompressionCodec::UNCOMPRESSED) continue;
    for (int trial = 0; trial < 200; ++trial) {
      std::string junk(1 + rng() % 200, '\0');
      for (char& c : junk) c = static_cast<char>(rng());
      std::string back;
      Status st = DecompressChecked(codec, junk, 1 + rng() % 1000, &back);
      // Any outcome is fine as long as nothing crashed or wrote past the buffer.
      ASSERT_NE(st.code(), StatusCode::kInternal) << st.ToString();
    }
  }
}

constexpr int64_t kBombSize = int64_t{100} << 20;  // 100 MiB of zeros
constexpr int64_t kBombDst = 1 << 20;              // the page claims 1 MiB

std::string ZstdBomb(bool with_content_size) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, with_content_size ? 1 : 0);
  if (with_content_size) ZSTD_CCtx_setPledgedSrcSize(cctx, kBombSize);
  std::string zeros(1 << 20, '\0');
  std::string out(1 << 20, '\0');
  std::string result;
  for (int64_t done = 0; done < kBombSize; done += static_cast<int64_t>(zeros.size())) {
    bool last = done + static_cast<int64_t>(zeros.size()) >= kBombSize;
    ZSTD_inBuffer in{zeros.data(), zeros.size(), 0};
    size_t rc;
    do {
      ZSTD_outBuffer o{out.data(), out.size(), 0};
      rc = ZSTD_compressStream2(cctx, &o, &in, last ? ZSTD_e_end : ZSTD_e_continue);
      EXPECT_FALSE(ZSTD_isError(rc));
      result.append(out.data(), o.pos);
    } while (in.pos < in.size || (last && rc != 0));
  }
  ZSTD_freeCCtx(cctx);
  return result;
}

std::string GzipBomb() {
  z_stream s;
  std::memset(&s, 0, sizeof(s));
  deflateInit2(&s, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string zeros(1 << 20, '\0');
  std::string out(1 << 20, '\0');
  std::string result;
  for (int64_t done = 0; done < kBombSize; done += static_cast<int64_t>(zeros.size())) {
    bool last = done + static_cast<int64_t>(zeros.size()) >= kBombSize;
    s.next_in = reinterpret_cast<Bytef*>(zeros.data());
    s.avail_in = static_cast<uInt>(zeros.size());
    do {
      s.next_out = reinterpret_cast<Bytef*>(out.data());
      s.avail_out = static_cast<uInt>(out.size());
      deflate(&s, last ? Z_FINISH : Z_NO_FLUSH);
      result.append(out.data(), out.size() - s.avail_out);
    } while (s.avail_in > 0 || (last && s.avail_out == 0));
  }
  deflateEnd(&s);
  return result;
}

void ExpectBombRejected(CompressionCodec codec, const std::string& bomb) {
  ASSERT_LT(bomb.size(), size_t{1} << 20) << "bomb should be tiny";
  std::vector<uint8_t> dst(kBombDst);
  auto start = std::chrono::steady_clock::now();
  Status st = Decompress(codec, U8(bomb), static_cast<int64_t>(bomb.size()), dst.data(), kBombDst);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(st.IsCorruptData()) << Name(codec) << ": " << st.ToString();
  EXPECT_NE(st.message().find("exceeds the declared page size"), std::string::npos) << st.message();
  EXPECT_LT(secs, 0.5) << Name(codec) << " took too long to reject a bomb";
}

TEST(Codec, ZstdBombWithContentSize) { ExpectBombRejected(CompressionCodec::ZSTD, ZstdBomb(true)); }
TEST(Codec, ZstdBombWithoutContentSize) { ExpectBombRejected(CompressionCodec::ZSTD, ZstdBomb(false)); }
TEST(Codec, GzipBomb) { ExpectBombRejected(CompressionCodec::GZIP, GzipBomb()); }

TEST(Codec, SnappyAndLz4AndBrotliBombs) {
  // Snappy: the length preamble says 100 MiB.
  std::string zeros(8 << 20, '\0');
  std::string comp;
  ASSERT_OK(Compress(CompressionCodec::SNAPPY, U8(zeros), static_cast<int64_t>(zeros.size()), &comp));
  ExpectBombRejected(CompressionCodec::SNAPPY, comp);
  ASSERT_OK(Compress(CompressionCodec::LZ4_RAW, U8(zeros), static_cast<int64_t>(zeros.size()), &comp));
  std::vector<uint8_t> dst(kBombDst);
  Status st = Decompress(CompressionCodec::LZ4_RAW, U8(comp), static_cast<int64_t>(comp.size()), dst.data(), kBombDst);
  ASSERT_TRUE(st.IsCorruptData()) << st.ToString();
  ASSERT_OK(Compress(CompressionCodec::LZ4, U8(zeros), static_cast<int64_t>(zeros.size()), &comp));
  st = Decompress(CompressionCodec::LZ4, U8(comp), static_cast<int64_t>(comp.size()), dst.data(), kBombDst);
  ASSERT_TRUE(st.IsCorruptData()) << st.ToString();
  ASSERT_OK(Compress(CompressionCodec::BROTLI, U8(zeros), static_cast<int64_t>(zeros.size()), &comp, 1));
  ExpectBombRejected(CompressionCodec::BROTLI, comp);
}

std::string BE32(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
                     static_cast<char>(v)};
}
std::string RawBlock(const std::string& data) {
  std::string out(static_cast<size_t>(LZ4_compressBound(static_cast<int>(data.size()))), '\0');
  int n = LZ4_compress_default(data.data(), out.data(), static_cast<int>(data.size()), static_cast<int>(out.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

TEST(Codec, Lz4HadoopFraming) {
  std::string data = TestData(300000, 11);
  // Single chunk / single block, as our compressor writes it.
  std::string single;
  ASSERT_OK(Compress(CompressionCodec::LZ4, U8(data), static_cast<int64_t>(data.size()), &single));
  EXPECT_EQ(single.substr(0, 4), BE32(static_cast<uint32_t>(data.size())));
  std::string back;
  ASSERT_OK(DecompressChecked(CompressionCodec::LZ4, single, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);

  // Several chunks, each [uncompressed][compressed][block].
  std::string multi;
  for (size_t off = 0; off < data.size(); off += 70000) {
    std::string part = data.substr(off, 70000);
    std::string block = RawBlock(part);
    multi += BE32(static_cast<uint32_t>(part.size())) + BE32(static_cast<uint32_t>(block.size())) + block;
  }
  ASSERT_OK(DecompressChecked(CompressionCodec::LZ4, multi, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);

  // One chunk made of several compressed sub-blocks (Hadoop's BlockCompressorStream).
  std::string sub = BE32(static_cast<uint32_t>(data.size()));
  for (size_t off = 0; off < data.size(); off += 100000) {
    std::string block = RawBlock(data.substr(off, 100000));
    sub += BE32(static_cast<uint32_t>(block.size())) + block;
  }
  ASSERT_OK(DecompressChecked(CompressionCodec::LZ4, sub, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);

  // Fallback 1: the LZ4 frame format.
  std::string frame(LZ4F_compressFrameBound(data.size(), nullptr), '\0');
  size_t fn = LZ4F_compressFrame(frame.data(), frame.size(), data.data(), data.size(), nullptr);
  ASSERT_FALSE(LZ4F_isError(fn));
  frame.resize(fn);
  ASSERT_OK(DecompressChecked(CompressionCodec::LZ4, frame, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);
  // A frame that is larger than declared is a bomb, not a fallback to raw.
  Status st = DecompressChecked(CompressionCodec::LZ4, frame, static_cast<int64_t>(data.size()) - 10, &back);
  ASSERT_TRUE(st.IsCorruptData()) << st.ToString();

  // Fallback 2: a bare block.
  std::string raw = RawBlock(data);
  ASSERT_OK(DecompressChecked(CompressionCodec::LZ4, raw, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);

  // Hadoop framing whose sizes do not add up is rejected.
  std::string bad = multi;
  bad[3] = static_cast<char>(bad[3] + 1);
  ASSERT_RAISES(CorruptData, DecompressChecked(CompressionCodec::LZ4, bad, static_cast<int64_t>(data.size()), &back));
}

TEST(Codec, GzipAcceptsZlibAndMultipleMembers) {
  std::string data = TestData(10000, 5);
  std::string z(compressBound(static_cast<uLong>(data.size())), '\0');
  uLongf zn = static_cast<uLongf>(z.size());
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(z.data()), &zn, U8(data), static_cast<uLong>(data.size()), 6), Z_OK);
  z.resize(zn);
  std::string back;
  ASSERT_OK(DecompressChecked(CompressionCodec::GZIP, z, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);

  std::string a, b;
  ASSERT_OK(Compress(CompressionCodec::GZIP, U8(data), 4000, &a));
  ASSERT_OK(Compress(CompressionCodec::GZIP, U8(data) + 4000, 6000, &b));
  EXPECT_EQ(static_cast<uint8_t>(a[0]), 0x1F);  // gzip magic
  EXPECT_EQ(static_cast<uint8_t>(a[1]), 0x8B);
  ASSERT_OK(DecompressChecked(CompressionCodec::GZIP, a + b, static_cast<int64_t>(data.size()), &back));
  EXPECT_EQ(back, data);
}

TEST(Codec, EmptyPages) {
  for (CompressionCodec codec : kCodecs) {
    std::string empty;
    std::string back;
    ASSERT_OK(DecompressChecked(codec, empty, 0, &back));
    if (codec != CompressionCodec::UNCOMPRESSED) {
      ASSERT_RAISES(CorruptData, DecompressChecked(codec, empty, 10, &back));
    }
  }
}

TEST(Codec, UnsupportedCodecs) {
  uint8_t buf[4] = {1, 2, 3, 4};
  uint8_t out[4];
  ASSERT_RAISES(Unsupported, Decompress(CompressionCodec::LZO, buf, 4, out, 4));
  ASSERT_RAISES(Unsupported, Decompress(static_cast<CompressionCodec>(77), buf, 4, out, 4));
  std::string comp;
  ASSERT_RAISES(Unsupported, Compress(CompressionCodec::LZO, buf, 4, &comp));
  EXPECT_FALSE(IsCodecSupported(CompressionCodec::LZO));
  ASSERT_RAISES(CorruptData, Decompress(CompressionCodec::UNCOMPRESSED, buf, 4, out, 3));
}

TEST(Codec, ParseCompression) {
  CompressionCodec c;
  int level = 0;
  ASSERT_OK(ParseCompression("ZSTD:3", &c, &level));
  EXPECT_EQ(c, CompressionCodec::ZSTD);
  EXPECT_EQ(level, 3);
  ASSERT_OK(ParseCompression("zstd", &c, &level));
  EXPECT_EQ(level, kDefaultCompressionLevel);
  ASSERT_OK(ParseCompression("Snappy", &c, &level));
  EXPECT_EQ(c, CompressionCodec::SNAPPY);
  ASSERT_OK(ParseCompression("gzip:9", &c, &level));
  EXPECT_EQ(c, CompressionCodec::GZIP);
  EXPECT_EQ(level, 9);
  ASSERT_OK(ParseCompression("lz4_raw", &c, &level));
  EXPECT_EQ(c, CompressionCodec::LZ4_RAW);
  ASSERT_OK(ParseCompression("lz4_hadoop", &c, &level));
  EXPECT_EQ(c, CompressionCodec::LZ4);
  ASSERT_OK(ParseCompression("brotli:11", &c, &level));
  EXPECT_EQ(c, CompressionCodec::BROTLI);
  ASSERT_OK(ParseCompression("none", &c, &level));
  EXPECT_EQ(c, CompressionCodec::UNCOMPRESSED);
  ASSERT_OK(ParseCompression("uncompressed", &c, &level));
  ASSERT_RAISES(InvalidArgument, ParseCompression("zstd:abc", &c, &level));
  ASSERT_RAISES(InvalidArgument, ParseCompression("zstd:", &c, &level));
  ASSERT_RAISES(InvalidArgument, ParseCompression("zstd:99", &c, &level));
  ASSERT_RAISES(InvalidArgument, ParseCompression("snappy:1", &c, &level));
  ASSERT_RAISES(InvalidArgument, ParseCompression("bzip2", &c, &level));
  ASSERT_RAISES(Unsupported, ParseCompression("lzo", &c, &level));
}

}  // namespace
}  // namespace delta::parquet

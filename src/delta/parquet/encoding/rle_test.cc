// Tests of the RLE/bit-packing hybrid and the deprecated BIT_PACKED level encoding.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "delta/parquet/encoding/encoding.h"
#include "support/matchers.h"

namespace delta::parquet {
namespace {

const uint8_t* U8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

std::vector<uint32_t> DecodeAll(const std::string& bytes, int width, int64_t n, int64_t batch) {
  RleBitPackedDecoder dec;
  dec.Reset(U8(bytes), static_cast<int64_t>(bytes.size()), width);
  std::vector<uint32_t> out(static_cast<size_t>(n));
  int64_t done = 0;
  while (done < n) {
    auto r = dec.GetBatch(out.data() + done, std::min(batch, n - done));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || *r == 0) break;
    done += *r;
  }
  out.resize(static_cast<size_t>(done));
  return out;
}

std::string Encode(const std::vector<uint32_t>& values, int width) {
  RleBitPackedEncoder enc(width);
  enc.PutBatch(values.data(), static_cast<int64_t>(values.size()));
  return enc.Finish();
}

TEST(RleBitPacked, SpecBitPackedExample) {
  // Encodings.md: 0..7 with bit width 3 packs to 10001000 11000110 11111010.
  const std::string bytes("\x03\x88\xC6\xFA", 4);
  EXPECT_EQ(DecodeAll(bytes, 3, 8, 8), (std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3), bytes);
}

TEST(RleBitPacked, RleRun) {
  // 10 fives at width 3: header 10 << 1 = 0x14, value in one byte.
  const std::string bytes("\x14\x05", 2);
  EXPECT_EQ(DecodeAll(bytes, 3, 10, 3), std::vector<uint32_t>(10, 5));
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 5), 3), bytes);
  // width 9 -> 2-byte value, width 17 -> 3 bytes, width 32 -> 4 bytes.
  EXPECT_EQ(Encode(std::vector<uint32_t>(9, 300), 9), std::string("\x12\x2c\x01", 3));
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0xdeadbeef), 32), std::string("\x10\xef\xbe\xad\xde", 5));
  EXPECT_EQ(DecodeAll(std::string("\x10\xef\xbe\xad\xde", 5), 32, 8, 8), std::vector<uint32_t>(8, 0xdeadbeef));
}

TEST(RleBitPacked, MixedRunsExact) {
  // 3 literals (padded group) then a run: a bit-packed group of 8 covers 1,2,3 and the first five
  // 7s; the remaining 7s (fewer than 8) are bit-packed too.
  std::vector<uint32_t> v = {1, 2, 3};
  for (int i = 0; i < 20; ++i) v.push_back(7);
  const std::string enc = Encode(v, 3);
  EXPECT_EQ(DecodeAll(enc, 3, static_cast<int64_t>(v.size()), 1000), v);
  // Starts with a literal run header of one group.
  EXPECT_EQ(static_cast<uint8_t>(enc[0]), 0x03);
  // ...followed by an RLE run of the 15 remaining 7s.
  EXPECT_EQ(static_cast<uint8_t>(enc[4]), 15 << 1);
  EXPECT_EQ(static_cast<uint8_t>(enc[5]), 7);
  EXPECT_EQ(enc.size(), 6u);
}

TEST(RleBitPacked, RoundTripEveryWidth) {
  std::mt19937_64 rng(42);
  for (int width = 0; width <= 32; ++width) {
    const uint64_t max = width == 32 ? 0xffffffffull : (1ull << width) - 1;
    for (int64_t n : {0, 1, 7, 8, 9, 31, 32, 33, 128, 1000, 4099}) {
      std::vector<uint32_t> v(static_cast<size_t>(n));
      for (auto& x : v) {
        // Mix random values with repeats so both run kinds occur.
        x = (rng() % 4 == 0) ? static_cast<uint32_t>(max) : static_cast<uint32_t>(rng() & max);
      }
      for (size_t i = 100; i + 40 < v.size(); i += 300) std::fill(v.begin() + i, v.begin() + i + 40, static_cast<uint32_t>(max / 2));
      const std::string enc = Encode(v, width);
      for (int64_t batch : {1, 5, 8, 32, 100000}) {
        ASSERT_EQ(DecodeAll(enc, width, n, batch), v) << "width " << width << " n " << n << " batch " << batch;
      }
    }
  }
}

TEST(RleBitPacked, AllEqualAndExtremes) {
  for (int width : {1, 8, 16, 31, 32}) {
    const uint32_t max = width == 32 ? 0xffffffffu : (1u << width) - 1;
    std::vector<uint32_t> v(1000, max);
    const std::string enc = Encode(v, width);
    EXPECT_LE(enc.size(), 8u) << "an all-equal column is one RLE run";
    EXPECT_EQ(DecodeAll(enc, width, 1000, 64), v);
  }
}

TEST(RleBitPacked, Int16AndBoolOutputs) {
  std::vector<uint32_t> v;
  for (int i = 0; i < 300; ++i) v.push_back(i % 3 == 0 ? 1 : 0);
  const std::string enc = Encode(v, 1);
  RleBitPackedDecoder dec;
  dec.Reset(U8(enc), static_cast<int64_t>(enc.size()), 1);
  std::vector<int16_t> levels(300);
  ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetBatch(levels.data(), 300));
  ASSERT_EQ(got, 300);
  for (int i = 0; i < 300; ++i) ASSERT_EQ(levels[i], static_cast<int16_t>(v[i]));
  dec.Reset(U8(enc), static_cast<int64_t>(enc.size()), 1);
  std::vector<uint8_t> bools(300);
  ASSERT_OK_AND_ASSIGN(got, dec.GetBatch(bools.data(), 300));
  ASSERT_EQ(got, 300);
  for (int i = 0; i < 300; ++i) ASSERT_EQ(bools[i], v[i]);
}

TEST(RleBitPacked, DecodesWhatIsThereWhenRunIsTruncated) {
  // Header claims 2 groups (16 values) at width 4 but only 5 bytes (10 values) follow.
  const std::string bytes("\x05\x10\x32\x54\x76\x98", 6);
  RleBitPackedDecoder dec;
  dec.Reset(U8(bytes), 6, 4);
  uint32_t out[16];
  ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetBatch(out, 16));
  ASSERT_EQ(got, 10);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(out[i], static_cast<uint32_t>(i));
  // Short data yields fewer values rather than an error; asking again yields 0.
  ASSERT_OK_AND_ASSIGN(got, dec.GetBatch(out, 16));
  EXPECT_EQ(got, 0);
}

TEST(RleBitPacked, HostileInput) {
  RleBitPackedDecoder dec;
  uint32_t out[64];
  const std::string ok("\x03\x88\xC6\xFA", 4);
  dec.Reset(U8(ok), 4, 33);
  ASSERT_RAISES(CorruptData, dec.GetBatch(out, 8));
  dec.Reset(U8(ok), 4, -1);
  ASSERT_RAISES(CorruptData, dec.GetBatch(out, 8));
  // Truncated varint header.
  const std::string trunc_header("\x80", 1);
  dec.Reset(U8(trunc_header), 1, 3);
  ASSERT_RAISES(CorruptData, dec.GetBatch(out, 8));
  // Overlong varint header (11 continuation bytes).
  const std::string overlong(11, '\xff');
  dec.Reset(U8(overlong), 11, 3);
  ASSERT_RAISES(CorruptData, dec.GetBatch(out, 8));
  // RLE run whose value is missing (width 16 needs 2 bytes).
  const std::string no_value("\x10\x01", 2);
  dec.Reset(U8(no_value), 2, 16);
  ASSERT_RAISES(CorruptData, dec.GetBatch(out, 8));
  // RLE value wider than the bit width.
  const std::string too_wide("\x10\x09", 2);
  dec.Reset(U8(too_wide), 2, 3);
  ASSERT_RAISES(CorruptData, dec.GetBatch(out, 8));
  // Huge run counts are fine (no allocation), limited by n.
  const std::string huge("\xfe\xff\xff\xff\x0f\x01", 6);
  dec.Reset(U8(huge), 6, 1);
  ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetBatch(out, 64));
  EXPECT_EQ(got, 64);
  EXPECT_EQ(out[63], 1u);
  // Every truncation of a valid stream: never crashes, decoded prefix is correct.
  std::mt19937 rng(7);
  std::vector<uint32_t> v(500);
  for (auto& x : v) x = rng() % 2 ? rng() % 1024 : 5;
  const std::string enc = Encode(v, 10);
  for (size_t len = 0; len <= enc.size(); ++len) {
    dec.Reset(U8(enc), static_cast<int64_t>(len), 10);
    std::vector<uint32_t> got_v(500);
    auto r = dec.GetBatch(got_v.data(), 500);
    if (!r.ok()) {
      EXPECT_TRUE(r.status().IsCorruptData());
      continue;
    }
    for (int64_t i = 0; i < *r; ++i) ASSERT_EQ(got_v[i], v[i]) << "len " << len;
  }
}

TEST(RleBitPacked, GetIndicesBoundCheck) {
  const std::string enc = Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3);
  RleBitPackedDecoder dec;
  uint32_t out[8];
  dec.Reset(U8(enc), static_cast<int64_t>(enc.size()), 3);
  ASSERT_OK_AND_ASSIGN(int64_t got, dec.GetIndices(out, 8, 8));
  EXPECT_EQ(got, 8);
  dec.Reset(U8(enc), static_cast<int64_t>(enc.size()), 3);
  auto r = dec.GetIndices(out, 8, 7);
  ASSERT_RAISES(CorruptData, r);
  EXPECT_NE(r.status().message().find("index 7"), std::string::npos) << r.status().ToString();
}

TEST(BitPackedLevels, SpecExample) {
  // Encodings.md: 0..7 with bit width 3, MSB first: 00000101 00111001 01110111.
  const uint8_t bytes[] = {0x05, 0x39, 0x77};
  int16_t out[8];
  ASSERT_OK(DecodeBitPackedLevels(bytes, 3, 3, 8, out));
  for (int i = 0; i < 8; ++i) EXPECT_EQ(out[i], i);
  ASSERT_RAISES(CorruptData, DecodeBitPackedLevels(bytes, 3, 3, 9, out));
  ASSERT_RAISES(CorruptData, DecodeBitPackedLevels(bytes, 3, 17, 1, out));
  ASSERT_OK(DecodeBitPackedLevels(bytes, 0, 0, 8, out));
  EXPECT_EQ(out[7], 0);
}

TEST(BitPackedLevels, Width2) {
  // Spec: 30 values of 2 bits fit in 8 bytes.
  uint8_t bytes[8];
  std::vector<int16_t> v(30);
  for (int i = 0; i < 30; ++i) v[i] = static_cast<int16_t>(i % 4);
  std::memset(bytes, 0, 8);
  for (int i = 0; i < 30; ++i) {
    for (int b = 0; b < 2; ++b) {
      const int bit = i * 2 + b;
      if ((v[i] >> (1 - b)) & 1) bytes[bit / 8] |= static_cast<uint8_t>(0x80 >> (bit % 8));
    }
  }
  int16_t out[30];
  ASSERT_OK(DecodeBitPackedLevels(bytes, 8, 2, 30, out));
  for (int i = 0; i < 30; ++i) EXPECT_EQ(out[i], v[i]);
}

}  // namespace
}  // namespace delta::parquet

#include "delta/util/bit_util.h"

#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace delta::bit_util {
namespace {

TEST(BitUtilTest, GetSetClear) {
  uint8_t bits[2] = {0, 0};
  SetBit(bits, 0);
  SetBit(bits, 9);
  EXPECT_EQ(bits[0], 0x01);
  EXPECT_EQ(bits[1], 0x02);  // LSB order
  EXPECT_TRUE(GetBit(bits, 9));
  EXPECT_FALSE(GetBit(bits, 8));
  ClearBit(bits, 0);
  EXPECT_EQ(bits[0], 0);
  SetBitTo(bits, 7, true);
  EXPECT_EQ(bits[0], 0x80);
  SetBitTo(bits, 7, false);
  EXPECT_EQ(bits[0], 0);
  EXPECT_EQ(BytesForBits(0), 0);
  EXPECT_EQ(BytesForBits(1), 1);
  EXPECT_EQ(BytesForBits(8), 1);
  EXPECT_EQ(BytesForBits(9), 2);
  EXPECT_EQ(RoundUp(65, 64), 128);
  EXPECT_EQ(RoundUp(64, 64), 64);
}

TEST(BitUtilTest, CountSetBitsMatchesNaive) {
  std::mt19937 rng(42);
  std::vector<uint8_t> bits(64);
  for (auto& b : bits) b = static_cast<uint8_t>(rng());
  for (int64_t off : {0, 1, 7, 8, 63, 64, 100}) {
    for (int64_t len : {0, 1, 5, 64, 65, 200, 400}) {
      if (off + len > 512) continue;
      int64_t naive = 0;
      for (int64_t i = 0; i < len; ++i) naive += GetBit(bits.data(), off + i);
      EXPECT_EQ(CountSetBits(bits.data(), off, len), naive) << off << "+" << len;
    }
  }
}

TEST(BitUtilTest, CopyBitsAlignedAndUnaligned) {
  std::mt19937 rng(7);
  std::vector<uint8_t> src(32);
  for (auto& b : src) b = static_cast<uint8_t>(rng());
  for (int64_t so : {0, 3, 8}) {
    for (int64_t dof : {0, 5, 16}) {
      for (int64_t len : {0, 1, 13, 64, 150}) {
        std::vector<uint8_t> dst(32, 0xAA);
        CopyBits(src.data(), so, len, dst.data(), dof);
        for (int64_t i = 0; i < len; ++i) {
          ASSERT_EQ(GetBit(dst.data(), dof + i), GetBit(src.data(), so + i)) << so << " " << dof << " " << len;
        }
        // Bits outside the destination range are untouched.
        for (int64_t i = 0; i < dof; ++i) ASSERT_EQ(GetBit(dst.data(), i), (0xAA >> (i & 7)) & 1);
        for (int64_t i = dof + len; i < 256; ++i) ASSERT_EQ(GetBit(dst.data(), i), (0xAA >> (i & 7)) & 1);
      }
    }
  }
}

TEST(BitUtilTest, LittleEndianLoadStore) {
  uint8_t buf[8];
  StoreLE<uint32_t>(buf, 0x11223344u);
  EXPECT_EQ(buf[0], 0x44);
  EXPECT_EQ(buf[3], 0x11);
  EXPECT_EQ(LoadLE<uint32_t>(buf), 0x11223344u);
  StoreLE<int64_t>(buf, -2);
  EXPECT_EQ(LoadLE<int64_t>(buf), -2);
  EXPECT_EQ(buf[0], 0xFE);
}

}  // namespace
}  // namespace delta::bit_util

#include "delta/util/decimal_text.h"

#include <gtest/gtest.h>

namespace delta::util {
namespace {

TEST(DecimalTextTest, ScalesSignsAndExtremes) {
  EXPECT_EQ(DecimalText(0, 0), "0");
  EXPECT_EQ(DecimalText(0, 3), "0.000");
  EXPECT_EQ(DecimalText(7, 0), "7");
  EXPECT_EQ(DecimalText(12345, 3), "12.345");
  EXPECT_EQ(DecimalText(-12345, 3), "-12.345");
  EXPECT_EQ(DecimalText(1, 3), "0.001");
  EXPECT_EQ(DecimalText(-1, 3), "-0.001");
  EXPECT_EQ(DecimalText(100, 2), "1.00");
  EXPECT_EQ(DecimalText(12, -3), "12000");
  EXPECT_EQ(DecimalText(0, -3), "0");
  // 38 nines, Delta's largest precision.
  __int128 nines = 0;
  for (int i = 0; i < 38; ++i) nines = nines * 10 + 9;
  EXPECT_EQ(DecimalText(nines, 38), "0." + std::string(38, '9'));
  EXPECT_EQ(DecimalText(-nines, 0), "-" + std::string(38, '9'));
  const __int128 min = static_cast<__int128>(static_cast<unsigned __int128>(1) << 127);
  EXPECT_EQ(DecimalText(min, 0), "-170141183460469231731687303715884105728");
  std::string s = "x=";
  AppendDecimalText(&s, 5, 1);
  EXPECT_EQ(s, "x=0.5");
}

}  // namespace
}  // namespace delta::util

#include "row_format.h"

#include <gtest/gtest.h>

namespace delta::cli {
namespace {

TEST(RowFormat, Decimal) {
  EXPECT_EQ(FormatDecimal(-123400, 4), "-12.3400");
  EXPECT_EQ(FormatDecimal(4, 5), "0.00004");
  EXPECT_EQ(FormatDecimal(-50, 2), "-0.50");
  EXPECT_EQ(FormatDecimal(1000000, 0), "1000000");
  EXPECT_EQ(FormatDecimal(0, 3), "0.000");
  __int128 big = static_cast<__int128>(1) << 126;
  EXPECT_EQ(FormatDecimal(-big, 0), "-85070591730234615865843651857942052864");
  __int128 min128 = -(static_cast<__int128>(1) << 126) * 2;
  EXPECT_EQ(FormatDecimal(min128, 38), "-1.70141183460469231731687303715884105728");
}

TEST(RowFormat, Dates) {
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(-1), "1969-12-31");
  EXPECT_EQ(FormatDate(18878), "2021-09-08");
  EXPECT_EQ(FormatDate(-719162), "0001-01-01");
  EXPECT_EQ(FormatDate(2932896), "9999-12-31");
  EXPECT_EQ(FormatDate(11016), "2000-02-29");
}

TEST(RowFormat, Timestamps) {
  EXPECT_EQ(FormatTimestampMicros(-1, true), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestampMicros(0, false), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(FormatTimestampMicros(1637202600123456LL, false), "2021-11-18T02:30:00.123456");
}

}  // namespace
}  // namespace delta::cli

#include "delta/util/civil_time.h"

#include <gtest/gtest.h>

namespace delta::util {
namespace {

TEST(CivilTimeTest, FloorDivRoundsDown) {
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(-8, 2), -4);
  EXPECT_EQ(FloorDiv(-1, 86400), -1);
}

TEST(CivilTimeTest, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 2, 29), 11016);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
  EXPECT_EQ(FormatDate(0), "1970-01-01");
  EXPECT_EQ(FormatDate(18878), "2021-09-08");
  EXPECT_EQ(FormatDate(DaysFromCivil(-44, 3, 15)), "-0044-03-15");
}

TEST(CivilTimeTest, RoundTripsEveryDayOverWideRange) {
  for (int64_t days = -1000000; days <= 1000000; days += 7) {
    int64_t y;
    unsigned m, d;
    CivilFromDays(days, &y, &m, &d);
    ASSERT_GE(m, 1u);
    ASSERT_LE(m, 12u);
    ASSERT_GE(d, 1u);
    ASSERT_LE(d, DaysInMonth(y, m));
    ASSERT_EQ(DaysFromCivil(y, m, d), days);
  }
}

TEST(CivilTimeTest, LeapYears) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_TRUE(IsLeapYear(2024));
  EXPECT_EQ(DaysInMonth(2023, 2), 28u);
  EXPECT_EQ(DaysInMonth(2024, 2), 29u);
}

}  // namespace
}  // namespace delta::util

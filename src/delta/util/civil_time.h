// Proleptic Gregorian calendar arithmetic on day counts since 1970-01-01 (UTC), shared by every
// module that turns dates and timestamps into text or back.
// Thread-safety: stateless functions, safe to call from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace delta::util {

/// Division rounding toward minus infinity (b != 0), so that negative timestamps split into a
/// day before the epoch and a non-negative time of day.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

/// Days since 1970-01-01 of a civil date (month 1..12, day 1..31; not validated).
/// Counts in eras of 400 years (146097 days) starting on 0000-03-01, so leap days fall at the
/// end of each shifted year; 64-bit intermediates keep every int32 day count exact.
constexpr int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                                    // [0, 399]
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + int64_t{day} - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                            // [0, 146096]
  return era * 146097 + doe - 719468;
}

/// The civil date of a day count since 1970-01-01 (inverse of DaysFromCivil).
constexpr void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const unsigned m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  *day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  *month = m;
  *year = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

constexpr bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

/// Days in `month` (1..12) of `year`.
constexpr unsigned DaysInMonth(int64_t year, unsigned month) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

/// "YYYY-MM-DD" of a day count; years before 0 are written "-YYYY-MM-DD".
std::string FormatDate(int64_t days);
/// Appends FormatDate(days) to *out.
void AppendDate(int64_t days, std::string* out);

}  // namespace delta::util

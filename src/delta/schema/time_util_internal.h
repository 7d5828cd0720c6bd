// Internal calendar helpers of the schema module (proleptic Gregorian, UTC).
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>

#include "delta/columnar/type.h"

namespace delta::schema::internal {

/// Days since 1970-01-01 of a civil date (month 1..12, day 1..31).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
/// The civil date of a day count.
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);
/// Division rounding toward minus infinity (b > 0).
int64_t FloorDiv(int64_t a, int64_t b);
int64_t UnitsPerSecond(columnar::TimeUnit unit);
/// "YYYY-MM-DD" (negative years with a leading '-').
std::string FormatDate(int64_t days);
/// "YYYY-MM-DD HH:MM:SS.ffffff".
std::string FormatTimestampMicros(int64_t micros);

}  // namespace delta::schema::internal

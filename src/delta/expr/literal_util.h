// Text-to-value helpers shared by the predicate parser, the binder and the statistics parser:
// dates, timestamps, exact decimals, and comparison of Scalars.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "delta/columnar/scalar.h"

namespace delta::expr {

/// "YYYY-MM-DD" (1 to 4+ digit year, month/day 1 or 2 digits) -> days since the epoch.
bool ParseDateText(std::string_view text, int64_t* days);

/// "YYYY-MM-DD", "YYYY-MM-DD[ T]HH:MM[:SS[.fraction]]" optionally followed by "Z" or a
/// +HH:MM / -HH:MM / +HHMM offset -> microseconds since the epoch (UTC when a zone is given,
/// otherwise the wall clock taken as UTC). Fractions of more than 6 digits are accepted only when
/// the extra digits are zeros. *has_zone says whether a zone was given.
bool ParseTimestampText(std::string_view text, int64_t* micros, bool* has_zone = nullptr);

/// An exact decimal number: [+-]digits[.digits][(e|E)[+-]digits] -> unscaled value and scale
/// (always >= 0: a positive exponent is multiplied out). False when the value needs more than
/// 38 digits or the text is not a number.
bool ParseDecimalText(std::string_view text, __int128* unscaled, int32_t* scale);

/// Number of decimal digits of |v| (1 for 0).
int32_t DecimalDigits(__int128 v);

/// 10^n for 0 <= n <= 38.
__int128 Pow10(int n);

enum class Rounding { kExact, kFloor, kCeil };
/// Rescales an unscaled decimal from one scale to another. kExact fails when digits would be
/// lost; kFloor / kCeil round toward -inf / +inf. nullopt on overflow of 128 bits or failure.
std::optional<__int128> Rescale(__int128 unscaled, int32_t from_scale, int32_t to_scale, Rounding rounding);

/// Three-way comparison of two non-null scalars of comparable types: integers (any width,
/// date, timestamp and time as their integer values), floats (total order: NaN above +inf and
/// equal to itself, as Spark), decimals of any scale, integer vs float, integer vs decimal,
/// strings and binary (bytewise), bools. nullopt when either is null or the types cannot be
/// compared. Timestamps of different units are not reconciled: the caller converts first.
std::optional<int> CompareScalars(const columnar::Scalar& a, const columnar::Scalar& b);

}  // namespace delta::expr

// Exact text of a decimal given as its unscaled 128-bit integer and scale: "-12.345", "0.001",
// "7". The one formatter of the project for decimal values (statistics JSON, partition values,
// literals, the CLI, Python's decimal.Decimal).
#pragma once

#include <cstdint>
#include <string>

namespace delta::util {

/// Appends `unscaled` * 10^-scale. A negative scale (not allowed by Delta or Parquet, accepted
/// for completeness) appends that many zeros.
void AppendDecimalText(std::string* out, __int128 unscaled, int32_t scale);
inline std::string DecimalText(__int128 unscaled, int32_t scale) {
  std::string s;
  AppendDecimalText(&s, unscaled, scale);
  return s;
}

}  // namespace delta::util

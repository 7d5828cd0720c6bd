#include "delta/util/civil_time.h"

#include <iterator>

#include <fmt/format.h>

namespace delta::util {

void AppendDate(int64_t days, std::string* out) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  // Negative years keep four digits after the sign, as Spark prints them.
  if (y < 0) {
    fmt::format_to(std::back_inserter(*out), "-{:04d}-{:02d}-{:02d}", -y, m, d);
  } else {
    fmt::format_to(std::back_inserter(*out), "{:04d}-{:02d}-{:02d}", y, m, d);
  }
}

std::string FormatDate(int64_t days) {
  std::string out;
  AppendDate(days, &out);
  return out;
}

}  // namespace delta::util

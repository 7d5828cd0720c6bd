// Conversions of the columnar time units.
#pragma once

#include <cstdint>

#include "delta/columnar/type.h"

namespace delta::columnar {

/// Ticks per second of `unit`.
constexpr int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return 1;
    case TimeUnit::kMilli: return 1000;
    case TimeUnit::kMicro: return 1000000;
    case TimeUnit::kNano: return 1000000000;
  }
  return 1;
}

}  // namespace delta::columnar

// Internal calendar helpers of the schema module (proleptic Gregorian, UTC).
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <string>

#include "delta/columnar/time_unit.h"
#include "delta/columnar/type.h"
#include "delta/util/civil_time.h"

namespace delta::schema::internal {

// Calendar arithmetic itself lives in delta/util/civil_time.h.
using util::FloorDiv;
using util::FormatDate;

using columnar::UnitsPerSecond;
/// "YYYY-MM-DD HH:MM:SS.ffffff".
std::string FormatTimestampMicros(int64_t micros);

}  // namespace delta::schema::internal

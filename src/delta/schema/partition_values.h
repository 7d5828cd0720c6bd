// Typed partition values (PROTOCOL.md "Partition Value Serialization"): add.partitionValues
// holds strings; these functions turn them into typed Scalars of the partition column's type and
// back.
// Thread-safety: free functions without shared state.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "delta/columnar/scalar.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::schema {

/// Parses the serialised partition value of `column` into a Scalar of `type`:
///  - std::nullopt or "" -> null of `type` (the spec makes "" null for every type, strings too);
///  - boolean: "true" / "false" (any letter case);
///  - byte/short/integer/long: decimal integer, range-checked for the type;
///  - float/double: decimal or exponent notation, "NaN", "Infinity", "-Infinity" (also "inf");
///  - date: "YYYY-MM-DD" (a year of 4+ digits, optionally signed);
///  - timestamp: "YYYY-MM-DD HH:MM:SS[.f...]" read as UTC, or ISO-8601 "YYYY-MM-DDTHH:MM:SS[.f...]"
///    with "Z" or an offset "+HH:MM" / "+HHMM" (converted to UTC); a bare date is midnight;
///    fraction digits beyond the type's unit are truncated;
///  - timestamp_ntz: the same forms without zone or offset (wall clock kept as is);
///  - decimal(p,s): "-12.34", also with an exponent ("1E-7"); scaled exactly to s (extra fraction
///    digits must be zeros) and at most p digits;
///  - string: as is; binary: the bytes of the string (Spark writes binary partition values as the
///    raw bytes interpreted as a string; no hex or base64 decoding is done);
///  - void: null.
/// Errors: InvalidArgument naming the column, the value and the type when the text does not fit;
/// Unsupported for types that cannot be partition columns (nested, unsigned, time).
Result<columnar::Scalar> ParsePartitionValue(std::string_view column, const std::optional<std::string>& value,
                                             const columnar::TypePtr& type);

/// The inverse, for writers: null -> std::nullopt; booleans "true"/"false"; integers in decimal;
/// floats shortest round-trip ("1.5", "1.0", "NaN", "Infinity", "-Infinity"); dates
/// "YYYY-MM-DD"; timestamps (with or without zone) "YYYY-MM-DD HH:MM:SS.ffffff" (UTC for zoned
/// ones); decimals plain with exactly `scale` fraction digits; strings and binary as their bytes
/// (an empty string becomes "", which readers take as null: the format cannot tell them apart).
std::optional<std::string> SerializePartitionValue(const columnar::Scalar& value);

}  // namespace delta::schema

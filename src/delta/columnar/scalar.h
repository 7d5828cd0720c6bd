// Scalar: one typed value (or a typed null) of a columnar DataType. Used for literals in
// expressions, typed partition values and statistics (min/max). Only primitive types are
// representable; nested scalars are not needed by the Delta layers.
// Thread-safety: immutable value type.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::columnar {

/// The payload of a Scalar, chosen by the type:
/// - null type or a null value: std::monostate
/// - bool: bool
/// - int8..int64, uint8..uint32, date32 (days), timestamp (in the type's unit), time32/64: int64_t
/// - uint64: int64_t holding the same bits
/// - float32, float64: double (a float32 scalar holds the exact float value)
/// - decimal128: __int128 unscaled value (scale/precision from the type)
/// - string, binary, large variants, fixed_size_binary: std::string bytes
using ScalarValue = std::variant<std::monostate, bool, int64_t, double, __int128, std::string>;

struct Scalar {
  TypePtr type;
  ScalarValue value;  // monostate <=> null

  bool is_null() const { return std::holds_alternative<std::monostate>(value); }

  static Scalar Null(TypePtr type) { return Scalar{std::move(type), std::monostate{}}; }
  static Scalar Bool(bool v);
  static Scalar Int64(int64_t v);
  static Scalar Int(TypePtr type, int64_t v) { return Scalar{std::move(type), v}; }
  static Scalar Float64(double v);
  static Scalar String(std::string v);
  static Scalar Decimal(int32_t precision, int32_t scale, __int128 unscaled);

  /// Readable form for error messages and debugging: 42, 'abc', 2021-01-02, null.
  std::string ToString() const;
  bool Equals(const Scalar& other) const;
};

/// An array of `length` copies of `scalar` (all null when the scalar is null). InvalidArgument
/// for nested types. The result owns its buffers.
Result<ArrayPtr> MakeArrayFromScalar(const Scalar& scalar, int64_t length);

/// The value at `index` of a primitive array as a Scalar (null when the slot is null).
/// InvalidArgument for nested types or an index out of range.
Result<Scalar> GetScalar(const ArrayData& array, int64_t index);

}  // namespace delta::columnar

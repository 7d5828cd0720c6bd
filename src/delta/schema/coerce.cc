#include "delta/schema/coerce.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/schema/cast_internal.h"
#include "delta/schema/schema_json.h"
#include "delta/schema/time_util_internal.h"
#include "delta/schema/type_widening.h"

namespace delta::schema {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::DataType;
using columnar::Field;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

namespace {

Status CannotRead(const std::string& path, const DataType& from, const DataType& to) {
  return Status::Unsupported(fmt::format("column '{}': cannot read the file's {} as Delta type {}", path,
                                         from.ToString(), DeltaTypeName(to)));
}

std::string Join(const std::string& parent, const std::string& name) { return parent.empty() ? name : parent + "." + name; }

bool IsInteger(TypeId id) { return id >= TypeId::kInt8 && id <= TypeId::kUInt64; }

// Calls fn(T{}) with the C type of an integer type id.
template <typename Fn>
auto WithAnyInt(TypeId id, Fn&& fn) {
  switch (id) {
    case TypeId::kInt8: return fn(int8_t{});
    case TypeId::kInt16: return fn(int16_t{});
    case TypeId::kInt32: return fn(int32_t{});
    case TypeId::kUInt8: return fn(uint8_t{});
    case TypeId::kUInt16: return fn(uint16_t{});
    case TypeId::kUInt32: return fn(uint32_t{});
    case TypeId::kUInt64: return fn(uint64_t{});
    default: return fn(int64_t{});
  }
}

// A shallow copy of `a` labelled with `to` (same layout).
ArrayPtr Relabel(const ArrayData& a, const TypePtr& to) {
  auto out = std::make_shared<ArrayData>(a);
  out->type = to;
  return out;
}

std::optional<int64_t> FileFieldId(const Field& f) {
  auto v = f.GetMetadata(kParquetFieldIdKey);
  if (!v) return std::nullopt;
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), id);
  if (ec != std::errc() || ptr != v->data() + v->size()) return std::nullopt;
  return id;
}

int FindFileChild(const DataType& file_struct, const Field& delta_field, ColumnMappingMode mode) {
  const auto& children = file_struct.children();
  if (mode == ColumnMappingMode::kId) {
    if (auto id = ColumnMappingId(delta_field)) {
      for (size_t i = 0; i < children.size(); ++i) {
        auto fid = FileFieldId(*children[i]);
        if (fid && *fid == *id) return static_cast<int>(i);
      }
    }
  }
  std::string name = delta_field.name;
  if (mode != ColumnMappingMode::kNone) {
    if (auto p = PhysicalName(delta_field)) name = *p;
  }
  for (size_t i = 0; i < children.size(); ++i)
    if (children[i]->name == name) return static_cast<int>(i);
  return -1;
}

Result<ArrayPtr> Coerce(const ArrayPtr& a, const TypePtr& to, const std::string& path, ColumnMappingMode mode);

// Struct with offset 0 whose children are the file children picked by `pick` (index or -1 for
// missing), each coerced to the Delta child type.
template <typename Pick>
Result<ArrayPtr> BuildStruct(const ArrayData& in, const TypePtr& to, const std::string& path, ColumnMappingMode mode,
                             Pick&& pick) {
  DELTA_ASSIGN_OR_RAISE(auto validity, internal::ValidityAtZero(in));
  auto out = std::make_shared<ArrayData>();
  out->type = to;
  out->length = in.length;
  out->null_count = validity ? in.GetNullCountConst() : 0;
  out->buffers = {std::move(validity)};
  out->children.reserve(to->children().size());
  for (size_t i = 0; i < to->children().size(); ++i) {
    const Field& df = *to->children()[i];
    const int j = pick(i, df);
    if (j < 0) {
      DELTA_ASSIGN_OR_RAISE(auto nulls, columnar::MakeArrayOfNulls(df.type, in.length));
      out->children.push_back(std::move(nulls));
      continue;
    }
    const ArrayPtr& child = in.children[static_cast<size_t>(j)];
    ArrayPtr sliced = (in.offset == 0 && child->length == in.length) ? child : child->Slice(in.offset, in.length);
    DELTA_ASSIGN_OR_RAISE(auto c, Coerce(sliced, df.type, Join(path, df.name), mode));
    out->children.push_back(std::move(c));
  }
  return out;
}

Result<ArrayPtr> CoerceTimestamp(const ArrayPtr& a, const TypePtr& to, const std::string& path) {
  const DataType& from = *a->type;
  if (from.unit() == to->unit()) return Relabel(*a, to);
  const int64_t fp = internal::UnitsPerSecond(from.unit()), tp = internal::UnitsPerSecond(to->unit());
  int64_t bad = -1;
  ArrayPtr out;
  if (fp > tp) {
    // Finer file unit (e.g. INT96 nanoseconds): truncate toward minus infinity.
    const int64_t div = fp / tp;
    DELTA_ASSIGN_OR_RAISE(out, (internal::MapFixedChecked<int64_t, int64_t>(
                                   *a, to,
                                   [div](int64_t v, int64_t* o) {
                                     *o = internal::FloorDiv(v, div);
                                     return true;
                                   },
                                   &bad)));
  } else {
    const int64_t mul = tp / fp;
    DELTA_ASSIGN_OR_RAISE(out, (internal::MapFixedChecked<int64_t, int64_t>(
                                   *a, to, [mul](int64_t v, int64_t* o) { return !__builtin_mul_overflow(v, mul, o); },
                                   &bad)));
  }
  if (!out) {
    return Status::CorruptData(fmt::format("column '{}': timestamp value {} at row {} overflows {}", path,
                                           a->values<int64_t>()[bad], bad, to->ToString()));
  }
  return out;
}

Result<ArrayPtr> CoerceInteger(const ArrayPtr& a, const TypePtr& to, const std::string& path) {
  const DataType& from = *a->type;
  // Signed widenings are exact; everything else is converted value by value with a range check.
  if (IsWideningAllowed(from, *to)) return CastForWidening(a, to);
  int64_t bad = -1;
  ArrayPtr out;
  DELTA_RETURN_NOT_OK(WithAnyInt(from.id(), [&](auto in_tag) -> Status {
    using In = decltype(in_tag);
    return WithAnyInt(to->id(), [&](auto out_tag) -> Status {
      using Out = decltype(out_tag);
      DELTA_ASSIGN_OR_RAISE(out, (internal::MapFixedChecked<In, Out>(
                                     *a, to,
                                     [](In v, Out* o) {
                                       const __int128 w = static_cast<__int128>(v);
                                       *o = static_cast<Out>(v);
                                       return w >= static_cast<__int128>(std::numeric_limits<Out>::min()) &&
                                              w <= static_cast<__int128>(std::numeric_limits<Out>::max());
                                     },
                                     &bad)));
      return Status::OK();
    });
  }));
  if (!out) {
    return Status::CorruptData(fmt::format("column '{}': value at row {} of the file's {} does not fit Delta type {}",
                                           path, bad, from.ToString(), DeltaTypeName(*to)));
  }
  return out;
}

Result<ArrayPtr> FixedToBinary(const ArrayData& a, const TypePtr& to) {
  columnar::BinaryBuilder b(to);
  DELTA_RETURN_NOT_OK(b.Reserve(a.length));
  DELTA_RETURN_NOT_OK(b.ReserveData(a.length * a.type->byte_width()));
  for (int64_t i = 0; i < a.length; ++i) {
    if (a.IsNull(i)) {
      DELTA_RETURN_NOT_OK(b.AppendNull());
    } else {
      DELTA_RETURN_NOT_OK(b.Append(a.GetFixed(i)));
    }
  }
  return b.Finish();
}

Result<ArrayPtr> Coerce(const ArrayPtr& a, const TypePtr& to, const std::string& path, ColumnMappingMode mode) {
  const DataType& from = *a->type;
  if (from.Equals(*to)) return a;
  const TypeId f = from.id(), t = to->id();
  // Parquet UNKNOWN columns and Delta void columns carry no values.
  if (f == TypeId::kNull || t == TypeId::kNull) return columnar::MakeArrayOfNulls(to, a->length);
  switch (t) {
    case TypeId::kStruct: {
      if (f != TypeId::kStruct) return CannotRead(path, from, *to);
      return BuildStruct(*a, to, path, mode,
                         [&](size_t, const Field& df) { return FindFileChild(from, df, mode); });
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      if (f != t) return CannotRead(path, from, *to);
      auto out = Relabel(*a, to);
      DELTA_ASSIGN_OR_RAISE(out->children[0], Coerce(a->children[0], to->children()[0]->type, Join(path, "element"), mode));
      return out;
    }
    case TypeId::kMap: {
      if (f != TypeId::kMap || a->children.size() != 1 || a->children[0]->children.size() != 2) {
        return CannotRead(path, from, *to);
      }
      // Keys and values by position (the entries struct's names vary between writers).
      auto out = Relabel(*a, to);
      DELTA_ASSIGN_OR_RAISE(out->children[0],
                            BuildStruct(*a->children[0], to->children()[0]->type, path, mode,
                                        [](size_t i, const Field&) { return static_cast<int>(i); }));
      return out;
    }
    case TypeId::kTimestamp:
      if (f == TypeId::kTimestamp) return CoerceTimestamp(a, to, path);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      if (f == TypeId::kString || f == TypeId::kBinary) return Relabel(*a, to);
      if (f == TypeId::kFixedSizeBinary && t == TypeId::kBinary) return FixedToBinary(*a, to);
      break;
    case TypeId::kDecimal128:
      if (f == TypeId::kDecimal128 && from.scale() == to->scale() && from.precision() > to->precision()) {
        // Same scale, narrower declared precision: the values must fit.
        const __int128 limit = internal::Pow10(to->precision());
        for (int64_t i = 0; i < a->length; ++i) {
          if (a->IsNull(i)) continue;
          const __int128 v = columnar::GetDecimal128(*a, i);
          if (v >= limit || v <= -limit) {
            return Status::CorruptData(fmt::format("column '{}': decimal value at row {} exceeds Delta type {}", path,
                                                   i, DeltaTypeName(*to)));
          }
        }
        return Relabel(*a, to);
      }
      break;
    default:
      if (IsInteger(t) && IsInteger(f)) return CoerceInteger(a, to, path);
      break;
  }
  if (IsWideningAllowed(from, *to)) return CastForWidening(a, to);
  return CannotRead(path, from, *to);
}

}  // namespace

Result<ArrayPtr> CoerceToDeltaType(const ArrayPtr& file_array, const TypePtr& delta_type, const std::string& column,
                                   ColumnMappingMode mode) {
  if (!file_array || !file_array->type || !delta_type) return Status::InvalidArgument("CoerceToDeltaType: null input");
  return Coerce(file_array, delta_type, column, mode);
}

}  // namespace delta::schema

#include "delta/schema/type_widening.h"

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/schema/cast_internal.h"
#include "delta/schema/schema_json.h"
#include "delta/schema/time_util_internal.h"
#include "delta/util/bit_util.h"

namespace delta::schema {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::DataType;
using columnar::TypeId;
using columnar::TypePtr;

namespace internal {

Result<columnar::BufferPtr> ValidityAtZero(const ArrayData& a) {
  if (a.buffers.empty() || !a.buffers[0] || a.GetNullCountConst() == 0) return columnar::BufferPtr();
  if (a.offset == 0) return a.buffers[0];
  DELTA_ASSIGN_OR_RAISE(auto bits, columnar::Buffer::Allocate(bit_util::BytesForBits(a.length), true));
  bit_util::CopyBits(a.buffers[0]->data(), a.offset, a.length, bits->mutable_data(), 0);
  return bits;
}

__int128 Pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

}  // namespace internal

namespace {

// Integer digits a source type can need (for int -> decimal).
int IntegerDigits(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32: return 10;
    case TypeId::kInt64: return 20;
    default: return -1;
  }
}

int IntRank(TypeId id) {
  switch (id) {
    case TypeId::kInt8: return 1;
    case TypeId::kInt16: return 2;
    case TypeId::kInt32: return 3;
    case TypeId::kInt64: return 4;
    default: return 0;
  }
}

// Reads fixed-width integer value i of any signed int type as int64.
template <typename Fn>
auto WithIntType(TypeId id, Fn&& fn) {
  switch (id) {
    case TypeId::kInt8: return fn(int8_t{});
    case TypeId::kInt16: return fn(int16_t{});
    case TypeId::kInt32: return fn(int32_t{});
    default: return fn(int64_t{});
  }
}

Status NotWidening(const DataType& from, const DataType& to) {
  return Status::Unsupported(
      fmt::format("cannot convert {} to {}: not a type widening the Delta protocol allows", DeltaTypeName(from),
                  DeltaTypeName(to)));
}

}  // namespace

bool IsWideningAllowed(const DataType& from, const DataType& to) {
  if (from.Equals(to)) return true;
  const TypeId f = from.id(), t = to.id();
  if (IntRank(f) > 0 && IntRank(t) > 0) return IntRank(f) < IntRank(t);
  if (t == TypeId::kFloat64) return f == TypeId::kFloat32 || (IntRank(f) > 0 && IntRank(f) <= 3);
  if (f == TypeId::kDate32 && t == TypeId::kTimestamp) return to.timezone().empty();
  if (t == TypeId::kDecimal128) {
    if (f == TypeId::kDecimal128) {
      const int k1 = to.precision() - from.precision(), k2 = to.scale() - from.scale();
      return k1 >= k2 && k2 >= 0;
    }
    const int digits = IntegerDigits(f);
    return digits > 0 && to.precision() - to.scale() >= digits;
  }
  if (f != t) return false;
  switch (f) {
    case TypeId::kStruct: {
      const auto& a = from.children();
      const auto& b = to.children();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        if (a[i]->name != b[i]->name || !IsWideningAllowed(*a[i]->type, *b[i]->type)) return false;
      }
      return true;
    }
    case TypeId::kList:
    case TypeId::kLargeList:
      return IsWideningAllowed(*from.children()[0]->type, *to.children()[0]->type);
    case TypeId::kMap: {
      const auto& a = from.children()[0]->type->children();
      const auto& b = to.children()[0]->type->children();
      return a.size() == 2 && b.size() == 2 && IsWideningAllowed(*a[0]->type, *b[0]->type) &&
             IsWideningAllowed(*a[1]->type, *b[1]->type);
    }
    default:
      return false;
  }
}

Result<ArrayPtr> CastForWidening(const ArrayPtr& array, const TypePtr& to) {
  const DataType& from = *array->type;
  if (from.Equals(*to)) return array;
  if (!IsWideningAllowed(from, *to)) return NotWidening(from, *to);
  const ArrayData& in = *array;
  const TypeId f = from.id(), t = to->id();
  if (from.is_nested()) {
    // Same shape: keep this level's buffers, convert the children.
    auto out = std::make_shared<ArrayData>(in);
    out->type = to;
    if (f == TypeId::kStruct) {
      for (size_t i = 0; i < in.children.size(); ++i) {
        DELTA_ASSIGN_OR_RAISE(out->children[i], CastForWidening(in.children[i], to->children()[i]->type));
      }
    } else {
      // list: the element; map: the entries struct (converted field-wise above).
      DELTA_ASSIGN_OR_RAISE(out->children[0], CastForWidening(in.children[0], to->children()[0]->type));
    }
    return out;
  }
  if (IntRank(f) > 0 && IntRank(t) > 0) {
    return WithIntType(f, [&](auto in_tag) -> Result<ArrayPtr> {
      using In = decltype(in_tag);
      return WithIntType(t, [&](auto out_tag) -> Result<ArrayPtr> {
        using Out = decltype(out_tag);
        return internal::MapFixed<In, Out>(in, to, [](In v) { return static_cast<Out>(v); });
      });
    });
  }
  if (t == TypeId::kFloat64) {
    if (f == TypeId::kFloat32) return internal::MapFixed<float, double>(in, to, [](float v) { return double{v}; });
    return WithIntType(f, [&](auto in_tag) -> Result<ArrayPtr> {
      using In = decltype(in_tag);
      return internal::MapFixed<In, double>(in, to, [](In v) { return static_cast<double>(v); });
    });
  }
  if (f == TypeId::kDate32) {
    // Midnight of the day (PROTOCOL.md "Type Widening": Date -> Timestamp without timezone).
    const int64_t per_day = 86400 * internal::UnitsPerSecond(to->unit());
    return internal::MapFixed<int32_t, int64_t>(in, to, [per_day](int32_t d) { return int64_t{d} * per_day; });
  }
  if (t == TypeId::kDecimal128) {
    if (f == TypeId::kDecimal128) {
      const __int128 m = internal::Pow10(to->scale() - from.scale());
      return internal::MapFixed<__int128, __int128>(in, to, [m](__int128 v) { return v * m; });
    }
    const __int128 m = internal::Pow10(to->scale());
    return WithIntType(f, [&](auto in_tag) -> Result<ArrayPtr> {
      using In = decltype(in_tag);
      return internal::MapFixed<In, __int128>(in, to, [m](In v) { return static_cast<__int128>(v) * m; });
    });
  }
  return NotWidening(from, *to);
}

}  // namespace delta::schema

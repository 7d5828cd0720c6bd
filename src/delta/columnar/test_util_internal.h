// Test-only helpers for the columnar tests (header-only so nothing of it lands in the library):
// sample arrays of every type, with nulls and nested values of varying lengths.
// Thread-safety: stateless functions.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/columnar/builder.h"

namespace delta::columnar::testing {

/// Every type the columnar layer supports, nested ones included.
inline std::vector<TypePtr> AllTestTypes() {
  return {
      Null(), Bool(), Int8(), Int16(), Int32(), Int64(), UInt8(), UInt16(), UInt32(), UInt64(), Float32(),
      Float64(), Decimal128(38, 4), Decimal128(5, 0), Date32(), Timestamp(TimeUnit::kMicro, "UTC"),
      Timestamp(TimeUnit::kNano), Timestamp(TimeUnit::kSecond, "Europe/Paris"), Timestamp(TimeUnit::kMilli),
      Time32(TimeUnit::kSecond), Time32(TimeUnit::kMilli), Time64(TimeUnit::kMicro), Time64(TimeUnit::kNano),
      Utf8(), Binary(), LargeUtf8(), LargeBinary(), FixedSizeBinary(3), FixedSizeBinary(16),
      Struct({MakeField("a", Int32()), MakeField("b", Utf8(), false, {{"k", "v"}})}),
      List(Int64()), LargeList(MakeField("element", Utf8(), false)),
      Map(Utf8(), Int32()), Map(Int32(), Float64(), false, true),
      List(Struct({MakeField("x", List(Int16())), MakeField("m", Map(Utf8(), LargeBinary()))})),
      Struct({MakeField("inner", Struct({MakeField("d", Decimal128(10, 2)), MakeField("t", Date32())}))}),
  };
}

namespace internal {

inline Status AppendSample(ArrayBuilder* b, const DataType& t, int64_t i, int seed, bool allow_null) {
  if (allow_null && (i + seed) % 3 == 1) return b->AppendNull();
  const int64_t v = i * 7 + seed;
  switch (t.id()) {
    case TypeId::kNull: return b->AppendNull();
    case TypeId::kBool: return static_cast<BooleanBuilder*>(b)->Append(v % 2 == 0);
    case TypeId::kInt8: return static_cast<Int8Builder*>(b)->Append(static_cast<int8_t>(v - 50));
    case TypeId::kInt16: return static_cast<Int16Builder*>(b)->Append(static_cast<int16_t>(v * -31));
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return static_cast<Int32Builder*>(b)->Append(static_cast<int32_t>(v * 1001 - 5));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return static_cast<Int64Builder*>(b)->Append(v * 1000003 - (int64_t{1} << 40));
    case TypeId::kUInt8: return static_cast<UInt8Builder*>(b)->Append(static_cast<uint8_t>(v));
    case TypeId::kUInt16: return static_cast<UInt16Builder*>(b)->Append(static_cast<uint16_t>(v * 300));
    case TypeId::kUInt32: return static_cast<UInt32Builder*>(b)->Append(static_cast<uint32_t>(v) * 4000000u);
    case TypeId::kUInt64: return static_cast<UInt64Builder*>(b)->Append(static_cast<uint64_t>(v) << 50);
    case TypeId::kFloat32: return static_cast<FloatBuilder*>(b)->Append(static_cast<float>(v) * 0.5f);
    case TypeId::kFloat64: return static_cast<DoubleBuilder*>(b)->Append(static_cast<double>(v) / 3.0);
    case TypeId::kDecimal128:
      return static_cast<Decimal128Builder*>(b)->Append(static_cast<__int128>(v - 20) * 1000000000000LL);
    case TypeId::kFixedSizeBinary: {
      std::string s(static_cast<size_t>(t.byte_width()), 'a');
      for (size_t k = 0; k < s.size(); ++k) s[k] = static_cast<char>('a' + (v + static_cast<int64_t>(k)) % 26);
      return static_cast<FixedSizeBinaryBuilder*>(b)->Append(s);
    }
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary:
      return static_cast<BinaryBuilder*>(b)->Append(std::string(static_cast<size_t>(v % 5), 'x') + std::to_string(v));
    case TypeId::kStruct: {
      auto* sb = static_cast<StructBuilder*>(b);
      for (int c = 0; c < sb->num_children(); ++c) {
        const auto& f = t.children()[static_cast<size_t>(c)];
        DELTA_RETURN_NOT_OK(AppendSample(sb->child(c), *f->type, i + c, seed + 1, f->nullable));
      }
      return sb->Append();
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      auto* lb = static_cast<ListBuilder*>(b);
      DELTA_RETURN_NOT_OK(lb->Append());
      const auto& f = t.children()[0];
      for (int64_t k = 0; k < v % 4; ++k) {
        DELTA_RETURN_NOT_OK(AppendSample(lb->value_builder(), *f->type, i * 4 + k, seed + 2, f->nullable));
      }
      return Status::OK();
    }
    case TypeId::kMap: {
      auto* mb = static_cast<MapBuilder*>(b);
      DELTA_RETURN_NOT_OK(mb->Append());
      const auto& kv = t.children()[0]->type->children();
      for (int64_t k = 0; k < v % 3; ++k) {
        DELTA_RETURN_NOT_OK(AppendSample(mb->key_builder(), *kv[0]->type, i * 3 + k, seed, false));
        DELTA_RETURN_NOT_OK(AppendSample(mb->item_builder(), *kv[1]->type, i * 3 + k, seed + 3, kv[1]->nullable));
      }
      return Status::OK();
    }
  }
  return Status::Unsupported("no sample for type");
}

}  // namespace internal

/// A deterministic array of `type` with `length` elements, some elements null, nested values of
/// varying lengths. `seed` varies the values.
inline Result<ArrayPtr> MakeSampleArray(const TypePtr& type, int64_t length, int seed = 0) {
  DELTA_ASSIGN_OR_RAISE(auto b, MakeBuilder(type));
  for (int64_t i = 0; i < length; ++i) DELTA_RETURN_NOT_OK(internal::AppendSample(b.get(), *type, i, seed, true));
  return b->Finish();
}

}  // namespace delta::columnar::testing

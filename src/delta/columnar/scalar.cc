#include "delta/columnar/scalar.h"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/columnar/time_unit.h"
#include "delta/util/civil_time.h"
#include "delta/util/decimal_text.h"
#include "delta/util/macros.h"

namespace delta::columnar {

namespace {

using util::CivilFromDays;
using util::FloorDiv;

std::string DateString(int64_t days) {
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

int FractionDigits(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSecond: return 0;
    case TimeUnit::kMilli: return 3;
    case TimeUnit::kMicro: return 6;
    case TimeUnit::kNano: return 9;
  }
  return 0;
}

std::string TimestampString(int64_t v, TimeUnit unit, const std::string& tz) {
  const int64_t per_sec = UnitsPerSecond(unit);
  const int64_t secs = FloorDiv(v, per_sec);
  const int64_t frac = v - secs * per_sec;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  std::string out = fmt::format("{} {:02d}:{:02d}:{:02d}", DateString(days), sod / 3600, (sod / 60) % 60, sod % 60);
  if (per_sec > 1) out += fmt::format(".{:0{}d}", frac, FractionDigits(unit));
  if (!tz.empty()) out += (tz == "UTC" ? std::string("Z") : " " + tz);
  return out;
}

std::string TimeString(int64_t v, TimeUnit unit) {
  const int64_t per_sec = UnitsPerSecond(unit);
  const int64_t secs = FloorDiv(v, per_sec);
  const int64_t frac = v - secs * per_sec;
  std::string out = fmt::format("{:02d}:{:02d}:{:02d}", secs / 3600, (secs / 60) % 60, secs % 60);
  if (per_sec > 1) out += fmt::format(".{:0{}d}", frac, FractionDigits(unit));
  return out;
}

std::string HexBytes(const std::string& s) {
  std::string out = "0x";
  for (unsigned char c : s) out += fmt::format("{:02X}", c);
  return out;
}

template <typename T>
Result<ArrayPtr> FillNumeric(const TypePtr& type, T v, int64_t length) {
  DELTA_ASSIGN_OR_RAISE(auto values, Buffer::Allocate(length * static_cast<int64_t>(sizeof(T))));
  T* p = values->mutable_data_as<T>();
  for (int64_t i = 0; i < length; ++i) p[i] = v;
  auto out = std::make_shared<ArrayData>();
  out->type = type;
  out->length = length;
  out->null_count = 0;
  out->buffers = {nullptr, std::move(values)};
  return out;
}

}  // namespace

Scalar Scalar::Bool(bool v) { return Scalar{columnar::Bool(), v}; }
Scalar Scalar::Int64(int64_t v) { return Scalar{columnar::Int64(), v}; }
Scalar Scalar::Float64(double v) { return Scalar{columnar::Float64(), v}; }
Scalar Scalar::String(std::string v) { return Scalar{columnar::Utf8(), std::move(v)}; }
Scalar Scalar::Decimal(int32_t precision, int32_t scale, __int128 unscaled) {
  return Scalar{columnar::Decimal128(precision, scale), unscaled};
}

std::string Scalar::ToString() const {
  if (is_null() || !type) return "null";
  switch (type->id()) {
    case TypeId::kBool:
      if (auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
      break;
    case TypeId::kDate32:
      if (auto* i = std::get_if<int64_t>(&value)) return DateString(*i);
      break;
    case TypeId::kTimestamp:
      if (auto* i = std::get_if<int64_t>(&value)) return TimestampString(*i, type->unit(), type->timezone());
      break;
    case TypeId::kTime32:
    case TypeId::kTime64:
      if (auto* i = std::get_if<int64_t>(&value)) return TimeString(*i, type->unit());
      break;
    case TypeId::kUInt64:
      if (auto* i = std::get_if<int64_t>(&value)) return std::to_string(static_cast<uint64_t>(*i));
      break;
    case TypeId::kDecimal128:
      if (auto* d = std::get_if<__int128>(&value)) return util::DecimalText(*d, type->scale());
      break;
    case TypeId::kString:
    case TypeId::kLargeString:
      if (auto* s = std::get_if<std::string>(&value)) return "'" + *s + "'";
      break;
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary:
      if (auto* s = std::get_if<std::string>(&value)) return HexBytes(*s);
      break;
    default:
      break;
  }
  // Generic rendering by payload (also covers ints and floats).
  if (auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (auto* d = std::get_if<double>(&value)) {
    if (std::isnan(*d)) return "NaN";
    if (std::isinf(*d)) return *d > 0 ? "Infinity" : "-Infinity";
    return fmt::format("{}", *d);
  }
  if (auto* d = std::get_if<__int128>(&value)) return util::DecimalText(*d, 0);
  if (auto* s = std::get_if<std::string>(&value)) return "'" + *s + "'";
  return "null";
}

bool Scalar::Equals(const Scalar& other) const {
  if (type && other.type) {
    if (!type->Equals(*other.type)) return false;
  } else if (type != other.type) {
    return false;
  }
  if (value.index() != other.value.index()) return false;
  // NaN equals NaN here: Equals is identity of values (tests, dedup), not SQL comparison.
  if (auto* d = std::get_if<double>(&value)) {
    const double o = std::get<double>(other.value);
    if (std::isnan(*d) && std::isnan(o)) return true;
    return *d == o;
  }
  return value == other.value;
}

Result<ArrayPtr> MakeArrayFromScalar(const Scalar& scalar, int64_t length) {
  if (!scalar.type) return Status::InvalidArgument("MakeArrayFromScalar: scalar has no type");
  if (length < 0) return Status::InvalidArgument(fmt::format("MakeArrayFromScalar: negative length {}", length));
  const TypePtr& type = scalar.type;
  if (type->is_nested()) {
    return Status::InvalidArgument(fmt::format("MakeArrayFromScalar: nested type {} is not supported", type->ToString()));
  }
  if (scalar.is_null()) return MakeArrayOfNulls(type, length);

  auto mismatch = [&]() {
    return Status::InvalidArgument(
        fmt::format("MakeArrayFromScalar: payload of the scalar does not match its type {}", type->ToString()));
  };
  const int64_t* iv = std::get_if<int64_t>(&scalar.value);
  switch (type->id()) {
    case TypeId::kNull:
      return MakeArrayOfNulls(type, length);
    case TypeId::kBool: {
      const bool* b = std::get_if<bool>(&scalar.value);
      if (!b) return mismatch();
      DELTA_ASSIGN_OR_RAISE(auto bits, Buffer::Allocate(bit_util::BytesForBits(length)));
      std::memset(bits->mutable_data(), *b ? 0xFF : 0x00, static_cast<size_t>(bit_util::BytesForBits(length)));
      // Keep the unused high bits of the last byte zero, as builders do.
      if (*b && (length & 7) != 0) bits->mutable_data()[length >> 3] = static_cast<uint8_t>((1u << (length & 7)) - 1);
      auto out = std::make_shared<ArrayData>();
      out->type = type;
      out->length = length;
      out->null_count = 0;
      out->buffers = {nullptr, std::move(bits)};
      return out;
    }
    case TypeId::kInt8:
      if (!iv) return mismatch();
      return FillNumeric<int8_t>(type, static_cast<int8_t>(*iv), length);
    case TypeId::kUInt8:
      if (!iv) return mismatch();
      return FillNumeric<uint8_t>(type, static_cast<uint8_t>(*iv), length);
    case TypeId::kInt16:
      if (!iv) return mismatch();
      return FillNumeric<int16_t>(type, static_cast<int16_t>(*iv), length);
    case TypeId::kUInt16:
      if (!iv) return mismatch();
      return FillNumeric<uint16_t>(type, static_cast<uint16_t>(*iv), length);
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32:
      if (!iv) return mismatch();
      return FillNumeric<int32_t>(type, static_cast<int32_t>(*iv), length);
    case TypeId::kUInt32:
      if (!iv) return mismatch();
      return FillNumeric<uint32_t>(type, static_cast<uint32_t>(*iv), length);
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64:
      if (!iv) return mismatch();
      return FillNumeric<int64_t>(type, *iv, length);
    case TypeId::kFloat32: {
      const double* d = std::get_if<double>(&scalar.value);
      if (!d) return mismatch();
      return FillNumeric<float>(type, static_cast<float>(*d), length);
    }
    case TypeId::kFloat64: {
      const double* d = std::get_if<double>(&scalar.value);
      if (!d) return mismatch();
      return FillNumeric<double>(type, *d, length);
    }
    case TypeId::kDecimal128: {
      const __int128* d = std::get_if<__int128>(&scalar.value);
      if (!d) return mismatch();
      return FillNumeric<__int128>(type, *d, length);
    }
    case TypeId::kFixedSizeBinary: {
      const std::string* s = std::get_if<std::string>(&scalar.value);
      if (!s) return mismatch();
      const int64_t w = type->byte_width();
      if (static_cast<int64_t>(s->size()) != w) {
        return Status::InvalidArgument(
            fmt::format("MakeArrayFromScalar: {} bytes for {}", s->size(), type->ToString()));
      }
      DELTA_ASSIGN_OR_RAISE(auto values, Buffer::Allocate(w * length));
      for (int64_t i = 0; i < length; ++i) std::memcpy(values->mutable_data() + i * w, s->data(), static_cast<size_t>(w));
      auto out = std::make_shared<ArrayData>();
      out->type = type;
      out->length = length;
      out->null_count = 0;
      out->buffers = {nullptr, std::move(values)};
      return out;
    }
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: {
      const std::string* s = std::get_if<std::string>(&scalar.value);
      if (!s) return mismatch();
      const bool large = type->is_large_offsets();
      const int64_t n = static_cast<int64_t>(s->size());
      if (!large && n * length > std::numeric_limits<int32_t>::max()) {
        return Status::InvalidArgument(fmt::format(
            "MakeArrayFromScalar: {} copies of {} bytes overflow int32 offsets of {}", length, n, type->ToString()));
      }
      const int64_t ow = large ? 8 : 4;
      DELTA_ASSIGN_OR_RAISE(auto offsets, Buffer::Allocate((length + 1) * ow));
      DELTA_ASSIGN_OR_RAISE(auto data, Buffer::Allocate(n * length));
      for (int64_t i = 0; i <= length; ++i) {
        if (large) {
          offsets->mutable_data_as<int64_t>()[i] = i * n;
        } else {
          offsets->mutable_data_as<int32_t>()[i] = static_cast<int32_t>(i * n);
        }
      }
      if (n > 0) {
        for (int64_t i = 0; i < length; ++i) std::memcpy(data->mutable_data() + i * n, s->data(), static_cast<size_t>(n));
      }
      auto out = std::make_shared<ArrayData>();
      out->type = type;
      out->length = length;
      out->null_count = 0;
      out->buffers = {nullptr, std::move(offsets), std::move(data)};
      return out;
    }
    default:
      break;
  }
  return Status::InvalidArgument(fmt::format("MakeArrayFromScalar: type {} is not supported", type->ToString()));
}

Result<Scalar> GetScalar(const ArrayData& array, int64_t index) {
  if (!array.type) return Status::InvalidArgument("GetScalar: array has no type");
  const TypePtr& type = array.type;
  if (type->is_nested()) {
    return Status::InvalidArgument(fmt::format("GetScalar: nested type {} is not supported", type->ToString()));
  }
  if (index < 0 || index >= array.length) {
    return Status::InvalidArgument(fmt::format("GetScalar: index {} out of range [0, {})", index, array.length));
  }
  if (array.IsNull(index)) return Scalar::Null(type);
  switch (type->id()) {
    case TypeId::kNull: return Scalar::Null(type);
    case TypeId::kBool: return Scalar{type, array.GetBool(index)};
    case TypeId::kInt8: return Scalar{type, static_cast<int64_t>(array.values<int8_t>()[index])};
    case TypeId::kUInt8: return Scalar{type, static_cast<int64_t>(array.values<uint8_t>()[index])};
    case TypeId::kInt16: return Scalar{type, static_cast<int64_t>(array.values<int16_t>()[index])};
    case TypeId::kUInt16: return Scalar{type, static_cast<int64_t>(array.values<uint16_t>()[index])};
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return Scalar{type, static_cast<int64_t>(array.values<int32_t>()[index])};
    case TypeId::kUInt32: return Scalar{type, static_cast<int64_t>(array.values<uint32_t>()[index])};
    case TypeId::kInt64:
    case TypeId::kUInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return Scalar{type, array.values<int64_t>()[index]};
    case TypeId::kFloat32: return Scalar{type, static_cast<double>(array.values<float>()[index])};
    case TypeId::kFloat64: return Scalar{type, array.values<double>()[index]};
    case TypeId::kDecimal128: return Scalar{type, GetDecimal128(array, index)};
    case TypeId::kFixedSizeBinary: return Scalar{type, std::string(array.GetFixed(index))};
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: return Scalar{type, std::string(array.GetView(index))};
    default: break;
  }
  return Status::InvalidArgument(fmt::format("GetScalar: type {} is not supported", type->ToString()));
}

}  // namespace delta::columnar

#include "delta/schema/partition_values.h"

#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "delta/schema/time_util_internal.h"
#include "delta/util/macros.h"

namespace delta::schema {

using columnar::Scalar;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

namespace internal {

std::string FormatTimestampMicros(int64_t micros) {
  const int64_t secs = FloorDiv(micros, 1000000);
  const int64_t frac = micros - secs * 1000000;
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  return fmt::format("{} {:02d}:{:02d}:{:02d}.{:06d}", FormatDate(days), sod / 3600, (sod / 60) % 60, sod % 60, frac);
}

}  // namespace internal

namespace {

using util::DaysFromCivil;
using util::DaysInMonth;

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool Consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Exactly n digits (n = 0: one or more, at most 9).
  bool Digits(size_t n, int64_t* out, size_t* count = nullptr) {
    int64_t v = 0;
    size_t k = 0;
    const size_t max = n == 0 ? 9 : n;
    while (k < max && !done() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      v = v * 10 + (s_[pos_] - '0');
      ++pos_;
      ++k;
    }
    if (n != 0 ? k != n : k == 0) return false;
    if (count) *count = k;
    *out = v;
    return true;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

// [+-]YYYY[Y...]-MM-DD; years of 4 to 6 digits.
bool ParseDatePart(Cursor* c, int64_t* days) {
  bool neg = false;
  if (c->Consume('-')) neg = true;
  else c->Consume('+');
  int64_t y = 0, m = 0, d = 0;
  size_t ny = 0;
  if (!c->Digits(0, &y, &ny) || ny < 4 || ny > 6) return false;
  if (neg) y = -y;
  if (!c->Consume('-') || !c->Digits(2, &m) || !c->Consume('-') || !c->Digits(2, &d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m))) return false;
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// Timestamp text -> micros since the epoch. `allow_zone`: accept Z / offsets (converted to UTC).
bool ParseTimestampMicros(std::string_view s, bool allow_zone, int64_t* micros) {
  Cursor c(s);
  int64_t days = 0;
  if (!ParseDatePart(&c, &days)) return false;
  __int128 total = static_cast<__int128>(days) * 86400 * 1000000;
  if (c.done()) {
    *micros = static_cast<int64_t>(total);
    return true;
  }
  if (!c.Consume(' ') && !c.Consume('T')) return false;
  int64_t hh = 0, mm = 0, ss = 0;
  if (!c.Digits(2, &hh) || !c.Consume(':') || !c.Digits(2, &mm)) return false;
  if (c.Consume(':')) {
    if (!c.Digits(2, &ss)) return false;
  }
  if (hh > 23 || mm > 59 || ss > 59) return false;
  int64_t frac_micros = 0;
  if (c.Consume('.')) {
    // Up to 9 fraction digits; those beyond microseconds are dropped (truncation of a
    // non-negative fraction is a floor).
    int64_t f = 0;
    size_t n = 0;
    if (!c.Digits(0, &f, &n)) return false;
    while (n < 6) {
      f *= 10;
      ++n;
    }
    while (n > 6) {
      f /= 10;
      --n;
    }
    frac_micros = f;
  }
  total += static_cast<__int128>(hh * 3600 + mm * 60 + ss) * 1000000 + frac_micros;
  if (!c.done()) {
    if (!allow_zone) return false;
    if (c.Consume('Z') || c.Consume('z')) {
      // UTC.
    } else {
      int sign = 0;
      if (c.Consume('+')) sign = 1;
      else if (c.Consume('-')) sign = -1;
      else return false;
      int64_t oh = 0, om = 0;
      if (!c.Digits(2, &oh)) return false;
      c.Consume(':');
      if (!c.done() && !c.Digits(2, &om)) return false;
      if (oh > 18 || om > 59) return false;
      total -= static_cast<__int128>(sign) * (oh * 3600 + om * 60) * 1000000;
    }
    if (!c.done()) return false;
  }
  if (total < std::numeric_limits<int64_t>::min() || total > std::numeric_limits<int64_t>::max()) return false;
  *micros = static_cast<int64_t>(total);
  return true;
}

// Decimal text -> unscaled value at `scale` with at most `precision` digits.
bool ParseDecimal(std::string_view s, int32_t precision, int32_t scale, __int128* out) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
  std::string digits;  // significant digits, without leading zeros
  int64_t exponent = 0;  // value = digits * 10^exponent
  bool any = false, dot = false;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch >= '0' && ch <= '9') {
      any = true;
      if (!(digits.empty() && ch == '0')) digits.push_back(ch);
      if (dot) --exponent;
      if (digits.size() > 80) return false;
    } else if (ch == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    int64_t e = 0;
    if (i < s.size() && s[i] == '+') ++i;
    auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + s.size(), e);
    if (ec != std::errc() || ptr != s.data() + s.size() || e > 1000 || e < -1000) return false;
    exponent += e;
    i = s.size();
  }
  if (i != s.size()) return false;
  // Shift to the target scale: unscaled = digits * 10^(exponent + scale).
  int64_t shift = exponent + scale;
  while (shift < 0 && !digits.empty()) {
    if (digits.back() != '0') return false;  // would lose a non-zero digit
    digits.pop_back();
    ++shift;
  }
  if (digits.empty()) {
    *out = 0;
    return true;
  }
  if (shift < 0) shift = 0;
  if (static_cast<int64_t>(digits.size()) + shift > precision) return false;
  __int128 v = 0;
  for (char ch : digits) v = v * 10 + (ch - '0');
  for (int64_t k = 0; k < shift; ++k) v *= 10;
  *out = neg ? -v : v;
  return true;
}

Status Bad(std::string_view column, std::string_view value, const TypePtr& type, std::string_view why = "") {
  return Status::InvalidArgument(fmt::format("partition column '{}': value '{}' is not a valid {}{}{}", column, value,
                                             type->ToString(), why.empty() ? "" : ": ", why));
}

template <typename T>
bool ParseInt(std::string_view s, int64_t* out) {
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return false;
  *out = static_cast<int64_t>(v);
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool ParseFloating(std::string_view s, bool single, double* out) {
  if (s == "NaN" || EqualsIgnoreCase(s, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  std::string_view body = s;
  bool neg = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (EqualsIgnoreCase(body, "infinity") || EqualsIgnoreCase(body, "inf")) {
    *out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (body.empty() || !((body[0] >= '0' && body[0] <= '9') || body[0] == '.')) return false;
  if (single) {
    float f = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), f);
    if (ec != std::errc() || ptr != body.data() + body.size()) return false;
    *out = neg ? -static_cast<double>(f) : static_cast<double>(f);
  } else {
    double d = 0;
    auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), d);
    if (ec != std::errc() || ptr != body.data() + body.size()) return false;
    *out = neg ? -d : d;
  }
  return true;
}

// Micros -> the timestamp type's unit (floor for coarser units; range-checked for nanos).
bool MicrosToUnit(int64_t micros, TimeUnit unit, int64_t* out) {
  switch (unit) {
    case TimeUnit::kSecond: *out = internal::FloorDiv(micros, 1000000); return true;
    case TimeUnit::kMilli: *out = internal::FloorDiv(micros, 1000); return true;
    case TimeUnit::kMicro: *out = micros; return true;
    case TimeUnit::kNano: return !__builtin_mul_overflow(micros, int64_t{1000}, out);
  }
  return false;
}

}  // namespace

Result<Scalar> ParsePartitionValue(std::string_view column, const std::optional<std::string>& value,
                                   const TypePtr& type) {
  if (!type) return Status::InvalidArgument(fmt::format("partition column '{}' has no type", column));
  if (!value || value->empty() || type->id() == TypeId::kNull) return Scalar::Null(type);
  const std::string_view s = *value;
  int64_t iv = 0;
  switch (type->id()) {
    case TypeId::kBool:
      if (EqualsIgnoreCase(s, "true")) return Scalar{type, true};
      if (EqualsIgnoreCase(s, "false")) return Scalar{type, false};
      return Bad(column, s, type);
    case TypeId::kInt8:
      if (!ParseInt<int8_t>(s, &iv)) return Bad(column, s, type, "not an integer in -128..127");
      return Scalar{type, iv};
    case TypeId::kInt16:
      if (!ParseInt<int16_t>(s, &iv)) return Bad(column, s, type, "not an integer in -32768..32767");
      return Scalar{type, iv};
    case TypeId::kInt32:
      if (!ParseInt<int32_t>(s, &iv)) return Bad(column, s, type, "not a 32-bit integer");
      return Scalar{type, iv};
    case TypeId::kInt64:
      if (!ParseInt<int64_t>(s, &iv)) return Bad(column, s, type, "not a 64-bit integer");
      return Scalar{type, iv};
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      double d = 0;
      if (!ParseFloating(s, type->id() == TypeId::kFloat32, &d)) return Bad(column, s, type);
      return Scalar{type, d};
    }
    case TypeId::kDate32: {
      Cursor c(s);
      int64_t days = 0;
      if (!ParseDatePart(&c, &days) || !c.done()) return Bad(column, s, type, "expected YYYY-MM-DD");
      if (days < std::numeric_limits<int32_t>::min() || days > std::numeric_limits<int32_t>::max()) {
        return Bad(column, s, type, "out of range");
      }
      return Scalar{type, days};
    }
    case TypeId::kTimestamp: {
      int64_t micros = 0, v = 0;
      if (!ParseTimestampMicros(s, !type->timezone().empty(), &micros)) {
        return Bad(column, s, type,
                   type->timezone().empty() ? "expected YYYY-MM-DD HH:MM:SS[.ffffff] without a zone"
                                            : "expected YYYY-MM-DD HH:MM:SS[.ffffff] or ISO-8601 with Z or an offset");
      }
      if (!MicrosToUnit(micros, type->unit(), &v)) return Bad(column, s, type, "out of range");
      return Scalar{type, v};
    }
    case TypeId::kDecimal128: {
      __int128 d = 0;
      if (!ParseDecimal(s, type->precision(), type->scale(), &d)) {
        return Bad(column, s, type, "not a decimal number that fits the precision and scale exactly");
      }
      return Scalar{type, d};
    }
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      return Scalar{type, std::string(s)};
    default:
      break;
  }
  return Status::Unsupported(
      fmt::format("partition column '{}': type {} cannot be a partition column", column, type->ToString()));
}

std::optional<std::string> SerializePartitionValue(const Scalar& value) {
  if (value.is_null() || !value.type) return std::nullopt;
  const auto& type = value.type;
  if (auto* b = std::get_if<bool>(&value.value)) return std::string(*b ? "true" : "false");
  if (auto* d = std::get_if<double>(&value.value)) {
    if (std::isnan(*d)) return std::string("NaN");
    if (std::isinf(*d)) return std::string(*d > 0 ? "Infinity" : "-Infinity");
    std::string out = type->id() == TypeId::kFloat32 ? fmt::format("{}", static_cast<float>(*d)) : fmt::format("{}", *d);
    if (out.find_first_of(".e") == std::string::npos) out += ".0";
    return out;
  }
  if (std::holds_alternative<__int128>(value.value)) {
    // Scalar::ToString renders decimals plainly with `scale` fraction digits.
    return value.ToString();
  }
  if (auto* i = std::get_if<int64_t>(&value.value)) {
    switch (type->id()) {
      case TypeId::kDate32: return internal::FormatDate(*i);
      case TypeId::kTimestamp: {
        const int64_t per = internal::UnitsPerSecond(type->unit());
        const int64_t micros = per >= 1000000 ? internal::FloorDiv(*i, per / 1000000) : *i * (1000000 / per);
        return internal::FormatTimestampMicros(micros);
      }
      case TypeId::kUInt64: return std::to_string(static_cast<uint64_t>(*i));
      default: return std::to_string(*i);
    }
  }
  if (auto* s = std::get_if<std::string>(&value.value)) return *s;
  return std::nullopt;
}

}  // namespace delta::schema

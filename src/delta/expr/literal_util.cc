#include "delta/expr/literal_util.h"

#include <cmath>
#include <string>

#include "delta/expr/expression.h"
#include "delta/util/civil_time.h"

namespace delta::expr {

using columnar::Scalar;
using columnar::TypeId;

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads 1..max_digits digits at *pos.
bool ReadNumber(std::string_view s, size_t* pos, int min_digits, int max_digits, int64_t* out) {
  int64_t v = 0;
  int n = 0;
  while (*pos < s.size() && IsDigit(s[*pos]) && n < max_digits) {
    v = v * 10 + (s[*pos] - '0');
    ++*pos;
    ++n;
  }
  *out = v;
  return n >= min_digits;
}

bool ReadDate(std::string_view s, size_t* pos, int64_t* days) {
  bool neg = false;
  if (*pos < s.size() && (s[*pos] == '-' || s[*pos] == '+')) {
    neg = s[*pos] == '-';
    ++*pos;
  }
  int64_t y, m, d;
  if (!ReadNumber(s, pos, 1, 6, &y)) return false;
  if (*pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!ReadNumber(s, pos, 1, 2, &m)) return false;
  if (*pos >= s.size() || s[*pos] != '-') return false;
  ++*pos;
  if (!ReadNumber(s, pos, 1, 2, &d)) return false;
  if (neg) y = -y;
  if (m < 1 || m > 12 || d < 1 || d > util::DaysInMonth(y, static_cast<unsigned>(m))) return false;
  *days = util::DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

bool ParseDateText(std::string_view text, int64_t* days) {
  size_t pos = 0;
  return ReadDate(text, &pos, days) && pos == text.size();
}

bool ParseTimestampText(std::string_view s, int64_t* micros, bool* has_zone) {
  size_t pos = 0;
  int64_t days;
  if (!ReadDate(s, &pos, &days)) return false;
  int64_t h = 0, mi = 0, sec = 0, frac_us = 0, offset_sec = 0;
  bool zone = false;
  if (pos < s.size() && (s[pos] == ' ' || s[pos] == 'T')) {
    ++pos;
    if (!ReadNumber(s, &pos, 1, 2, &h) || pos >= s.size() || s[pos] != ':') return false;
    ++pos;
    if (!ReadNumber(s, &pos, 2, 2, &mi)) return false;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      if (!ReadNumber(s, &pos, 2, 2, &sec)) return false;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int n = 0;
        while (pos < s.size() && IsDigit(s[pos])) {
          if (n < 6) {
            frac_us = frac_us * 10 + (s[pos] - '0');
          } else if (s[pos] != '0') {
            return false;  // below a microsecond: not representable
          }
          ++n;
          ++pos;
        }
        if (n == 0) return false;
        for (int k = n; k < 6; ++k) frac_us *= 10;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return false;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
      zone = true;
      ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      const bool neg = s[pos] == '-';
      ++pos;
      int64_t oh, om = 0;
      if (!ReadNumber(s, &pos, 2, 2, &oh)) return false;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !ReadNumber(s, &pos, 2, 2, &om)) return false;
      if (oh > 18 || om > 59) return false;
      offset_sec = (oh * 3600 + om * 60) * (neg ? -1 : 1);
      zone = true;
    }
  }
  if (pos != s.size()) return false;
  const __int128 us = (static_cast<__int128>(days) * 86400 + h * 3600 + mi * 60 + sec - offset_sec) * 1000000 + frac_us;
  if (us < INT64_MIN || us > INT64_MAX) return false;  // beyond the int64 microsecond range
  *micros = static_cast<int64_t>(us);
  if (has_zone) *has_zone = zone;
  return true;
}

int32_t DecimalDigits(__int128 v) {
  unsigned __int128 u = v < 0 ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  int32_t n = 1;
  while (u >= 10) {
    u /= 10;
    ++n;
  }
  return n;
}

__int128 Pow10(int n) {
  __int128 v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

bool ParseDecimalText(std::string_view s, __int128* unscaled, int32_t* scale) {
  size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
    neg = s[pos] == '-';
    ++pos;
  }
  __int128 v = 0;
  int digits = 0;  // significant digits accumulated (leading zeros skipped)
  int32_t sc = 0;
  bool any = false;
  auto add_digit = [&](char c) {
    if (digits == 0 && c == '0') return true;
    if (digits >= 38) return false;
    v = v * 10 + (c - '0');
    ++digits;
    return true;
  };
  while (pos < s.size() && IsDigit(s[pos])) {
    if (!add_digit(s[pos])) return false;
    any = true;
    ++pos;
  }
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (!add_digit(s[pos])) return false;
      ++sc;
      if (sc > 38) return false;
      any = true;
      ++pos;
    }
  }
  if (!any) return false;
  if (pos < s.size() && (s[pos] == 'e' || s[pos] == 'E')) {
    ++pos;
    bool eneg = false;
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) {
      eneg = s[pos] == '-';
      ++pos;
    }
    int64_t e = 0;
    if (!ReadNumber(s, &pos, 1, 4, &e)) return false;
    if (pos < s.size() && IsDigit(s[pos])) return false;
    sc += static_cast<int32_t>(eneg ? e : -e);
  }
  if (pos != s.size()) return false;
  if (sc < 0) {
    if (v != 0) {
      if (digits - sc > 38) return false;
      v *= Pow10(-sc);
    }
    sc = 0;
  }
  if (sc > 38) {
    if (v != 0) return false;
    sc = 38;
  }
  *unscaled = neg ? -v : v;
  *scale = sc;
  return true;
}

std::optional<__int128> Rescale(__int128 v, int32_t from, int32_t to, Rounding rounding) {
  if (from == to) return v;
  if (to > from) {
    const int d = to - from;
    if (d > 38) return v == 0 ? std::optional<__int128>(0) : std::nullopt;
    const __int128 m = Pow10(d);
    const __int128 limit = (~static_cast<unsigned __int128>(0) >> 1) / static_cast<unsigned __int128>(m);
    if (v > limit || v < -limit) return std::nullopt;
    return v * m;
  }
  const int d = from - to;
  if (d > 38) {
    if (rounding == Rounding::kExact) return v == 0 ? std::optional<__int128>(0) : std::nullopt;
    if (v == 0) return 0;
    return rounding == Rounding::kFloor ? (v < 0 ? -1 : 0) : (v > 0 ? 1 : 0);
  }
  const __int128 m = Pow10(d);
  __int128 q = v / m;
  const __int128 r = v % m;
  if (r != 0) {
    if (rounding == Rounding::kExact) return std::nullopt;
    if (rounding == Rounding::kFloor && v < 0) --q;
    if (rounding == Rounding::kCeil && v > 0) ++q;
  }
  return q;
}

namespace {

enum class Domain { kInt, kFloat, kDecimal, kBytes, kBool, kNone };

Domain DomainOf(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kDate32:
    case TypeId::kTimestamp:
    case TypeId::kTime32:
    case TypeId::kTime64: return Domain::kInt;
    case TypeId::kFloat32:
    case TypeId::kFloat64: return Domain::kFloat;
    case TypeId::kDecimal128: return Domain::kDecimal;
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary: return Domain::kBytes;
    case TypeId::kBool: return Domain::kBool;
    default: return Domain::kNone;
  }
}

template <typename T>
int Cmp3(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareDoubleTotal(double a, double b) {
  const bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na && nb ? 0 : (na ? 1 : -1);
  return Cmp3(a, b);
}

// Compares an integer with a double exactly (no rounding of large integers).
int CompareIntDouble(int64_t a, double b) {
  if (std::isnan(b)) return -1;
  if (b >= 9223372036854775808.0) return -1;
  if (b < -9223372036854775808.0) return 1;
  const double fl = std::floor(b);
  const auto bi = static_cast<int64_t>(fl);
  if (a != bi) return Cmp3(a, bi);
  return fl == b ? 0 : -1;
}

}  // namespace

std::optional<int> CompareScalars(const Scalar& a, const Scalar& b) {
  if (a.is_null() || b.is_null() || !a.type || !b.type) return std::nullopt;
  const Domain da = DomainOf(a.type->id()), db = DomainOf(b.type->id());
  if (da == Domain::kNone || db == Domain::kNone) return std::nullopt;
  if (da == db) {
    switch (da) {
      case Domain::kInt: return Cmp3(std::get<int64_t>(a.value), std::get<int64_t>(b.value));
      case Domain::kFloat: return CompareDoubleTotal(std::get<double>(a.value), std::get<double>(b.value));
      case Domain::kBool: return Cmp3(std::get<bool>(a.value), std::get<bool>(b.value));
      case Domain::kBytes: {
        const int c = std::get<std::string>(a.value).compare(std::get<std::string>(b.value));
        return c < 0 ? -1 : (c > 0 ? 1 : 0);
      }
      case Domain::kDecimal: {
        const int32_t sa = a.type->scale(), sb = b.type->scale();
        __int128 va = std::get<__int128>(a.value), vb = std::get<__int128>(b.value);
        if (sa == sb) return Cmp3(va, vb);
        // Bring the finer scale down with floor: floor(x) == y exactly iff no remainder.
        if (sa > sb) {
          auto fa = Rescale(va, sa, sb, Rounding::kFloor);
          if (!fa) return std::nullopt;
          if (*fa != vb) return Cmp3(*fa, vb);
          return Rescale(va, sa, sb, Rounding::kExact) ? 0 : 1;
        }
        auto fb = Rescale(vb, sb, sa, Rounding::kFloor);
        if (!fb) return std::nullopt;
        if (va != *fb) return Cmp3(va, *fb);
        return Rescale(vb, sb, sa, Rounding::kExact) ? 0 : -1;
      }
      default: return std::nullopt;
    }
  }
  // Mixed numeric domains.
  if (da == Domain::kInt && db == Domain::kFloat) return CompareIntDouble(std::get<int64_t>(a.value), std::get<double>(b.value));
  if (da == Domain::kFloat && db == Domain::kInt) return -CompareIntDouble(std::get<int64_t>(b.value), std::get<double>(a.value));
  if (da == Domain::kInt && db == Domain::kDecimal) {
    Scalar ad{columnar::Decimal128(38, 0), static_cast<__int128>(std::get<int64_t>(a.value))};
    return CompareScalars(ad, b);
  }
  if (da == Domain::kDecimal && db == Domain::kInt) {
    Scalar bd{columnar::Decimal128(38, 0), static_cast<__int128>(std::get<int64_t>(b.value))};
    return CompareScalars(a, bd);
  }
  if ((da == Domain::kDecimal && db == Domain::kFloat) || (da == Domain::kFloat && db == Domain::kDecimal)) {
    const Scalar& d = da == Domain::kDecimal ? a : b;
    const double f = std::get<double>((da == Domain::kFloat ? a : b).value);
    const double dv = static_cast<double>(std::get<__int128>(d.value)) / std::pow(10.0, d.type->scale());
    const int c = CompareDoubleTotal(dv, f);
    return da == Domain::kDecimal ? c : -c;
  }
  return std::nullopt;
}

}  // namespace delta::expr

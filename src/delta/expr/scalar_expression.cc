#include "delta/expr/scalar_expression.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "delta/columnar/buffer.h"
#include "delta/expr/literal_util.h"
#include "delta/util/bit_util.h"
#include "delta/util/civil_time.h"
#include "delta/util/macros.h"

namespace delta::expr {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::TypeId;
using columnar::TypePtr;

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ---- Value vectors ----
// Every intermediate result is a Vec: one validity byte per row plus flat values. Integers of
// every width, booleans (0/1), dates (days) and timestamps (microseconds) share `ints`, so the
// arithmetic loops are the same for all of them; `type` says how to read them.
enum class Kind { kNull, kBool, kInt, kFloat, kDate, kTimestamp, kString };

struct Vec {
  TypePtr type;
  Kind kind = Kind::kNull;
  int64_t n = 0;
  std::vector<uint8_t> valid;
  std::vector<int64_t> ints;
  std::vector<double> dbl;
  std::vector<int64_t> offsets;  // kString: n + 1 offsets into data
  std::string data;

  std::string_view str(int64_t i) const {
    return std::string_view(data).substr(static_cast<size_t>(offsets[i]), static_cast<size_t>(offsets[i + 1] - offsets[i]));
  }
};

std::optional<Kind> KindOf(const columnar::DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return Kind::kNull;
    case TypeId::kBool:
      return Kind::kBool;
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
      return Kind::kInt;
    case TypeId::kFloat32:
    case TypeId::kFloat64:
      return Kind::kFloat;
    case TypeId::kDate32:
      return Kind::kDate;
    case TypeId::kTimestamp:
      return Kind::kTimestamp;
    case TypeId::kString:
    case TypeId::kLargeString:
      return Kind::kString;
    default:
      return std::nullopt;
  }
}

int IntRank(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
      return 1;
    case TypeId::kInt16:
      return 2;
    case TypeId::kInt32:
      return 3;
    default:
      return 4;
  }
}

// Narrows a 64-bit value to the width of an integer type with two's complement wrap-around
// (Java's (int) / (short) / (byte) conversions).
int64_t Wrap(int64_t v, TypeId id) {
  switch (id) {
    case TypeId::kInt8:
      return static_cast<int8_t>(v);
    case TypeId::kInt16:
      return static_cast<int16_t>(v);
    case TypeId::kInt32:
      return static_cast<int32_t>(v);
    default:
      return v;
  }
}

std::string SparkTypeName(const columnar::DataType& t) {
  switch (t.id()) {
    case TypeId::kNull:
      return "void";
    case TypeId::kBool:
      return "boolean";
    case TypeId::kInt8:
      return "tinyint";
    case TypeId::kInt16:
      return "smallint";
    case TypeId::kInt32:
      return "int";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kFloat32:
      return "float";
    case TypeId::kFloat64:
      return "double";
    case TypeId::kDate32:
      return "date";
    case TypeId::kTimestamp:
      return t.timezone().empty() ? "timestamp_ntz" : "timestamp";
    case TypeId::kString:
    case TypeId::kLargeString:
      return "string";
    default:
      return t.ToString();
  }
}

Vec NewVec(TypePtr type, Kind kind, int64_t n) {
  Vec v;
  v.type = std::move(type);
  v.kind = kind;
  v.n = n;
  v.valid.assign(static_cast<size_t>(n), 1);
  if (kind == Kind::kFloat) {
    v.dbl.assign(static_cast<size_t>(n), 0.0);
  } else if (kind == Kind::kString) {
    v.offsets.reserve(static_cast<size_t>(n) + 1);
    v.offsets.push_back(0);
  } else {
    v.ints.assign(static_cast<size_t>(n), 0);
  }
  return v;
}

Vec NullVec(TypePtr type, int64_t n) {
  auto kind = KindOf(*type);
  Vec v = NewVec(type, kind ? *kind : Kind::kNull, n);
  std::fill(v.valid.begin(), v.valid.end(), 0);
  if (v.kind == Kind::kString) v.offsets.assign(static_cast<size_t>(n) + 1, 0);
  return v;
}

int64_t TimestampToMicros(int64_t v, columnar::TimeUnit unit) {
  switch (unit) {
    case columnar::TimeUnit::kSecond:
      return v * kMicrosPerSecond;
    case columnar::TimeUnit::kMilli:
      return v * 1000;
    case columnar::TimeUnit::kMicro:
      return v;
    case columnar::TimeUnit::kNano:
      return util::FloorDiv(v, 1000);
  }
  return v;
}

// An input column as a Vec. Timestamps of any unit become microseconds.
Result<Vec> ArrayToVec(const ArrayData& a) {
  auto kind = KindOf(*a.type);
  if (!kind) return Status::Unsupported(fmt::format("values of type {} are not supported in expressions", a.type->ToString()));
  const int64_t n = a.length;
  TypePtr type = a.type;
  if (a.type->id() == TypeId::kTimestamp && a.type->unit() != columnar::TimeUnit::kMicro) {
    type = columnar::Timestamp(columnar::TimeUnit::kMicro, a.type->timezone());
  }
  if (a.type->id() == TypeId::kLargeString) type = columnar::Utf8();
  Vec v = NewVec(type, *kind, n);
  if (*kind == Kind::kNull) {
    std::fill(v.valid.begin(), v.valid.end(), 0);
    return v;
  }
  const uint8_t* validity = a.buffers.empty() || !a.buffers[0] ? nullptr : a.buffers[0]->data();
  if (validity) {
    for (int64_t i = 0; i < n; ++i) v.valid[i] = bit_util::GetBit(validity, a.offset + i) ? 1 : 0;
  }
  switch (a.type->id()) {
    case TypeId::kBool:
      for (int64_t i = 0; i < n; ++i) v.ints[i] = a.GetBool(i) ? 1 : 0;
      break;
    case TypeId::kInt8: {
      const int8_t* p = a.values<int8_t>();
      for (int64_t i = 0; i < n; ++i) v.ints[i] = p[i];
      break;
    }
    case TypeId::kInt16: {
      const int16_t* p = a.values<int16_t>();
      for (int64_t i = 0; i < n; ++i) v.ints[i] = p[i];
      break;
    }
    case TypeId::kInt32:
    case TypeId::kDate32: {
      const int32_t* p = a.values<int32_t>();
      for (int64_t i = 0; i < n; ++i) v.ints[i] = p[i];
      break;
    }
    case TypeId::kInt64: {
      const int64_t* p = a.values<int64_t>();
      std::copy(p, p + n, v.ints.begin());
      break;
    }
    case TypeId::kTimestamp: {
      const int64_t* p = a.values<int64_t>();
      const auto unit = a.type->unit();
      for (int64_t i = 0; i < n; ++i) v.ints[i] = TimestampToMicros(p[i], unit);
      break;
    }
    case TypeId::kFloat32: {
      const float* p = a.values<float>();
      for (int64_t i = 0; i < n; ++i) v.dbl[i] = p[i];
      break;
    }
    case TypeId::kFloat64: {
      const double* p = a.values<double>();
      std::copy(p, p + n, v.dbl.begin());
      break;
    }
    default: {  // strings
      v.offsets.resize(static_cast<size_t>(n) + 1);
      for (int64_t i = 0; i < n; ++i) {
        if (v.valid[i]) v.data.append(a.GetView(i));
        v.offsets[i + 1] = static_cast<int64_t>(v.data.size());
      }
      break;
    }
  }
  return v;
}

// A Vec as an array of its own type (after CastVec to the wanted type).
Result<ArrayPtr> VecToArray(const Vec& v) {
  const int64_t n = v.n;
  auto out = std::make_shared<ArrayData>();
  out->type = v.type;
  out->length = n;
  int64_t nulls = 0;
  for (int64_t i = 0; i < n; ++i) nulls += v.valid[i] ? 0 : 1;
  out->null_count = nulls;
  if (v.kind == Kind::kNull) {
    out->null_count = n;
    return out;
  }
  columnar::BufferPtr validity;
  if (nulls > 0) {
    DELTA_ASSIGN_OR_RAISE(validity, columnar::Buffer::Allocate(bit_util::BytesForBits(n), true));
    uint8_t* bits = validity->mutable_data();
    for (int64_t i = 0; i < n; ++i) {
      if (v.valid[i]) bit_util::SetBit(bits, i);
    }
  }
  auto fill = [&](auto tag) -> Result<columnar::BufferPtr> {
    using T = decltype(tag);
    DELTA_ASSIGN_OR_RAISE(auto buf, columnar::Buffer::Allocate(n * static_cast<int64_t>(sizeof(T)), true));
    T* p = buf->template mutable_data_as<T>();
    if constexpr (std::is_floating_point_v<T>) {
      for (int64_t i = 0; i < n; ++i) p[i] = v.valid[i] ? static_cast<T>(v.dbl[i]) : T{};
    } else {
      for (int64_t i = 0; i < n; ++i) p[i] = v.valid[i] ? static_cast<T>(v.ints[i]) : T{};
    }
    return buf;
  };
  columnar::BufferPtr values;
  switch (v.type->id()) {
    case TypeId::kBool: {
      DELTA_ASSIGN_OR_RAISE(values, columnar::Buffer::Allocate(bit_util::BytesForBits(n), true));
      for (int64_t i = 0; i < n; ++i) {
        if (v.valid[i] && v.ints[i]) bit_util::SetBit(values->mutable_data(), i);
      }
      break;
    }
    case TypeId::kInt8: {
      DELTA_ASSIGN_OR_RAISE(values, fill(int8_t{}));
      break;
    }
    case TypeId::kInt16: {
      DELTA_ASSIGN_OR_RAISE(values, fill(int16_t{}));
      break;
    }
    case TypeId::kInt32:
    case TypeId::kDate32: {
      DELTA_ASSIGN_OR_RAISE(values, fill(int32_t{}));
      break;
    }
    case TypeId::kInt64:
    case TypeId::kTimestamp: {
      DELTA_ASSIGN_OR_RAISE(values, fill(int64_t{}));
      break;
    }
    case TypeId::kFloat32: {
      DELTA_ASSIGN_OR_RAISE(values, fill(float{}));
      break;
    }
    case TypeId::kFloat64: {
      DELTA_ASSIGN_OR_RAISE(values, fill(double{}));
      break;
    }
    case TypeId::kString: {
      if (v.data.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
        return Status::Unsupported("an expression result exceeds 2 GiB of string data in one batch");
      }
      DELTA_ASSIGN_OR_RAISE(auto offs, columnar::Buffer::Allocate((n + 1) * 4, true));
      int32_t* o = offs->mutable_data_as<int32_t>();
      for (int64_t i = 0; i <= n; ++i) o[i] = static_cast<int32_t>(v.offsets[i]);
      DELTA_ASSIGN_OR_RAISE(auto data, columnar::Buffer::CopyOf(v.data));
      out->buffers = {validity, offs, data};
      return out;
    }
    default:
      return Status::Unsupported(fmt::format("cannot produce values of type {}", v.type->ToString()));
  }
  out->buffers = {validity, values};
  return out;
}

// ---- Text forms (Spark's Cast to string) ----

void AppendTwo(std::string* out, int64_t v) {
  out->push_back(static_cast<char>('0' + v / 10));
  out->push_back(static_cast<char>('0' + v % 10));
}

// "yyyy-MM-dd HH:mm:ss" plus the fraction without trailing zeros (Spark's timestamp to string).
void AppendTimestamp(int64_t micros, std::string* out) {
  const int64_t days = util::FloorDiv(micros, kMicrosPerDay);
  int64_t rem = micros - days * kMicrosPerDay;
  util::AppendDate(days, out);
  const int64_t secs = rem / kMicrosPerSecond;
  int64_t frac = rem % kMicrosPerSecond;
  out->push_back(' ');
  AppendTwo(out, secs / 3600);
  out->push_back(':');
  AppendTwo(out, secs / 60 % 60);
  out->push_back(':');
  AppendTwo(out, secs % 60);
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(frac));
    std::string_view f(buf, 6);
    while (!f.empty() && f.back() == '0') f.remove_suffix(1);
    out->push_back('.');
    out->append(f);
  }
}

// Java's Double.toString / Float.toString layout of the shortest round-trip digits: plain
// notation with at least one fractional digit for 1e-3 <= |v| < 1e7, else d.dddE[-]x.
void AppendJavaDouble(double v, bool is_float, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
    return;
  }
  if (v == 0) {
    out->append(std::signbit(v) ? "-0.0" : "0.0");
    return;
  }
  char buf[64];
  std::to_chars_result r = is_float ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v), std::chars_format::scientific)
                                    : std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  bool neg = sci[0] == '-';
  if (neg) sci.remove_prefix(1);
  size_t e = sci.find('e');
  int exp = std::atoi(std::string(sci.substr(e + 1)).c_str());
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  if (neg) out->push_back('-');
  if (exp >= -3 && exp < 7) {
    if (exp < 0) {
      out->append("0.");
      out->append(static_cast<size_t>(-exp - 1), '0');
      out->append(digits);
    } else {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out->append(digits);
        out->append(int_len - digits.size(), '0');
        out->append(".0");
      } else {
        out->append(digits.substr(0, int_len));
        out->push_back('.');
        out->append(digits.substr(int_len));
      }
    }
    return;
  }
  out->push_back(digits[0]);
  out->push_back('.');
  out->append(digits.size() > 1 ? digits.substr(1) : "0");
  out->push_back('E');
  out->append(std::to_string(exp));
}

std::string_view TrimSpaces(std::string_view s) {
  // Spark trims ASCII whitespace and control characters (<= ' ') around numbers, dates and booleans.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Spark's UTF8String.toLong/toInt: [+-]digits[.digits], the fraction truncated; nullopt for
// anything else or a value outside [lo, hi].
std::optional<int64_t> ParseSparkInteger(std::string_view s, int64_t lo, int64_t hi) {
  s = TrimSpaces(s);
  if (s.empty()) return std::nullopt;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  __int128 acc = 0;
  size_t digits = 0;
  for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i, ++digits) {
    acc = acc * 10 + (s[i] - '0');
    if (acc > (static_cast<__int128>(1) << 64)) return std::nullopt;
  }
  if (i < s.size()) {
    if (s[i] != '.') return std::nullopt;
    for (++i; i < s.size(); ++i) {
      if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    }
  } else if (digits == 0) {
    return std::nullopt;
  }
  if (neg) acc = -acc;
  if (acc < lo || acc > hi) return std::nullopt;
  return static_cast<int64_t>(acc);
}

std::optional<double> ParseSparkDouble(std::string_view s) {
  s = TrimSpaces(s);
  if (s.empty()) return std::nullopt;
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  std::string_view body = s;
  bool neg = false;
  if (body[0] == '+' || body[0] == '-') {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  if (body == "Infinity" || body == "Inf" || body == "inf") {
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  // Java's parseDouble accepts a trailing type suffix (1.5d, 2f).
  if (!body.empty() && (body.back() == 'd' || body.back() == 'D' || body.back() == 'f' || body.back() == 'F')) {
    body.remove_suffix(1);
  }
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.')) return std::nullopt;
  double v = 0;
  auto r = std::from_chars(body.data(), body.data() + body.size(), v);
  if (r.ec == std::errc::result_out_of_range) {
    v = std::numeric_limits<double>::infinity();
  } else if (r.ec != std::errc() || r.ptr != body.data() + body.size()) {
    return std::nullopt;
  }
  return neg ? -v : v;
}

// Spark's stringToDate: "y[yyy...]", "yyyy-[m]m", "yyyy-[m]m-[d]d", optionally followed by ' ' or
// 'T' and anything.
std::optional<int64_t> ParseSparkDate(std::string_view s) {
  s = TrimSpaces(s);
  int64_t parts[3] = {0, 1, 1};
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    i = 1;
  }
  for (int p = 0; p < 3; ++p) {
    size_t start = i;
    int64_t v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 7) v = v * 10 + (s[i++] - '0');
    size_t len = i - start;
    if (len == 0 || (p == 0 && len < 4) || (p > 0 && len > 2)) return std::nullopt;
    parts[p] = v;
    if (i == s.size()) break;
    if (p < 2 && s[i] == '-') {
      ++i;
      continue;
    }
    if (p == 2 && (s[i] == ' ' || s[i] == 'T')) break;
    return std::nullopt;
  }
  int64_t year = neg ? -parts[0] : parts[0];
  if (parts[1] < 1 || parts[1] > 12) return std::nullopt;
  if (parts[2] < 1 || parts[2] > util::DaysInMonth(year, static_cast<unsigned>(parts[1]))) return std::nullopt;
  return util::DaysFromCivil(year, static_cast<unsigned>(parts[1]), static_cast<unsigned>(parts[2]));
}

std::optional<int64_t> ParseSparkTimestamp(std::string_view s) {
  s = TrimSpaces(s);
  int64_t micros = 0;
  if (ParseTimestampText(s, &micros)) return micros;
  if (auto d = ParseSparkDate(s)) {
    // Only a bare date (possibly with a trailing 'T' / ' ') is a timestamp at midnight.
    return *d * kMicrosPerDay;
  }
  return std::nullopt;
}

// ---- Casts ----

bool IsSupportedTarget(const columnar::DataType& t) {
  auto k = KindOf(t);
  return k && *k != Kind::kNull && t.id() != TypeId::kLargeString;
}

Result<Vec> CastVec(const Vec& in, const TypePtr& to) {
  if (in.type->Equals(*to)) return in;
  auto to_kind = KindOf(*to);
  if (!to_kind || !IsSupportedTarget(*to)) {
    return Status::Unsupported(fmt::format("cannot cast {} to {}", SparkTypeName(*in.type), SparkTypeName(*to)));
  }
  const int64_t n = in.n;
  if (in.kind == Kind::kNull) return NullVec(to, n);
  Vec out = NewVec(to, *to_kind, n);
  out.valid = in.valid;
  auto unsupported = [&]() {
    return Status::Unsupported(fmt::format("cannot cast {} to {}", SparkTypeName(*in.type), SparkTypeName(*to)));
  };
  const TypeId to_id = to->id();
  switch (*to_kind) {
    case Kind::kBool:
      if (in.kind == Kind::kInt) {
        for (int64_t i = 0; i < n; ++i) out.ints[i] = in.ints[i] != 0;
      } else if (in.kind == Kind::kFloat) {
        for (int64_t i = 0; i < n; ++i) out.ints[i] = in.dbl[i] != 0;
      } else if (in.kind == Kind::kString) {
        for (int64_t i = 0; i < n; ++i) {
          if (!in.valid[i]) continue;
          std::string t = Lower(TrimSpaces(in.str(i)));
          if (t == "t" || t == "true" || t == "y" || t == "yes" || t == "1") {
            out.ints[i] = 1;
          } else if (t == "f" || t == "false" || t == "n" || t == "no" || t == "0") {
            out.ints[i] = 0;
          } else {
            out.valid[i] = 0;
          }
        }
      } else if (in.kind == Kind::kBool) {
        out.ints = in.ints;
      } else {
        return unsupported();
      }
      return out;
    case Kind::kInt: {
      if (in.kind == Kind::kInt || in.kind == Kind::kBool) {
        for (int64_t i = 0; i < n; ++i) out.ints[i] = Wrap(in.ints[i], to_id);
      } else if (in.kind == Kind::kFloat) {
        // Java: (long) d / (int) d truncate toward zero, saturate, NaN -> 0; byte and short go
        // through int.
        for (int64_t i = 0; i < n; ++i) {
          double d = in.dbl[i];
          int64_t v;
          if (std::isnan(d)) {
            v = 0;
          } else if (to_id == TypeId::kInt64) {
            v = d >= 9223372036854775807.0 ? std::numeric_limits<int64_t>::max()
                : d <= -9223372036854775808.0 ? std::numeric_limits<int64_t>::min()
                                              : static_cast<int64_t>(d);
          } else {
            v = d >= 2147483647.0 ? 2147483647 : d <= -2147483648.0 ? -2147483648LL : static_cast<int64_t>(d);
            v = Wrap(v, to_id);
          }
          out.ints[i] = v;
        }
      } else if (in.kind == Kind::kString) {
        int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
        if (to_id == TypeId::kInt32) lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
        if (to_id == TypeId::kInt16) lo = -32768, hi = 32767;
        if (to_id == TypeId::kInt8) lo = -128, hi = 127;
        for (int64_t i = 0; i < n; ++i) {
          if (!in.valid[i]) continue;
          auto v = ParseSparkInteger(in.str(i), lo, hi);
          if (v) {
            out.ints[i] = *v;
          } else {
            out.valid[i] = 0;
          }
        }
      } else if (in.kind == Kind::kTimestamp) {
        // Seconds since the epoch, rounded down (Spark's timestamp to long).
        for (int64_t i = 0; i < n; ++i) out.ints[i] = Wrap(util::FloorDiv(in.ints[i], kMicrosPerSecond), to_id);
      } else {
        return unsupported();
      }
      return out;
    }
    case Kind::kFloat: {
      const bool to_float = to_id == TypeId::kFloat32;
      auto round = [to_float](double d) { return to_float ? static_cast<double>(static_cast<float>(d)) : d; };
      if (in.kind == Kind::kInt || in.kind == Kind::kBool) {
        for (int64_t i = 0; i < n; ++i) out.dbl[i] = round(static_cast<double>(in.ints[i]));
      } else if (in.kind == Kind::kFloat) {
        for (int64_t i = 0; i < n; ++i) out.dbl[i] = round(in.dbl[i]);
      } else if (in.kind == Kind::kString) {
        for (int64_t i = 0; i < n; ++i) {
          if (!in.valid[i]) continue;
          auto v = ParseSparkDouble(in.str(i));
          if (v) {
            out.dbl[i] = round(*v);
          } else {
            out.valid[i] = 0;
          }
        }
      } else if (in.kind == Kind::kTimestamp) {
        for (int64_t i = 0; i < n; ++i) out.dbl[i] = round(static_cast<double>(in.ints[i]) / kMicrosPerSecond);
      } else {
        return unsupported();
      }
      return out;
    }
    case Kind::kDate:
      if (in.kind == Kind::kTimestamp) {
        for (int64_t i = 0; i < n; ++i) out.ints[i] = util::FloorDiv(in.ints[i], kMicrosPerDay);
      } else if (in.kind == Kind::kString) {
        for (int64_t i = 0; i < n; ++i) {
          if (!in.valid[i]) continue;
          auto v = ParseSparkDate(in.str(i));
          if (v) {
            out.ints[i] = *v;
          } else {
            out.valid[i] = 0;
          }
        }
      } else {
        return unsupported();
      }
      return out;
    case Kind::kTimestamp:
      if (in.kind == Kind::kTimestamp) {
        out.ints = in.ints;  // TIMESTAMP <-> TIMESTAMP_NTZ: the same wall clock in UTC
      } else if (in.kind == Kind::kDate) {
        for (int64_t i = 0; i < n; ++i) out.ints[i] = in.ints[i] * kMicrosPerDay;
      } else if (in.kind == Kind::kInt) {
        for (int64_t i = 0; i < n; ++i) {
          // Seconds since the epoch; saturate like Spark's SECONDS.toMicros.
          __int128 v = static_cast<__int128>(in.ints[i]) * kMicrosPerSecond;
          out.ints[i] = v > std::numeric_limits<int64_t>::max()   ? std::numeric_limits<int64_t>::max()
                        : v < std::numeric_limits<int64_t>::min() ? std::numeric_limits<int64_t>::min()
                                                                  : static_cast<int64_t>(v);
        }
      } else if (in.kind == Kind::kFloat) {
        for (int64_t i = 0; i < n; ++i) {
          double d = in.dbl[i] * kMicrosPerSecond;
          if (std::isnan(d) || std::isinf(d)) {
            out.valid[i] = 0;
          } else {
            out.ints[i] = static_cast<int64_t>(d);
          }
        }
      } else if (in.kind == Kind::kString) {
        for (int64_t i = 0; i < n; ++i) {
          if (!in.valid[i]) continue;
          auto v = ParseSparkTimestamp(in.str(i));
          if (v) {
            out.ints[i] = *v;
          } else {
            out.valid[i] = 0;
          }
        }
      } else {
        return unsupported();
      }
      return out;
    case Kind::kString: {
      out.data.reserve(static_cast<size_t>(n) * 8);
      for (int64_t i = 0; i < n; ++i) {
        if (in.valid[i]) {
          switch (in.kind) {
            case Kind::kBool:
              out.data.append(in.ints[i] ? "true" : "false");
              break;
            case Kind::kInt: {
              char buf[24];
              auto r = std::to_chars(buf, buf + sizeof(buf), in.ints[i]);
              out.data.append(buf, static_cast<size_t>(r.ptr - buf));
              break;
            }
            case Kind::kFloat:
              AppendJavaDouble(in.dbl[i], in.type->id() == TypeId::kFloat32, &out.data);
              break;
            case Kind::kDate:
              util::AppendDate(in.ints[i], &out.data);
              break;
            case Kind::kTimestamp:
              AppendTimestamp(in.ints[i], &out.data);
              break;
            case Kind::kString:
              out.data.append(in.str(i));
              break;
            case Kind::kNull:
              break;
          }
        }
        out.offsets.push_back(static_cast<int64_t>(out.data.size()));
      }
      return out;
    }
    case Kind::kNull:
      break;
  }
  return unsupported();
}

// ---- Parsing ----

enum class Tok { kEnd, kIdent, kQuotedIdent, kInt, kNumber, kString, kOp };

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;  // identifier / literal text / operator
  size_t pos = 0;
};

}  // namespace

struct ScalarExpression::Node {
  enum class Op { kLiteral, kColumn, kNeg, kAdd, kSub, kMul, kDiv, kMod, kCast, kCall };
  Op op = Op::kLiteral;
  std::string name;  // function name (lower case) for kCall
  std::vector<std::string> path;
  std::vector<std::shared_ptr<Node>> children;
  // Literal value (kLiteral): a length-1 Vec.
  Vec literal;
  // Bound: field indices along `path`, and the result type.
  std::vector<int> indices;
  TypePtr type;
  // Literal arguments some functions need at bind time (formats, units).
  std::string text_arg;
};

namespace {

using Node = ScalarExpression::Node;
using NodePtr = std::shared_ptr<Node>;

constexpr int kMaxDepth = 200;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<NodePtr> ParseAll() {
    DELTA_RETURN_NOT_OK(Tokenize());
    DELTA_ASSIGN_OR_RAISE(auto node, Additive(0));
    if (Peek().kind != Tok::kEnd) return Expected("end of expression");
    return node;
  }

 private:
  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token t;
      t.pos = i;
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_')) ++j;
        t.kind = Tok::kIdent;
        t.text = std::string(text_.substr(i, j - i));
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c)) ||
                 (c == '.' && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
        size_t j = i;
        bool is_int = true;
        while (j < text_.size() && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
        if (j < text_.size() && text_[j] == '.') {
          is_int = false;
          ++j;
          while (j < text_.size() && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
        }
        if (j < text_.size() && (text_[j] == 'e' || text_[j] == 'E')) {
          size_t k = j + 1;
          if (k < text_.size() && (text_[k] == '+' || text_[k] == '-')) ++k;
          if (k < text_.size() && std::isdigit(static_cast<unsigned char>(text_[k]))) {
            is_int = false;
            j = k;
            while (j < text_.size() && std::isdigit(static_cast<unsigned char>(text_[j]))) ++j;
          }
        }
        t.text = std::string(text_.substr(i, j - i));
        // Spark's typed numeric suffixes: 1L (bigint), 1S, 1Y, 1.5D, 1.5BD (decimal).
        if (j < text_.size() && std::isalpha(static_cast<unsigned char>(text_[j]))) {
          char s = static_cast<char>(std::toupper(static_cast<unsigned char>(text_[j])));
          if (is_int && (s == 'L' || s == 'S' || s == 'Y')) {
            t.text.push_back(s);
            ++j;
          } else if (s == 'D' && !(j + 1 < text_.size() && std::isalnum(static_cast<unsigned char>(text_[j + 1])))) {
            is_int = false;
            ++j;
          } else {
            return Status::Unsupported(fmt::format("unsupported numeric literal at {} in: {}", i, text_));
          }
        }
        t.kind = is_int ? Tok::kInt : Tok::kNumber;
        i = j;
      } else if (c == '\'' || c == '"') {
        // Spark string literals: either quote, backslash escapes, doubled quotes are not special
        // in Spark but adjacent literals concatenate; we accept \\, \', \", \n, \t.
        size_t j = i + 1;
        std::string s;
        bool closed = false;
        while (j < text_.size()) {
          char d = text_[j];
          if (d == '\\' && j + 1 < text_.size()) {
            char e = text_[j + 1];
            s.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e);
            j += 2;
            continue;
          }
          if (d == c) {
            closed = true;
            ++j;
            break;
          }
          s.push_back(d);
          ++j;
        }
        if (!closed) return Status::InvalidArgument(fmt::format("unterminated string at {} in: {}", i, text_));
        t.kind = Tok::kString;
        t.text = std::move(s);
        i = j;
      } else if (c == '`') {
        size_t j = i + 1;
        std::string s;
        bool closed = false;
        while (j < text_.size()) {
          if (text_[j] == '`') {
            if (j + 1 < text_.size() && text_[j + 1] == '`') {
              s.push_back('`');
              j += 2;
              continue;
            }
            closed = true;
            ++j;
            break;
          }
          s.push_back(text_[j++]);
        }
        if (!closed) return Status::InvalidArgument(fmt::format("unterminated `name` at {} in: {}", i, text_));
        t.kind = Tok::kQuotedIdent;
        t.text = std::move(s);
        i = j;
      } else if (std::strchr("+-*/%(),.", c) != nullptr) {
        t.kind = Tok::kOp;
        t.text = std::string(1, c);
        ++i;
      } else {
        // Comparison, boolean, bitwise and string operators (||) are outside the language.
        return Status::Unsupported(fmt::format("unsupported character '{}' at {} in: {}", c, i, text_));
      }
      tokens_.push_back(std::move(t));
    }
    Token end;
    end.pos = text_.size();
    tokens_.push_back(end);
    return Status::OK();
  }

  const Token& Peek(size_t ahead = 0) const { return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)]; }
  Token Take() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool IsOp(const Token& t, const char* op) const { return t.kind == Tok::kOp && t.text == op; }
  bool IsKeyword(const Token& t, const char* kw) const { return t.kind == Tok::kIdent && Lower(t.text) == kw; }
  Status Expected(const char* what) const {
    return Status::InvalidArgument(fmt::format("expected {} at {} in: {}", what, Peek().pos, text_));
  }
  Status ExpectOp(const char* op) {
    if (!IsOp(Peek(), op)) return Expected(fmt::format("'{}'", op).c_str());
    ++pos_;
    return Status::OK();
  }

  static NodePtr Binary(Node::Op op, NodePtr a, NodePtr b) {
    auto n = std::make_shared<Node>();
    n->op = op;
    n->children = {std::move(a), std::move(b)};
    return n;
  }

  Result<NodePtr> Additive(int depth) {
    if (depth > kMaxDepth) return Status::InvalidArgument(fmt::format("expression nested too deeply: {}", text_));
    DELTA_ASSIGN_OR_RAISE(auto left, Term(depth));
    while (IsOp(Peek(), "+") || IsOp(Peek(), "-")) {
      Node::Op op = Take().text == "+" ? Node::Op::kAdd : Node::Op::kSub;
      DELTA_ASSIGN_OR_RAISE(auto right, Term(depth));
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  Result<NodePtr> Term(int depth) {
    DELTA_ASSIGN_OR_RAISE(auto left, Unary(depth));
    while (IsOp(Peek(), "*") || IsOp(Peek(), "/") || IsOp(Peek(), "%") || IsKeyword(Peek(), "div")) {
      if (IsKeyword(Peek(), "div")) return Status::Unsupported(fmt::format("the DIV operator is not supported: {}", text_));
      std::string t = Take().text;
      Node::Op op = t == "*" ? Node::Op::kMul : t == "/" ? Node::Op::kDiv : Node::Op::kMod;
      DELTA_ASSIGN_OR_RAISE(auto right, Unary(depth));
      left = Binary(op, std::move(left), std::move(right));
    }
    return left;
  }

  Result<NodePtr> Unary(int depth) {
    if (depth > kMaxDepth) return Status::InvalidArgument(fmt::format("expression nested too deeply: {}", text_));
    if (IsOp(Peek(), "-")) {
      ++pos_;
      // A negative numeric literal stays a literal (so -2147483648 is an INT, as in Spark).
      if (Peek().kind == Tok::kInt || Peek().kind == Tok::kNumber) {
        Token t = Take();
        t.text = "-" + t.text;
        return NumberLiteral(t);
      }
      DELTA_ASSIGN_OR_RAISE(auto operand, Unary(depth + 1));
      auto n = std::make_shared<Node>();
      n->op = Node::Op::kNeg;
      n->children = {std::move(operand)};
      return n;
    }
    if (IsOp(Peek(), "+")) {
      ++pos_;
      return Unary(depth + 1);
    }
    return Primary(depth);
  }

  static NodePtr LiteralNode(Vec v) {
    auto n = std::make_shared<Node>();
    n->op = Node::Op::kLiteral;
    n->type = v.type;
    n->literal = std::move(v);
    return n;
  }

  Result<NodePtr> NumberLiteral(const Token& t) {
    std::string text = t.text;
    TypePtr type;
    if (t.kind == Tok::kInt) {
      char suffix = text.back();
      if (suffix == 'L' || suffix == 'S' || suffix == 'Y') text.pop_back();
      auto v = ParseSparkInteger(text, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
      if (!v) return Status::Unsupported(fmt::format("integer literal {} does not fit a BIGINT (DECIMAL literals are not supported)", t.text));
      if (suffix == 'L') {
        type = columnar::Int64();
      } else if (suffix == 'S') {
        type = columnar::Int16();
      } else if (suffix == 'Y') {
        type = columnar::Int8();
      } else {
        type = *v >= std::numeric_limits<int32_t>::min() && *v <= std::numeric_limits<int32_t>::max() ? columnar::Int32()
                                                                                                      : columnar::Int64();
      }
      if (Wrap(*v, type->id()) != *v) return Status::InvalidArgument(fmt::format("literal {} is out of range", t.text));
      Vec vec = NewVec(type, Kind::kInt, 1);
      vec.ints[0] = *v;
      return LiteralNode(std::move(vec));
    }
    auto d = ParseSparkDouble(text);
    if (!d) return Status::InvalidArgument(fmt::format("bad number {} at {} in: {}", t.text, t.pos, text_));
    Vec vec = NewVec(columnar::Float64(), Kind::kFloat, 1);
    vec.dbl[0] = *d;
    return LiteralNode(std::move(vec));
  }

  Result<TypePtr> ParseType() {
    Token t = Take();
    if (t.kind != Tok::kIdent) return Expected("a type name");
    std::string name = Lower(t.text);
    if (name == "boolean") return columnar::Bool();
    if (name == "tinyint" || name == "byte") return columnar::Int8();
    if (name == "smallint" || name == "short") return columnar::Int16();
    if (name == "int" || name == "integer") return columnar::Int32();
    if (name == "bigint" || name == "long") return columnar::Int64();
    if (name == "float" || name == "real") return columnar::Float32();
    if (name == "double") return columnar::Float64();
    if (name == "date") return columnar::Date32();
    if (name == "timestamp" || name == "timestamp_ltz") return columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC");
    if (name == "timestamp_ntz") return columnar::Timestamp(columnar::TimeUnit::kMicro);
    if (name == "string") return columnar::Utf8();
    if (name == "varchar" || name == "char") {
      // Spark casts to VARCHAR(n) / CHAR(n) as to STRING (the length is checked on write only).
      if (IsOp(Peek(), "(")) {
        ++pos_;
        if (Peek().kind != Tok::kInt) return Expected("a length");
        ++pos_;
        DELTA_RETURN_NOT_OK(ExpectOp(")"));
      }
      return columnar::Utf8();
    }
    return Status::Unsupported(fmt::format("CAST to type {} is not supported in: {}", t.text, text_));
  }

  Result<NodePtr> Primary(int depth) {
    Token t = Peek();
    if (t.kind == Tok::kInt || t.kind == Tok::kNumber) {
      ++pos_;
      return NumberLiteral(t);
    }
    if (t.kind == Tok::kString) {
      ++pos_;
      std::string s = t.text;
      while (Peek().kind == Tok::kString) s += Take().text;  // 'a' 'b' is 'ab' in Spark
      Vec v = NewVec(columnar::Utf8(), Kind::kString, 1);
      v.data = std::move(s);
      v.offsets.push_back(static_cast<int64_t>(v.data.size()));
      return LiteralNode(std::move(v));
    }
    if (IsOp(t, "(")) {
      ++pos_;
      DELTA_ASSIGN_OR_RAISE(auto inner, Additive(depth + 1));
      DELTA_RETURN_NOT_OK(ExpectOp(")"));
      return inner;
    }
    if (t.kind == Tok::kQuotedIdent || t.kind == Tok::kIdent) {
      std::string kw = t.kind == Tok::kIdent ? Lower(t.text) : "";
      if (kw == "true" || kw == "false") {
        ++pos_;
        Vec v = NewVec(columnar::Bool(), Kind::kBool, 1);
        v.ints[0] = kw == "true";
        return LiteralNode(std::move(v));
      }
      if (kw == "null") {
        ++pos_;
        return LiteralNode(NullVec(columnar::Null(), 1));
      }
      if ((kw == "date" || kw == "timestamp" || kw == "timestamp_ntz") && Peek(1).kind == Tok::kString) {
        pos_ += 2;
        const std::string& lit = tokens_[pos_ - 1].text;
        if (kw == "date") {
          auto d = ParseSparkDate(lit);
          if (!d) return Status::InvalidArgument(fmt::format("bad DATE literal '{}' in: {}", lit, text_));
          Vec v = NewVec(columnar::Date32(), Kind::kDate, 1);
          v.ints[0] = *d;
          return LiteralNode(std::move(v));
        }
        auto ts = ParseSparkTimestamp(lit);
        if (!ts) return Status::InvalidArgument(fmt::format("bad TIMESTAMP literal '{}' in: {}", lit, text_));
        Vec v = NewVec(kw == "timestamp" ? columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC")
                                         : columnar::Timestamp(columnar::TimeUnit::kMicro),
                       Kind::kTimestamp, 1);
        v.ints[0] = *ts;
        return LiteralNode(std::move(v));
      }
      if (kw == "case" || kw == "if" || kw == "interval" || kw == "not" || kw == "exists") {
        if (kw != "if" || IsOp(Peek(1), "(")) {
          return Status::Unsupported(fmt::format("{} is not supported in: {}", Lower(t.text), text_));
        }
      }
      if (t.kind == Tok::kIdent && IsOp(Peek(1), "(")) {
        pos_ += 2;
        auto n = std::make_shared<Node>();
        if (kw == "cast" || kw == "try_cast") {
          if (kw == "try_cast") return Status::Unsupported(fmt::format("TRY_CAST is not supported in: {}", text_));
          n->op = Node::Op::kCast;
          DELTA_ASSIGN_OR_RAISE(auto operand, Additive(depth + 1));
          if (!IsKeyword(Peek(), "as")) return Expected("AS");
          ++pos_;
          DELTA_ASSIGN_OR_RAISE(n->type, ParseType());
          DELTA_RETURN_NOT_OK(ExpectOp(")"));
          n->children = {std::move(operand)};
          return n;
        }
        n->op = Node::Op::kCall;
        n->name = kw;
        if (!IsOp(Peek(), ")")) {
          while (true) {
            DELTA_ASSIGN_OR_RAISE(auto arg, Additive(depth + 1));
            n->children.push_back(std::move(arg));
            if (IsOp(Peek(), ",")) {
              ++pos_;
              continue;
            }
            break;
          }
        }
        DELTA_RETURN_NOT_OK(ExpectOp(")"));
        return n;
      }
      auto n = std::make_shared<Node>();
      n->op = Node::Op::kColumn;
      n->path.push_back(Take().text);
      while (IsOp(Peek(), ".")) {
        ++pos_;
        Token part = Take();
        if (part.kind != Tok::kIdent && part.kind != Tok::kQuotedIdent) return Expected("a field name");
        n->path.push_back(part.text);
      }
      return n;
    }
    if (t.kind == Tok::kEnd) return Expected("an operand");
    return Status::Unsupported(fmt::format("unsupported token '{}' at {} in: {}", t.text, t.pos, text_));
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// ---- Date / time pieces ----

struct DateParts {
  int64_t year;
  unsigned month, day;
};

DateParts SplitDate(int64_t days) {
  DateParts p{};
  util::CivilFromDays(days, &p.year, &p.month, &p.day);
  return p;
}

// A date_format / to_date pattern (Spark's DateTimeFormatter patterns, the common subset).
struct PatternPart {
  char letter = 0;  // 0: literal text
  int count = 0;
  std::string literal;
};

Result<std::vector<PatternPart>> ParsePattern(const std::string& pattern, std::string_view sql) {
  std::vector<PatternPart> parts;
  size_t i = 0;
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '\'') {
      size_t j = i + 1;
      std::string lit;
      if (j < pattern.size() && pattern[j] == '\'') {
        lit = "'";
        j += 1;
      } else {
        while (j < pattern.size()) {
          if (pattern[j] == '\'') {
            if (j + 1 < pattern.size() && pattern[j + 1] == '\'') {
              lit.push_back('\'');
              j += 2;
              continue;
            }
            break;
          }
          lit.push_back(pattern[j++]);
        }
        if (j >= pattern.size()) {
          return Status::InvalidArgument(fmt::format("unterminated quote in pattern '{}' of: {}", pattern, sql));
        }
        ++j;
      }
      parts.push_back({0, 0, lit});
      i = j;
      continue;
    }
    if (std::isalpha(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < pattern.size() && pattern[j] == c) ++j;
      int count = static_cast<int>(j - i);
      bool ok = false;
      switch (c) {
        case 'y':
        case 'd':
        case 'H':
        case 'h':
        case 'm':
        case 's':
          ok = count <= 2 || (c == 'y' && count == 4);
          break;
        case 'M':
          ok = count <= 4;
          break;
        case 'S':
          ok = count <= 6;
          break;
        case 'a':
          ok = count == 1;
          break;
        case 'E':
          ok = count <= 4;
          break;
        case 'D':
          ok = count <= 3;
          break;
        default:
          break;
      }
      if (!ok) {
        return Status::Unsupported(fmt::format("pattern letter '{}' ({} times) in '{}' is not supported in: {}",
                                               std::string(1, c), count, pattern, sql));
      }
      parts.push_back({c, count, {}});
      i = j;
      continue;
    }
    if (!parts.empty() && parts.back().letter == 0) {
      parts.back().literal.push_back(c);
    } else {
      parts.push_back({0, 0, std::string(1, c)});
    }
    ++i;
  }
  return parts;
}

constexpr const char* kMonthNames[] = {"January", "February", "March",     "April",   "May",      "June",
                                       "July",    "August",   "September", "October", "November", "December"};
constexpr const char* kDayNames[] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

void AppendPadded(int64_t v, int width, std::string* out) {
  if (v < 0) {
    out->push_back('-');
    v = -v;
  }
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  const int len = static_cast<int>(r.ptr - buf);
  if (len < width) out->append(static_cast<size_t>(width - len), '0');
  out->append(buf, static_cast<size_t>(len));
}

void FormatMicros(int64_t micros, const std::vector<PatternPart>& parts, std::string* out) {
  const int64_t days = util::FloorDiv(micros, kMicrosPerDay);
  const int64_t tod = micros - days * kMicrosPerDay;
  const DateParts d = SplitDate(days);
  const int64_t secs = tod / kMicrosPerSecond;
  for (const auto& p : parts) {
    switch (p.letter) {
      case 0:
        out->append(p.literal);
        break;
      case 'y':
        if (p.count == 2) {
          AppendPadded(((d.year % 100) + 100) % 100, 2, out);
        } else {
          AppendPadded(d.year, p.count, out);
        }
        break;
      case 'M':
        if (p.count >= 3) {
          std::string_view name = kMonthNames[d.month - 1];
          out->append(p.count == 3 ? name.substr(0, 3) : name);
        } else {
          AppendPadded(d.month, p.count, out);
        }
        break;
      case 'd':
        AppendPadded(d.day, p.count, out);
        break;
      case 'D':
        AppendPadded(days - util::DaysFromCivil(d.year, 1, 1) + 1, p.count, out);
        break;
      case 'H':
        AppendPadded(secs / 3600, p.count, out);
        break;
      case 'h': {
        int64_t h = secs / 3600 % 12;
        AppendPadded(h == 0 ? 12 : h, p.count, out);
        break;
      }
      case 'm':
        AppendPadded(secs / 60 % 60, p.count, out);
        break;
      case 's':
        AppendPadded(secs % 60, p.count, out);
        break;
      case 'S': {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "%06lld", static_cast<long long>(tod % kMicrosPerSecond));
        out->append(buf, static_cast<size_t>(p.count));
        break;
      }
      case 'a':
        out->append(secs / 3600 < 12 ? "AM" : "PM");
        break;
      case 'E': {
        // 1970-01-01 was a Thursday (index 3).
        int64_t dow = ((days % 7) + 7 + 3) % 7;
        std::string_view name = kDayNames[dow];
        out->append(p.count == 4 ? name : name.substr(0, 3));
        break;
      }
    }
  }
}

// Parses text with a pattern (to_date(str, fmt)): numeric fields take up to their width of
// digits (a one-letter field up to the natural width), literals must match; nullopt otherwise.
std::optional<int64_t> ParseWithPattern(std::string_view s, const std::vector<PatternPart>& parts) {
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, frac = 0;
  bool pm = false, has_ampm = false;
  size_t i = 0;
  auto digits = [&](int min_len, int max_len, int64_t* v) {
    size_t start = i;
    int64_t acc = 0;
    while (i < s.size() && static_cast<int>(i - start) < max_len && std::isdigit(static_cast<unsigned char>(s[i]))) {
      acc = acc * 10 + (s[i++] - '0');
    }
    *v = acc;
    return static_cast<int>(i - start) >= min_len;
  };
  for (const auto& p : parts) {
    bool ok = true;
    switch (p.letter) {
      case 0:
        ok = s.substr(i, p.literal.size()) == p.literal;
        i += p.literal.size();
        break;
      case 'y':
        ok = p.count == 2 ? digits(2, 2, &year) : digits(p.count, 9, &year);
        if (ok && p.count == 2) year += 2000;
        break;
      case 'M':
        if (p.count >= 3) {
          ok = false;
          for (unsigned m = 0; m < 12 && !ok; ++m) {
            std::string_view name = kMonthNames[m];
            if (p.count == 3) name = name.substr(0, 3);
            if (s.substr(i, name.size()) == name) {
              month = m + 1;
              i += name.size();
              ok = true;
            }
          }
        } else {
          ok = digits(p.count, 2, &month);
        }
        break;
      case 'd':
        ok = digits(p.count, 2, &day);
        break;
      case 'H':
      case 'h':
        ok = digits(p.count, 2, &hour);
        break;
      case 'm':
        ok = digits(p.count, 2, &minute);
        break;
      case 's':
        ok = digits(p.count, 2, &second);
        break;
      case 'S': {
        int64_t v = 0;
        size_t start = i;
        ok = digits(p.count, p.count, &v);
        for (size_t k = i - start; k < 6; ++k) v *= 10;
        frac = v;
        break;
      }
      case 'a':
        has_ampm = true;
        if (s.substr(i, 2) == "AM" || s.substr(i, 2) == "PM") {
          pm = s[i] == 'P';
          i += 2;
        } else {
          ok = false;
        }
        break;
      default:
        ok = false;
        break;
    }
    if (!ok) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (has_ampm) hour = hour % 12 + (pm ? 12 : 0);
  if (month < 1 || month > 12 || day < 1 || day > util::DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t days = util::DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * kMicrosPerSecond + frac;
}

// ---- Binding ----

TypePtr TimestampUtc() { return columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC"); }

bool IsNumeric(const columnar::DataType& t) {
  auto k = KindOf(t);
  return k && (*k == Kind::kInt || *k == Kind::kFloat);
}

class Binder {
 public:
  Binder(const columnar::Schema& schema, std::string_view sql) : schema_(schema), sql_(sql) {}

  Status Bind(Node* n) {
    for (auto& c : n->children) DELTA_RETURN_NOT_OK(Bind(c.get()));
    switch (n->op) {
      case Node::Op::kLiteral:
        return Status::OK();
      case Node::Op::kColumn:
        return BindColumn(n);
      case Node::Op::kNeg: {
        const auto& t = n->children[0]->type;
        if (t->id() == TypeId::kNull) {
          n->type = t;
          return Status::OK();
        }
        if (!IsNumeric(*t)) return Unsupported(fmt::format("unary minus of {}", SparkTypeName(*t)));
        n->type = t;
        return Status::OK();
      }
      case Node::Op::kAdd:
      case Node::Op::kSub:
      case Node::Op::kMul:
      case Node::Op::kDiv:
      case Node::Op::kMod:
        return BindArithmetic(n);
      case Node::Op::kCast: {
        const auto& from = n->children[0]->type;
        if (!KindOf(*from)) return Unsupported(fmt::format("CAST from {}", SparkTypeName(*from)));
        return Status::OK();
      }
      case Node::Op::kCall:
        return BindCall(n);
    }
    return Status::OK();
  }

 private:
  Status Unsupported(const std::string& what) const {
    return Status::Unsupported(fmt::format("{} is not supported in: {}", what, sql_));
  }

  Status BindColumn(Node* n) {
    const std::vector<columnar::FieldPtr>* fields = &schema_.fields();
    std::vector<std::string> spelled;
    TypePtr type;
    for (size_t level = 0; level < n->path.size(); ++level) {
      if (fields == nullptr) {
        return Status::InvalidArgument(
            fmt::format("'{}' is {}, not a struct, in: {}", fmt::join(spelled, "."), type->ToString(), sql_));
      }
      const std::string& name = n->path[level];
      int found = -1;
      for (size_t i = 0; i < fields->size() && found < 0; ++i) {
        if ((*fields)[i]->name == name) found = static_cast<int>(i);
      }
      if (found < 0) {
        std::string lname = Lower(name);
        for (size_t i = 0; i < fields->size(); ++i) {
          if (Lower((*fields)[i]->name) == lname) {
            if (found >= 0) return Status::InvalidArgument(fmt::format("ambiguous column '{}' in: {}", name, sql_));
            found = static_cast<int>(i);
          }
        }
      }
      if (found < 0) {
        std::vector<std::string> names;
        for (const auto& f : *fields) names.push_back(f->name);
        return Status::InvalidArgument(
            fmt::format("unknown column '{}' (columns: {}) in: {}", name, fmt::join(names, ", "), sql_));
      }
      const auto& f = (*fields)[static_cast<size_t>(found)];
      n->indices.push_back(found);
      spelled.push_back(f->name);
      type = f->type;
      fields = type->id() == TypeId::kStruct ? &type->children() : nullptr;
    }
    n->path = spelled;
    if (!KindOf(*type) || type->id() == TypeId::kNull) {
      return Unsupported(fmt::format("column '{}' of type {}", fmt::join(spelled, "."), type->ToString()));
    }
    if (type->id() == TypeId::kLargeString) type = columnar::Utf8();
    if (type->id() == TypeId::kTimestamp && type->unit() != columnar::TimeUnit::kMicro) {
      type = columnar::Timestamp(columnar::TimeUnit::kMicro, type->timezone());
    }
    n->type = type;
    return Status::OK();
  }

  Status BindArithmetic(Node* n) {
    static const char* kNames[] = {"", "", "", "+", "-", "*", "/", "%"};
    TypePtr a = n->children[0]->type, b = n->children[1]->type;
    const char* opname = kNames[static_cast<int>(n->op)];
    // Spark's implicit casts: strings in arithmetic are read as DOUBLE.
    if (KindOf(*a) == Kind::kString) a = Coerce(n, 0, columnar::Float64());
    if (KindOf(*b) == Kind::kString) b = Coerce(n, 1, columnar::Float64());
    if (a->id() == TypeId::kNull && b->id() == TypeId::kNull) {
      n->type = n->op == Node::Op::kDiv ? columnar::Float64() : columnar::Null();
      return Status::OK();
    }
    if (a->id() == TypeId::kNull) a = b;
    if (b->id() == TypeId::kNull) b = a;
    // date + int / date - int / int + date: Spark's date_add / date_sub.
    if ((n->op == Node::Op::kAdd || n->op == Node::Op::kSub) && a->id() == TypeId::kDate32 && KindOf(*b) == Kind::kInt) {
      n->type = columnar::Date32();
      return Status::OK();
    }
    if (n->op == Node::Op::kAdd && b->id() == TypeId::kDate32 && KindOf(*a) == Kind::kInt) {
      n->type = columnar::Date32();
      return Status::OK();
    }
    if (!IsNumeric(*a) || !IsNumeric(*b)) {
      return Unsupported(fmt::format("{} {} {}", SparkTypeName(*a), opname, SparkTypeName(*b)));
    }
    if (n->op == Node::Op::kDiv) {
      n->type = columnar::Float64();
    } else if (KindOf(*a) == Kind::kInt && KindOf(*b) == Kind::kInt) {
      n->type = IntRank(a->id()) >= IntRank(b->id()) ? a : b;
    } else if (a->id() == TypeId::kFloat32 && (b->id() == TypeId::kFloat32 || KindOf(*b) == Kind::kInt)) {
      n->type = columnar::Float32();
    } else if (b->id() == TypeId::kFloat32 && KindOf(*a) == Kind::kInt) {
      n->type = columnar::Float32();
    } else {
      n->type = columnar::Float64();
    }
    return Status::OK();
  }

  // Wraps child i in a cast to `to`; returns `to`.
  TypePtr Coerce(Node* n, size_t i, TypePtr to) {
    auto c = std::make_shared<Node>();
    c->op = Node::Op::kCast;
    c->type = to;
    c->children = {n->children[i]};
    n->children[i] = c;
    return to;
  }

  // Literal text argument (formats, units); Unsupported when not a string literal.
  Result<std::string> TextArg(Node* n, size_t i) {
    const auto& c = n->children[i];
    if (c->op != Node::Op::kLiteral || c->literal.kind != Kind::kString) {
      return Unsupported(fmt::format("a non-literal argument {} of {}()", i + 1, n->name));
    }
    return std::string(c->literal.str(0));
  }

  Status Arity(Node* n, size_t lo, size_t hi) {
    if (n->children.size() < lo || n->children.size() > hi) {
      return Status::InvalidArgument(fmt::format("{}() takes {} arguments, not {}, in: {}", n->name,
                                                 lo == hi ? std::to_string(lo) : fmt::format("{} to {}", lo, hi),
                                                 n->children.size(), sql_));
    }
    return Status::OK();
  }

  Status BindCall(Node* n) {
    const std::string& f = n->name;
    auto kind = [&](size_t i) { return KindOf(*n->children[i]->type); };
    auto need_datetime = [&](size_t i, bool as_date) -> Status {
      auto k = kind(i);
      if (k == Kind::kDate || k == Kind::kTimestamp || k == Kind::kNull) return Status::OK();
      if (k == Kind::kString) {
        Coerce(n, i, as_date ? columnar::Date32() : TimestampUtc());
        return Status::OK();
      }
      return Unsupported(fmt::format("{}() of {}", f, SparkTypeName(*n->children[i]->type)));
    };
    if (f == "year" || f == "month" || f == "day" || f == "dayofmonth" || f == "quarter" || f == "dayofyear" ||
        f == "dayofweek") {
      DELTA_RETURN_NOT_OK(Arity(n, 1, 1));
      DELTA_RETURN_NOT_OK(need_datetime(0, true));
      n->type = columnar::Int32();
      return Status::OK();
    }
    if (f == "hour" || f == "minute" || f == "second") {
      DELTA_RETURN_NOT_OK(Arity(n, 1, 1));
      DELTA_RETURN_NOT_OK(need_datetime(0, false));
      n->type = columnar::Int32();
      return Status::OK();
    }
    if (f == "to_date" || f == "date") {
      DELTA_RETURN_NOT_OK(Arity(n, 1, f == "date" ? 1 : 2));
      if (n->children.size() == 2) {
        DELTA_ASSIGN_OR_RAISE(n->text_arg, TextArg(n, 1));
        DELTA_ASSIGN_OR_RAISE(auto parts, ParsePattern(n->text_arg, sql_));
        (void)parts;
        if (kind(0) != Kind::kString && kind(0) != Kind::kNull) {
          // to_date(ts, fmt) formats then parses in Spark; for dates / timestamps that is a
          // plain conversion unless the pattern drops fields: not supported.
          return Unsupported(fmt::format("to_date() with a format of a {} argument", SparkTypeName(*n->children[0]->type)));
        }
      } else {
        auto k = kind(0);
        if (k != Kind::kDate && k != Kind::kTimestamp && k != Kind::kString && k != Kind::kNull) {
          return Unsupported(fmt::format("{}() of {}", f, SparkTypeName(*n->children[0]->type)));
        }
      }
      n->type = columnar::Date32();
      return Status::OK();
    }
    if (f == "date_format") {
      DELTA_RETURN_NOT_OK(Arity(n, 2, 2));
      DELTA_RETURN_NOT_OK(need_datetime(0, false));
      DELTA_ASSIGN_OR_RAISE(n->text_arg, TextArg(n, 1));
      DELTA_ASSIGN_OR_RAISE(auto parts, ParsePattern(n->text_arg, sql_));
      (void)parts;
      n->type = columnar::Utf8();
      return Status::OK();
    }
    if (f == "date_trunc") {
      DELTA_RETURN_NOT_OK(Arity(n, 2, 2));
      DELTA_ASSIGN_OR_RAISE(n->text_arg, TextArg(n, 0));
      n->text_arg = Lower(n->text_arg);
      std::swap(n->children[0], n->children[1]);  // the value first, like trunc()
      DELTA_RETURN_NOT_OK(need_datetime(0, false));
      if (kind(0) == Kind::kDate) Coerce(n, 0, TimestampUtc());
      n->type = kind(0) == Kind::kTimestamp ? n->children[0]->type : TimestampUtc();
      return Status::OK();
    }
    if (f == "trunc") {
      DELTA_RETURN_NOT_OK(Arity(n, 2, 2));
      DELTA_ASSIGN_OR_RAISE(n->text_arg, TextArg(n, 1));
      n->text_arg = Lower(n->text_arg);
      auto k = kind(0);
      if (k == Kind::kString || k == Kind::kTimestamp) {
        Coerce(n, 0, columnar::Date32());
      } else if (k != Kind::kDate && k != Kind::kNull) {
        return Unsupported(fmt::format("trunc() of {}", SparkTypeName(*n->children[0]->type)));
      }
      n->type = columnar::Date32();
      return Status::OK();
    }
    auto to_string = [&](size_t i) {
      if (kind(i) != Kind::kString) Coerce(n, i, columnar::Utf8());
    };
    auto to_int = [&](size_t i) -> Status {
      auto k = kind(i);
      if (k == Kind::kNull || k == Kind::kInt || k == Kind::kString || k == Kind::kFloat) {
        if (n->children[i]->type->id() != TypeId::kInt32) Coerce(n, i, columnar::Int32());
        return Status::OK();
      }
      return Unsupported(fmt::format("{}() with a {} argument", f, SparkTypeName(*n->children[i]->type)));
    };
    if (f == "substring" || f == "substr") {
      DELTA_RETURN_NOT_OK(Arity(n, 2, 3));
      to_string(0);
      for (size_t i = 1; i < n->children.size(); ++i) DELTA_RETURN_NOT_OK(to_int(i));
      n->type = columnar::Utf8();
      return Status::OK();
    }
    if (f == "concat") {
      if (n->children.empty()) return Arity(n, 1, 1000);
      for (size_t i = 0; i < n->children.size(); ++i) to_string(i);
      n->type = columnar::Utf8();
      return Status::OK();
    }
    if (f == "upper" || f == "ucase" || f == "lower" || f == "lcase" || f == "trim" || f == "ltrim" || f == "rtrim") {
      DELTA_RETURN_NOT_OK(Arity(n, 1, 1));
      to_string(0);
      n->type = columnar::Utf8();
      return Status::OK();
    }
    if (f == "length" || f == "char_length" || f == "character_length") {
      DELTA_RETURN_NOT_OK(Arity(n, 1, 1));
      to_string(0);
      n->type = columnar::Int32();
      return Status::OK();
    }
    if (f == "abs") {
      DELTA_RETURN_NOT_OK(Arity(n, 1, 1));
      const auto& t = n->children[0]->type;
      if (kind(0) == Kind::kString) {
        n->type = Coerce(n, 0, columnar::Float64());
      } else if (IsNumeric(*t) || t->id() == TypeId::kNull) {
        n->type = t;
      } else {
        return Unsupported(fmt::format("abs() of {}", SparkTypeName(*t)));
      }
      return Status::OK();
    }
    if (f == "coalesce" || f == "ifnull" || f == "nvl") {
      if (n->children.empty()) return Arity(n, 1, 1000);
      if (f != "coalesce") DELTA_RETURN_NOT_OK(Arity(n, 2, 2));
      TypePtr common;
      for (const auto& c : n->children) {
        const TypePtr& t = c->type;
        if (t->id() == TypeId::kNull) continue;
        if (!common) {
          common = t;
          continue;
        }
        if (common->Equals(*t)) continue;
        auto ka = KindOf(*common), kb = KindOf(*t);
        if (ka == Kind::kInt && kb == Kind::kInt) {
          common = IntRank(common->id()) >= IntRank(t->id()) ? common : t;
        } else if (IsNumeric(*common) && IsNumeric(*t)) {
          common = columnar::Float64();
        } else if ((ka == Kind::kDate || ka == Kind::kTimestamp) && (kb == Kind::kDate || kb == Kind::kTimestamp)) {
          common = ka == Kind::kTimestamp ? common : t;
        } else if (ka == Kind::kString || kb == Kind::kString) {
          common = columnar::Utf8();
        } else {
          return Unsupported(fmt::format("coalesce() of {} and {}", SparkTypeName(*common), SparkTypeName(*t)));
        }
      }
      if (!common) common = columnar::Null();
      for (size_t i = 0; i < n->children.size(); ++i) {
        if (!n->children[i]->type->Equals(*common)) Coerce(n, i, common);
      }
      n->type = common;
      return Status::OK();
    }
    return Unsupported(fmt::format("function {}()", f));
  }

  const columnar::Schema& schema_;
  std::string_view sql_;
};

// ---- Evaluation ----

Result<Vec> LoadColumn(const Node& n, const columnar::RecordBatch& batch) {
  if (n.indices.empty() || n.indices[0] >= batch.num_columns()) {
    return Status::InvalidArgument(fmt::format("column '{}' is not in the batch", fmt::join(n.path, ".")));
  }
  ArrayPtr arr = batch.columns[static_cast<size_t>(n.indices[0])];
  // A nested field is null where any enclosing struct is null.
  std::vector<uint8_t> parent_valid;
  for (size_t level = 1; level < n.indices.size(); ++level) {
    if (arr->type->id() != TypeId::kStruct || n.indices[level] >= static_cast<int>(arr->children.size())) {
      return Status::InvalidArgument(fmt::format("column '{}' does not match the batch", fmt::join(n.path, ".")));
    }
    if (parent_valid.empty()) parent_valid.assign(static_cast<size_t>(arr->length), 1);
    for (int64_t i = 0; i < arr->length; ++i) parent_valid[i] &= arr->IsValid(i) ? 1 : 0;
    ArrayPtr child = arr->children[static_cast<size_t>(n.indices[level])];
    arr = child->Slice(arr->offset, arr->length);
  }
  DELTA_ASSIGN_OR_RAISE(Vec v, ArrayToVec(*arr));
  if (v.n != batch.num_rows) return Status::InvalidArgument("column length differs from the batch");
  for (size_t i = 0; i < parent_valid.size(); ++i) v.valid[i] &= parent_valid[i];
  if (!v.type->Equals(*n.type)) v.type = n.type;
  return v;
}

Vec Broadcast(const Vec& lit, int64_t n) {
  Vec v = NewVec(lit.type, lit.kind, n);
  std::fill(v.valid.begin(), v.valid.end(), lit.valid[0]);
  if (lit.kind == Kind::kFloat) {
    std::fill(v.dbl.begin(), v.dbl.end(), lit.dbl[0]);
  } else if (lit.kind == Kind::kString) {
    std::string_view s = lit.valid[0] ? lit.str(0) : std::string_view();
    v.data.reserve(s.size() * static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      v.data.append(s);
      v.offsets.push_back(static_cast<int64_t>(v.data.size()));
    }
  } else {
    std::fill(v.ints.begin(), v.ints.end(), lit.ints.empty() ? 0 : lit.ints[0]);
  }
  return v;
}

Result<Vec> Eval(const Node& n, const columnar::RecordBatch& batch);

Result<Vec> EvalArithmetic(const Node& n, const columnar::RecordBatch& batch) {
  DELTA_ASSIGN_OR_RAISE(Vec a, Eval(*n.children[0], batch));
  DELTA_ASSIGN_OR_RAISE(Vec b, Eval(*n.children[1], batch));
  const int64_t len = batch.num_rows;
  if (n.type->id() == TypeId::kNull || a.kind == Kind::kNull || b.kind == Kind::kNull) return NullVec(n.type, len);
  Vec out = NewVec(n.type, *KindOf(*n.type), len);
  for (int64_t i = 0; i < len; ++i) out.valid[i] = a.valid[i] & b.valid[i];
  const TypeId rid = n.type->id();
  if (rid == TypeId::kDate32) {
    // date +/- days, int + date.
    const bool a_is_date = a.kind == Kind::kDate;
    const Vec& d = a_is_date ? a : b;
    const Vec& k = a_is_date ? b : a;
    const int64_t sign = n.op == Node::Op::kSub ? -1 : 1;
    for (int64_t i = 0; i < len; ++i) out.ints[i] = static_cast<int32_t>(d.ints[i] + sign * k.ints[i]);
    return out;
  }
  if (out.kind == Kind::kInt) {
    DELTA_ASSIGN_OR_RAISE(a, CastVec(a, n.type));
    DELTA_ASSIGN_OR_RAISE(b, CastVec(b, n.type));
    const int64_t* x = a.ints.data();
    const int64_t* y = b.ints.data();
    int64_t* o = out.ints.data();
    // Two's complement wrap-around through unsigned arithmetic, then narrowed to the width of
    // the result type (Java int / long overflow).
    switch (n.op) {
      case Node::Op::kAdd:
        for (int64_t i = 0; i < len; ++i) o[i] = Wrap(static_cast<int64_t>(static_cast<uint64_t>(x[i]) + static_cast<uint64_t>(y[i])), rid);
        break;
      case Node::Op::kSub:
        for (int64_t i = 0; i < len; ++i) o[i] = Wrap(static_cast<int64_t>(static_cast<uint64_t>(x[i]) - static_cast<uint64_t>(y[i])), rid);
        break;
      case Node::Op::kMul:
        for (int64_t i = 0; i < len; ++i) o[i] = Wrap(static_cast<int64_t>(static_cast<uint64_t>(x[i]) * static_cast<uint64_t>(y[i])), rid);
        break;
      case Node::Op::kMod:
        for (int64_t i = 0; i < len; ++i) {
          if (y[i] == 0) {
            out.valid[i] = 0;  // non-ANSI: remainder by zero is NULL
          } else if (y[i] == -1) {
            o[i] = 0;  // also avoids INT64_MIN % -1
          } else {
            o[i] = x[i] % y[i];
          }
        }
        break;
      default:
        return Status::Internal("bad integer operator");
    }
    return out;
  }
  DELTA_ASSIGN_OR_RAISE(a, CastVec(a, columnar::Float64()));
  DELTA_ASSIGN_OR_RAISE(b, CastVec(b, columnar::Float64()));
  const double* x = a.dbl.data();
  const double* y = b.dbl.data();
  double* o = out.dbl.data();
  const bool to_float = rid == TypeId::kFloat32;
  switch (n.op) {
    case Node::Op::kAdd:
      for (int64_t i = 0; i < len; ++i) o[i] = x[i] + y[i];
      break;
    case Node::Op::kSub:
      for (int64_t i = 0; i < len; ++i) o[i] = x[i] - y[i];
      break;
    case Node::Op::kMul:
      for (int64_t i = 0; i < len; ++i) o[i] = x[i] * y[i];
      break;
    case Node::Op::kDiv:
      for (int64_t i = 0; i < len; ++i) {
        if (y[i] == 0) {
          out.valid[i] = 0;  // non-ANSI: division by zero is NULL (also for doubles)
        } else {
          o[i] = x[i] / y[i];
        }
      }
      break;
    case Node::Op::kMod:
      for (int64_t i = 0; i < len; ++i) {
        if (y[i] == 0) {
          out.valid[i] = 0;
        } else {
          o[i] = std::fmod(x[i], y[i]);
        }
      }
      break;
    default:
      return Status::Internal("bad operator");
  }
  if (to_float) {
    for (int64_t i = 0; i < len; ++i) o[i] = static_cast<float>(o[i]);
  }
  return out;
}

// Code points of a UTF-8 string (bytes that do not start a sequence are not counted).
int64_t CountChars(std::string_view s) {
  int64_t c = 0;
  for (unsigned char b : s) c += (b & 0xC0) != 0x80;
  return c;
}

// Byte offset of code point `k` (clamped to the end).
size_t CharOffset(std::string_view s, int64_t k) {
  size_t i = 0;
  int64_t seen = 0;
  while (i < s.size()) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (seen == k) return i;
      ++seen;
    }
    ++i;
  }
  return s.size();
}

// Spark's UTF8String.substringSQL: 1-based pos, 0 acts as 1, negative counts from the end.
std::string_view SubstringSql(std::string_view s, int64_t pos, int64_t len) {
  const int64_t chars = CountChars(s);
  int64_t start = pos > 0 ? pos - 1 : (pos < 0 ? chars + pos : 0);
  int64_t end = len == std::numeric_limits<int64_t>::max() ? len : start + len;
  start = std::max<int64_t>(start, 0);
  if (start >= end) return {};
  size_t b = CharOffset(s, start);
  size_t e = end >= chars ? s.size() : CharOffset(s, end);
  return s.substr(b, e - b);
}

Result<Vec> EvalCall(const Node& n, const columnar::RecordBatch& batch) {
  const int64_t len = batch.num_rows;
  const std::string& f = n.name;
  std::vector<Vec> args;
  args.reserve(n.children.size());
  for (const auto& c : n.children) {
    DELTA_ASSIGN_OR_RAISE(Vec v, Eval(*c, batch));
    args.push_back(std::move(v));
  }
  Vec out = NewVec(n.type, KindOf(*n.type).value_or(Kind::kNull), len);
  if (f == "coalesce" || f == "ifnull" || f == "nvl") {
    if (out.kind == Kind::kNull) return NullVec(n.type, len);
    std::fill(out.valid.begin(), out.valid.end(), 0);
    for (int64_t i = 0; i < len; ++i) {
      for (const auto& a : args) {
        if (a.kind == Kind::kNull || !a.valid[i]) continue;
        out.valid[i] = 1;
        if (out.kind == Kind::kFloat) {
          out.dbl[i] = a.dbl[i];
        } else if (out.kind == Kind::kString) {
          out.data.append(a.str(i));
        } else {
          out.ints[i] = a.ints[i];
        }
        break;
      }
      if (out.kind == Kind::kString) out.offsets.push_back(static_cast<int64_t>(out.data.size()));
    }
    return out;
  }
  // Every other function is NULL when an argument is NULL.
  for (const auto& a : args) {
    if (a.kind == Kind::kNull) return NullVec(n.type, len);
    for (int64_t i = 0; i < len; ++i) out.valid[i] &= a.valid[i];
  }
  const Vec& x = args[0];
  if (f == "year" || f == "month" || f == "day" || f == "dayofmonth" || f == "quarter" || f == "dayofyear" ||
      f == "dayofweek") {
    const bool ts = x.kind == Kind::kTimestamp;
    for (int64_t i = 0; i < len; ++i) {
      if (!out.valid[i]) continue;
      int64_t days = ts ? util::FloorDiv(x.ints[i], kMicrosPerDay) : x.ints[i];
      DateParts d = SplitDate(days);
      int64_t v;
      if (f == "year") {
        v = d.year;
      } else if (f == "month") {
        v = d.month;
      } else if (f == "quarter") {
        v = (d.month - 1) / 3 + 1;
      } else if (f == "dayofyear") {
        v = days - util::DaysFromCivil(d.year, 1, 1) + 1;
      } else if (f == "dayofweek") {
        v = ((days % 7) + 7 + 4) % 7 + 1;  // 1 = Sunday; 1970-01-01 was a Thursday (5)
      } else {
        v = d.day;
      }
      out.ints[i] = v;
    }
    return out;
  }
  if (f == "hour" || f == "minute" || f == "second") {
    const bool ts = x.kind == Kind::kTimestamp;
    for (int64_t i = 0; i < len; ++i) {
      if (!out.valid[i]) continue;
      int64_t micros = ts ? x.ints[i] : x.ints[i] * kMicrosPerDay;
      int64_t secs = (micros - util::FloorDiv(micros, kMicrosPerDay) * kMicrosPerDay) / kMicrosPerSecond;
      out.ints[i] = f == "hour" ? secs / 3600 : f == "minute" ? secs / 60 % 60 : secs % 60;
    }
    return out;
  }
  if (f == "to_date" || f == "date") {
    if (args.size() == 2) {
      DELTA_ASSIGN_OR_RAISE(auto parts, ParsePattern(n.text_arg, ""));
      for (int64_t i = 0; i < len; ++i) {
        if (!out.valid[i]) continue;
        auto micros = ParseWithPattern(x.str(i), parts);
        if (micros) {
          out.ints[i] = util::FloorDiv(*micros, kMicrosPerDay);
        } else {
          out.valid[i] = 0;
        }
      }
      return out;
    }
    DELTA_ASSIGN_OR_RAISE(Vec d, CastVec(x, columnar::Date32()));
    return d;
  }
  if (f == "date_format") {
    DELTA_ASSIGN_OR_RAISE(auto parts, ParsePattern(n.text_arg, ""));
    const bool ts = x.kind == Kind::kTimestamp;
    for (int64_t i = 0; i < len; ++i) {
      if (out.valid[i]) FormatMicros(ts ? x.ints[i] : x.ints[i] * kMicrosPerDay, parts, &out.data);
      out.offsets.push_back(static_cast<int64_t>(out.data.size()));
    }
    return out;
  }
  if (f == "date_trunc" || f == "trunc") {
    // Spark's units: date_trunc takes YEAR/YYYY/YY, QUARTER, MONTH/MM/MON, WEEK, DAY/DD, HOUR,
    // MINUTE, SECOND, MILLISECOND, MICROSECOND; trunc (dates) only the units down to WEEK.
    // Any other unit yields NULL, as in Spark.
    const std::string& u = n.text_arg;
    const bool is_date = f == "trunc";
    int level = -1;  // 0 year, 1 quarter, 2 month, 3 week, 4 day, 5 hour, 6 minute, 7 second, 8 ms, 9 us
    if (u == "year" || u == "yyyy" || u == "yy") level = 0;
    if (u == "quarter") level = 1;
    if (u == "month" || u == "mm" || u == "mon") level = 2;
    if (u == "week") level = 3;
    if (!is_date) {
      if (u == "day" || u == "dd") level = 4;
      if (u == "hour") level = 5;
      if (u == "minute") level = 6;
      if (u == "second") level = 7;
      if (u == "millisecond") level = 8;
      if (u == "microsecond") level = 9;
    }
    for (int64_t i = 0; i < len; ++i) {
      if (!out.valid[i]) continue;
      if (level < 0) {
        out.valid[i] = 0;
        continue;
      }
      int64_t micros = is_date ? x.ints[i] * kMicrosPerDay : x.ints[i];
      int64_t days = util::FloorDiv(micros, kMicrosPerDay);
      int64_t tod = micros - days * kMicrosPerDay;
      int64_t r;
      if (level <= 3) {
        DateParts d = SplitDate(days);
        int64_t start_days;
        if (level == 0) {
          start_days = util::DaysFromCivil(d.year, 1, 1);
        } else if (level == 1) {
          start_days = util::DaysFromCivil(d.year, (d.month - 1) / 3 * 3 + 1, 1);
        } else if (level == 2) {
          start_days = util::DaysFromCivil(d.year, d.month, 1);
        } else {
          start_days = days - (((days % 7) + 7 + 3) % 7);  // back to Monday
        }
        r = start_days * kMicrosPerDay;
      } else {
        static const int64_t kUnit[] = {kMicrosPerDay, 3600 * kMicrosPerSecond, 60 * kMicrosPerSecond, kMicrosPerSecond,
                                        1000, 1};
        int64_t unit = kUnit[level - 4];
        r = days * kMicrosPerDay + tod / unit * unit;
      }
      out.ints[i] = is_date ? util::FloorDiv(r, kMicrosPerDay) : r;
    }
    return out;
  }
  if (f == "substring" || f == "substr") {
    for (int64_t i = 0; i < len; ++i) {
      if (out.valid[i]) {
        int64_t count = args.size() == 3 ? args[2].ints[i] : std::numeric_limits<int64_t>::max();
        out.data.append(SubstringSql(x.str(i), args[1].ints[i], count));
      }
      out.offsets.push_back(static_cast<int64_t>(out.data.size()));
    }
    return out;
  }
  if (f == "concat") {
    for (int64_t i = 0; i < len; ++i) {
      if (out.valid[i]) {
        for (const auto& a : args) out.data.append(a.str(i));
      }
      out.offsets.push_back(static_cast<int64_t>(out.data.size()));
    }
    return out;
  }
  if (f == "upper" || f == "ucase" || f == "lower" || f == "lcase") {
    const bool up = f == "upper" || f == "ucase";
    out.data.reserve(x.data.size());
    for (int64_t i = 0; i < len; ++i) {
      if (out.valid[i]) {
        for (char c : x.str(i)) {
          if (static_cast<unsigned char>(c) >= 0x80) {
            return Status::Unsupported(fmt::format(
                "{}() of the non-ASCII string '{}' in row {} (Unicode case mapping is not implemented)", f, x.str(i), i));
          }
          out.data.push_back(static_cast<char>(up ? std::toupper(static_cast<unsigned char>(c))
                                                  : std::tolower(static_cast<unsigned char>(c))));
        }
      }
      out.offsets.push_back(static_cast<int64_t>(out.data.size()));
    }
    return out;
  }
  if (f == "trim" || f == "ltrim" || f == "rtrim") {
    // Spark's trim functions remove the space character (0x20) only.
    for (int64_t i = 0; i < len; ++i) {
      if (out.valid[i]) {
        std::string_view s = x.str(i);
        if (f != "rtrim") {
          while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        }
        if (f != "ltrim") {
          while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        }
        out.data.append(s);
      }
      out.offsets.push_back(static_cast<int64_t>(out.data.size()));
    }
    return out;
  }
  if (f == "length" || f == "char_length" || f == "character_length") {
    for (int64_t i = 0; i < len; ++i) {
      if (out.valid[i]) out.ints[i] = CountChars(x.str(i));
    }
    return out;
  }
  if (f == "abs") {
    if (out.kind == Kind::kFloat) {
      for (int64_t i = 0; i < len; ++i) out.dbl[i] = std::fabs(x.dbl[i]);
    } else {
      // Non-ANSI: abs of the minimum value wraps to itself, as Java's Math.abs.
      const TypeId id = n.type->id();
      for (int64_t i = 0; i < len; ++i) {
        out.ints[i] = Wrap(x.ints[i] < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(x.ints[i])) : x.ints[i], id);
      }
    }
    return out;
  }
  return Status::Unsupported(fmt::format("function {}()", f));
}

Result<Vec> Eval(const Node& n, const columnar::RecordBatch& batch) {
  switch (n.op) {
    case Node::Op::kLiteral:
      return Broadcast(n.literal, batch.num_rows);
    case Node::Op::kColumn:
      return LoadColumn(n, batch);
    case Node::Op::kNeg: {
      DELTA_ASSIGN_OR_RAISE(Vec v, Eval(*n.children[0], batch));
      if (v.kind == Kind::kFloat) {
        for (auto& d : v.dbl) d = -d;
      } else if (v.kind == Kind::kInt) {
        const TypeId id = v.type->id();
        for (auto& x : v.ints) x = Wrap(static_cast<int64_t>(0 - static_cast<uint64_t>(x)), id);
      }
      return v;
    }
    case Node::Op::kAdd:
    case Node::Op::kSub:
    case Node::Op::kMul:
    case Node::Op::kDiv:
    case Node::Op::kMod:
      return EvalArithmetic(n, batch);
    case Node::Op::kCast: {
      DELTA_ASSIGN_OR_RAISE(Vec v, Eval(*n.children[0], batch));
      return CastVec(v, n.type);
    }
    case Node::Op::kCall:
      return EvalCall(n, batch);
  }
  return Status::Internal("bad expression node");
}

}  // namespace

ScalarExpression::~ScalarExpression() = default;

Result<std::unique_ptr<ScalarExpression>> ScalarExpression::Make(std::string_view sql, const columnar::Schema& schema) {
  Parser parser(sql);
  DELTA_ASSIGN_OR_RAISE(NodePtr root, parser.ParseAll());
  Binder binder(schema, sql);
  DELTA_RETURN_NOT_OK(binder.Bind(root.get()));
  std::unique_ptr<ScalarExpression> out(new ScalarExpression());
  out->sql_ = std::string(sql);
  out->type_ = root->type;
  out->root_ = std::move(root);
  return out;
}

Result<ArrayPtr> ScalarExpression::Evaluate(const columnar::RecordBatch& batch, const TypePtr& to) const {
  DELTA_ASSIGN_OR_RAISE(Vec v, Eval(*root_, batch));
  if (to) {
    DELTA_ASSIGN_OR_RAISE(v, CastVec(v, to));
  } else if (v.kind == Kind::kNull) {
    v.type = columnar::Null();
  }
  return VecToArray(v);
}

Result<ArrayPtr> SparkCast(const ArrayData& array, const TypePtr& to) {
  DELTA_ASSIGN_OR_RAISE(Vec v, ArrayToVec(array));
  DELTA_ASSIGN_OR_RAISE(v, CastVec(v, to));
  return VecToArray(v);
}

Result<int64_t> FirstNullSafeMismatch(const ArrayData& actual, const ArrayData& expected) {
  if (actual.length != expected.length) return Status::InvalidArgument("arrays of different lengths");
  DELTA_ASSIGN_OR_RAISE(Vec e, ArrayToVec(expected));
  DELTA_ASSIGN_OR_RAISE(Vec a, ArrayToVec(actual));
  DELTA_ASSIGN_OR_RAISE(a, CastVec(a, e.type));
  for (int64_t i = 0; i < e.n; ++i) {
    if (a.valid[i] != e.valid[i]) return i;
    if (!e.valid[i]) continue;
    bool same;
    switch (e.kind) {
      case Kind::kFloat:
        same = a.dbl[i] == e.dbl[i] || (std::isnan(a.dbl[i]) && std::isnan(e.dbl[i]));
        break;
      case Kind::kString:
        same = a.str(i) == e.str(i);
        break;
      case Kind::kNull:
        same = true;
        break;
      default:
        same = a.ints[i] == e.ints[i];
        break;
    }
    if (!same) return i;
  }
  return -1;
}

}  // namespace delta::expr

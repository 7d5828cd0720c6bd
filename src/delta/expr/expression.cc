#include "delta/expr/expression.h"

#include "delta/util/decimal_text.h"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "delta/util/civil_time.h"

namespace delta::expr {

using columnar::Scalar;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

const char* CompareOpSql(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kNullSafeEq: return "<=>";
  }
  return "?";
}

CompareOp FlipCompareOp(CompareOp op) {
  switch (op) {
    case CompareOp::kLt: return CompareOp::kGt;
    case CompareOp::kLe: return CompareOp::kGe;
    case CompareOp::kGt: return CompareOp::kLt;
    case CompareOp::kGe: return CompareOp::kLe;
    default: return op;
  }
}

CompareOp NegateCompareOp(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return CompareOp::kNe;
    case CompareOp::kNe: return CompareOp::kEq;
    case CompareOp::kLt: return CompareOp::kGe;
    case CompareOp::kLe: return CompareOp::kGt;
    case CompareOp::kGt: return CompareOp::kLe;
    case CompareOp::kGe: return CompareOp::kLt;
    case CompareOp::kNullSafeEq: return op;
  }
  return op;
}

ExprPtr Expression::MakeLiteral(Scalar value) {
  auto e = std::make_shared<Expression>(Private{}, ExprKind::kLiteral);
  e->type_ = value.type ? value.type : columnar::Null();
  e->literal_ = std::move(value);
  if (!e->literal_.type) e->literal_.type = e->type_;
  return e;
}

ExprPtr Expression::MakeColumn(std::vector<std::string> path, std::vector<int> field_indices, TypePtr type) {
  auto e = std::make_shared<Expression>(Private{}, ExprKind::kColumn);
  e->path_ = std::move(path);
  e->field_indices_ = std::move(field_indices);
  e->type_ = std::move(type);
  return e;
}

ExprPtr Expression::MakeComparison(CompareOp op, ExprPtr left, ExprPtr right, TypePtr type) {
  auto e = std::make_shared<Expression>(Private{}, ExprKind::kComparison);
  e->op_ = op;
  e->children_ = {std::move(left), std::move(right)};
  e->type_ = std::move(type);
  return e;
}

ExprPtr Expression::MakeNode(ExprKind kind, std::vector<ExprPtr> children, TypePtr type) {
  auto e = std::make_shared<Expression>(Private{}, kind);
  e->children_ = std::move(children);
  e->type_ = std::move(type);
  return e;
}

// ---- SQL text ----

namespace {

bool IsReservedWord(std::string_view s) {
  // Words the parser never reads as a column name. Type words (DATE, TIMESTAMP, ...) only start a
  // literal when a string follows, which never happens after a column.
  static constexpr std::string_view kWords[] = {"AND", "OR", "NOT", "IN", "IS", "NULL", "TRUE", "FALSE", "BETWEEN"};
  for (std::string_view w : kWords) {
    if (w.size() != s.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < w.size() && eq; ++i) {
      char c = s[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      eq = c == w[i];
    }
    if (eq) return true;
  }
  return false;
}

bool IsPlainIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0))) return false;
  }
  return !IsReservedWord(s);
}

std::string QuoteString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::string DateToString(int64_t days) {
  int64_t y;
  unsigned m, d;
  util::CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

// Timestamp text in the given unit: "YYYY-MM-DD HH:MM:SS[.fraction]".
std::string TimestampToString(int64_t v, TimeUnit unit) {
  int64_t per_sec = 1;
  int digits = 0;
  switch (unit) {
    case TimeUnit::kSecond: per_sec = 1; digits = 0; break;
    case TimeUnit::kMilli: per_sec = 1000; digits = 3; break;
    case TimeUnit::kMicro: per_sec = 1000000; digits = 6; break;
    case TimeUnit::kNano: per_sec = 1000000000; digits = 9; break;
  }
  int64_t secs = v / per_sec;
  int64_t frac = v % per_sec;
  if (frac < 0) {
    frac += per_sec;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  if (sod < 0) {
    sod += 86400;
    --days;
  }
  std::string out = fmt::format("{} {:02d}:{:02d}:{:02d}", DateToString(days), sod / 3600, (sod / 60) % 60, sod % 60);
  if (frac != 0) out += fmt::format(".{:0{}d}", frac, digits);
  return out;
}

}  // namespace

std::string PathToSql(const std::vector<std::string>& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (i > 0) out += '.';
    if (IsPlainIdentifier(path[i])) {
      out += path[i];
    } else {
      out += '`';
      for (char c : path[i]) {
        if (c == '`') out += '`';
        out += c;
      }
      out += '`';
    }
  }
  return out;
}

std::string ScalarToSql(const Scalar& s) {
  if (s.is_null() || !s.type) return "NULL";
  const auto& t = *s.type;
  switch (t.id()) {
    case TypeId::kBool: return std::get<bool>(s.value) ? "TRUE" : "FALSE";
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32:
    case TypeId::kTime32:
    case TypeId::kTime64: return std::to_string(std::get<int64_t>(s.value));
    case TypeId::kUInt64: return std::to_string(static_cast<uint64_t>(std::get<int64_t>(s.value)));
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      const double v = std::get<double>(s.value);
      if (std::isnan(v)) return "DOUBLE 'NaN'";
      if (std::isinf(v)) return v > 0 ? "DOUBLE 'Infinity'" : "DOUBLE '-Infinity'";
      // Shortest text that reads back as the same double; an exponent marks it as a double
      // literal (plain 1.5 would read back as a decimal).
      std::string out = fmt::format("{}", v);
      if (out.find_first_of("eE") == std::string::npos) out += "E0";
      return out;
    }
    case TypeId::kDecimal128: return util::DecimalText(std::get<__int128>(s.value), t.scale());
    case TypeId::kDate32: return "DATE '" + DateToString(std::get<int64_t>(s.value)) + "'";
    case TypeId::kTimestamp: {
      const std::string text = TimestampToString(std::get<int64_t>(s.value), t.unit());
      if (t.timezone().empty()) return "TIMESTAMP_NTZ '" + text + "'";
      return "TIMESTAMP '" + text + "Z'";
    }
    case TypeId::kString:
    case TypeId::kLargeString: return QuoteString(std::get<std::string>(s.value));
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary: {
      const auto& bytes = std::get<std::string>(s.value);
      std::string out = "X'";
      static const char kHex[] = "0123456789ABCDEF";
      for (unsigned char c : bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      out += '\'';
      return out;
    }
    default: return "NULL";
  }
}

namespace {

// Operands of comparisons / IS NULL / IN that are not leaves get parentheses so the text parses
// back into the same tree.
std::string OperandSql(const Expression& e) {
  if (e.kind() == ExprKind::kLiteral || e.kind() == ExprKind::kColumn) return e.ToString();
  return "(" + e.ToString() + ")";
}

std::string JunctionChildSql(const Expression& e) {
  switch (e.kind()) {
    case ExprKind::kAnd:
    case ExprKind::kOr:
    case ExprKind::kNot: return "(" + e.ToString() + ")";
    default: return e.ToString();
  }
}

}  // namespace

std::string Expression::ToString() const {
  switch (kind_) {
    case ExprKind::kLiteral: return ScalarToSql(literal_);
    case ExprKind::kColumn: return PathToSql(path_);
    case ExprKind::kComparison:
      return fmt::format("{} {} {}", OperandSql(*children_[0]), CompareOpSql(op_), OperandSql(*children_[1]));
    case ExprKind::kIsNull: return OperandSql(*children_[0]) + " IS NULL";
    case ExprKind::kIsNotNull: return OperandSql(*children_[0]) + " IS NOT NULL";
    case ExprKind::kIn:
    case ExprKind::kNotIn: {
      std::string out = OperandSql(*children_[0]) + (kind_ == ExprKind::kIn ? " IN (" : " NOT IN (");
      for (size_t i = 1; i < children_.size(); ++i) {
        if (i > 1) out += ", ";
        out += children_[i]->ToString();
      }
      return out + ")";
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      std::string out;
      for (size_t i = 0; i < children_.size(); ++i) {
        if (i > 0) out += kind_ == ExprKind::kAnd ? " AND " : " OR ";
        out += JunctionChildSql(*children_[i]);
      }
      return out;
    }
    case ExprKind::kNot: return "NOT (" + children_[0]->ToString() + ")";
  }
  return "?";
}

namespace {

bool ScalarEquals(const Scalar& a, const Scalar& b) {
  if ((a.type == nullptr) != (b.type == nullptr)) return false;
  if (a.type && !a.type->Equals(*b.type)) return false;
  if (a.value.index() != b.value.index()) return false;
  if (std::holds_alternative<double>(a.value)) {
    const double x = std::get<double>(a.value), y = std::get<double>(b.value);
    return std::memcmp(&x, &y, sizeof(double)) == 0 || (std::isnan(x) && std::isnan(y));
  }
  return a.value == b.value;
}

}  // namespace

bool Expression::Equals(const Expression& other) const {
  if (kind_ != other.kind_ || children_.size() != other.children_.size()) return false;
  switch (kind_) {
    case ExprKind::kLiteral:
      if (!ScalarEquals(literal_, other.literal_)) return false;
      break;
    case ExprKind::kColumn:
      if (path_ != other.path_) return false;
      break;
    case ExprKind::kComparison:
      if (op_ != other.op_) return false;
      break;
    default: break;
  }
  for (size_t i = 0; i < children_.size(); ++i) {
    if (!children_[i]->Equals(*other.children_[i])) return false;
  }
  return true;
}

// ---- Factories ----

ExprPtr Col(std::string_view dotted_path) {
  std::vector<std::string> path;
  size_t start = 0;
  while (true) {
    const size_t dot = dotted_path.find('.', start);
    path.emplace_back(dotted_path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Expression::MakeColumn(std::move(path));
}
ExprPtr ColPath(std::vector<std::string> path) { return Expression::MakeColumn(std::move(path)); }
ExprPtr Lit(Scalar value) { return Expression::MakeLiteral(std::move(value)); }
ExprPtr Lit(int64_t v) { return Lit(Scalar{columnar::Int64(), v}); }
ExprPtr Lit(double v) { return Lit(Scalar{columnar::Float64(), v}); }
ExprPtr Lit(bool v) { return Lit(Scalar{columnar::Bool(), v}); }
ExprPtr Lit(std::string_view v) { return Lit(Scalar{columnar::Utf8(), std::string(v)}); }
ExprPtr Lit(const char* v) { return Lit(std::string_view(v)); }
ExprPtr NullLit() { return Lit(Scalar::Null(columnar::Null())); }

ExprPtr Compare(CompareOp op, ExprPtr a, ExprPtr b) { return Expression::MakeComparison(op, std::move(a), std::move(b)); }
ExprPtr Eq(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kEq, std::move(a), std::move(b)); }
ExprPtr Ne(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kNe, std::move(a), std::move(b)); }
ExprPtr Lt(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kLt, std::move(a), std::move(b)); }
ExprPtr Le(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kLe, std::move(a), std::move(b)); }
ExprPtr Gt(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kGt, std::move(a), std::move(b)); }
ExprPtr Ge(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kGe, std::move(a), std::move(b)); }
ExprPtr NullSafeEq(ExprPtr a, ExprPtr b) { return Compare(CompareOp::kNullSafeEq, std::move(a), std::move(b)); }
ExprPtr IsNull(ExprPtr a) { return Expression::MakeNode(ExprKind::kIsNull, {std::move(a)}); }
ExprPtr IsNotNull(ExprPtr a) { return Expression::MakeNode(ExprKind::kIsNotNull, {std::move(a)}); }
ExprPtr In(ExprPtr value, std::vector<ExprPtr> list) {
  list.insert(list.begin(), std::move(value));
  return Expression::MakeNode(ExprKind::kIn, std::move(list));
}
ExprPtr NotIn(ExprPtr value, std::vector<ExprPtr> list) {
  list.insert(list.begin(), std::move(value));
  return Expression::MakeNode(ExprKind::kNotIn, std::move(list));
}
ExprPtr And(std::vector<ExprPtr> children) { return Expression::MakeNode(ExprKind::kAnd, std::move(children)); }
ExprPtr Or(std::vector<ExprPtr> children) { return Expression::MakeNode(ExprKind::kOr, std::move(children)); }
ExprPtr Not(ExprPtr a) { return Expression::MakeNode(ExprKind::kNot, {std::move(a)}); }

}  // namespace delta::expr

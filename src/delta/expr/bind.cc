#include "delta/expr/bind.h"

#include "delta/columnar/time_unit.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "delta/expr/literal_util.h"
#include "delta/util/macros.h"

namespace delta::expr {

using columnar::Field;
using columnar::FieldPtr;
using columnar::Scalar;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;

namespace {

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

bool IsIntegerType(TypeId id) {
  switch (id) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kUInt8:
    case TypeId::kUInt16:
    case TypeId::kUInt32: return true;
    default: return false;
  }
}
bool IsFloatType(TypeId id) { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }
bool IsStringLike(TypeId id) {
  return id == TypeId::kString || id == TypeId::kLargeString || id == TypeId::kBinary || id == TypeId::kLargeBinary;
}
bool IsNumeric(TypeId id) { return IsIntegerType(id) || IsFloatType(id) || id == TypeId::kDecimal128; }

// Value range of an integer type, for deciding whether a literal keeps the column's type.
void IntegerRange(TypeId id, int64_t* lo, int64_t* hi) {
  switch (id) {
    case TypeId::kInt8: *lo = INT8_MIN; *hi = INT8_MAX; return;
    case TypeId::kInt16: *lo = INT16_MIN; *hi = INT16_MAX; return;
    case TypeId::kInt32: *lo = INT32_MIN; *hi = INT32_MAX; return;
    case TypeId::kUInt8: *lo = 0; *hi = UINT8_MAX; return;
    case TypeId::kUInt16: *lo = 0; *hi = UINT16_MAX; return;
    case TypeId::kUInt32: *lo = 0; *hi = UINT32_MAX; return;
    default: *lo = INT64_MIN; *hi = INT64_MAX; return;
  }
}

ExprPtr BoolLit(bool v) { return Expression::MakeLiteral(Scalar{columnar::Bool(), v}); }
ExprPtr NullBoolLit() { return Expression::MakeLiteral(Scalar::Null(columnar::Bool())); }

std::string Describe(const Expression& e) {
  return e.kind() == ExprKind::kColumn ? fmt::format("column '{}'", PathToSql(e.path())) : fmt::format("'{}'", e.ToString());
}

// A literal converted for comparison with a column: either an exact value of the column's domain,
// or, when the literal falls strictly between two representable values, those two neighbours.
struct Converted {
  bool never_equal_null = false;  // the literal is NULL
  bool exact = true;
  Scalar value;            // when exact
  Scalar floor, ceil;      // when !exact: floor < literal < ceil, consecutive column values
};

// Numeric literal as an exact decimal (unscaled, scale); false for NaN / infinities.
bool NumericAsDecimal(const Scalar& lit, __int128* unscaled, int32_t* scale) {
  switch (lit.type->id()) {
    case TypeId::kDecimal128:
      *unscaled = std::get<__int128>(lit.value);
      *scale = lit.type->scale();
      return true;
    case TypeId::kFloat32:
    case TypeId::kFloat64: {
      const double v = std::get<double>(lit.value);
      if (!std::isfinite(v)) return false;
      // The shortest decimal text that reads back as v, which is what the user wrote for a
      // double literal; its digits are then compared exactly.
      return ParseDecimalText(fmt::format("{}", v), unscaled, scale);
    }
    default:
      if (IsIntegerType(lit.type->id())) {
        *unscaled = std::get<int64_t>(lit.value);
        *scale = 0;
        return true;
      }
      return false;
  }
}

Status Incompatible(const Expression& col, const Scalar& lit) {
  return Status::InvalidArgument(fmt::format("cannot compare {} of type {} with {} literal {}", Describe(col),
                                             col.type()->ToString(), lit.type->ToString(), ScalarToSql(lit)));
}

// floor/ceil of a rational `value / divisor` (divisor > 0) into the integer domain of `type`.
Result<Converted> FromRational(__int128 value, __int128 divisor, const TypePtr& type) {
  Converted c;
  __int128 q = value / divisor;
  const __int128 r = value % divisor;
  if (q <= INT64_MIN || q >= INT64_MAX) {
    return Status::InvalidArgument(fmt::format("literal is out of range for {}", type->ToString()));
  }
  if (r == 0) {
    c.value = Scalar{type, static_cast<int64_t>(q)};
    return c;
  }
  if (value < 0) --q;
  c.exact = false;
  c.floor = Scalar{type, static_cast<int64_t>(q)};
  c.ceil = Scalar{type, static_cast<int64_t>(q + 1)};
  return c;
}

Result<Converted> ConvertLiteral(const Expression& col, const Scalar& lit) {
  const TypePtr& t = col.type();
  const TypeId tid = t->id();
  const TypeId lid = lit.type->id();
  Converted c;
  if (lit.is_null()) {
    c.never_equal_null = true;
    c.value = Scalar::Null(t);
    return c;
  }
  if (IsIntegerType(tid) || tid == TypeId::kDecimal128) {
    if (!IsNumeric(lid)) return Incompatible(col, lit);
    __int128 u;
    int32_t s;
    if (!NumericAsDecimal(lit, &u, &s)) {
      return Status::InvalidArgument(fmt::format("cannot compare {} of type {} with {}", Describe(col), t->ToString(),
                                                 ScalarToSql(lit)));
    }
    const int32_t target_scale = tid == TypeId::kDecimal128 ? t->scale() : 0;
    auto fl = Rescale(u, s, target_scale, Rounding::kFloor);
    auto ce = Rescale(u, s, target_scale, Rounding::kCeil);
    if (!fl || !ce) return Status::InvalidArgument(fmt::format("literal {} is out of range for {}", ScalarToSql(lit), t->ToString()));
    if (tid == TypeId::kDecimal128) {
      if (*fl == *ce) {
        c.value = Scalar{t, *fl};
      } else {
        c.exact = false;
        c.floor = Scalar{t, *fl};
        c.ceil = Scalar{t, *ce};
      }
      return c;
    }
    if (*fl < INT64_MIN || *ce > INT64_MAX) {
      return Status::InvalidArgument(fmt::format("literal {} is out of range for {}", ScalarToSql(lit), t->ToString()));
    }
    int64_t lo, hi;
    IntegerRange(tid, &lo, &hi);
    // Integer literals keep int64 when outside the column's range: the evaluator compares the
    // widened column values, so byte_col < 1000 is simply true.
    auto typed = [&](__int128 v) {
      const auto i = static_cast<int64_t>(v);
      return Scalar{i >= lo && i <= hi ? t : columnar::Int64(), i};
    };
    if (*fl == *ce) {
      c.value = typed(*fl);
    } else {
      c.exact = false;
      c.floor = typed(*fl);
      c.ceil = typed(*ce);
    }
    return c;
  }
  if (IsFloatType(tid)) {
    if (!IsNumeric(lid)) return Incompatible(col, lit);
    double v;
    if (IsFloatType(lid)) {
      v = std::get<double>(lit.value);
    } else if (lid == TypeId::kDecimal128) {
      std::string text = ScalarToSql(lit);
      v = std::strtod(text.c_str(), nullptr);
    } else {
      v = static_cast<double>(std::get<int64_t>(lit.value));
    }
    c.value = Scalar{columnar::Float64(), v};
    return c;
  }
  if (tid == TypeId::kDate32) {
    if (lid == TypeId::kDate32) {
      c.value = Scalar{t, std::get<int64_t>(lit.value)};
      return c;
    }
    if (lid == TypeId::kString || lid == TypeId::kLargeString) {
      int64_t days;
      const auto& text = std::get<std::string>(lit.value);
      if (!ParseDateText(text, &days)) {
        // Spark also accepts a timestamp string for a date column; compare via the timestamp.
        int64_t us;
        if (!ParseTimestampText(text, &us)) {
          return Status::InvalidArgument(fmt::format("cannot compare {} of type date32 with '{}': not a date", Describe(col), text));
        }
        return FromRational(us, static_cast<__int128>(86400) * 1000000, t);
      }
      c.value = Scalar{t, days};
      return c;
    }
    if (lid == TypeId::kTimestamp) {
      // date_col op ts is evaluated as Spark does: the date becomes midnight of that day.
      const __int128 per_day = static_cast<__int128>(86400) * UnitsPerSecond(lit.type->unit());
      return FromRational(std::get<int64_t>(lit.value), per_day, t);
    }
    return Incompatible(col, lit);
  }
  if (tid == TypeId::kTimestamp) {
    __int128 micros;
    if (lid == TypeId::kTimestamp) {
      const int64_t v = std::get<int64_t>(lit.value);
      const int64_t ups = UnitsPerSecond(lit.type->unit());
      if (ups == UnitsPerSecond(t->unit())) {
        c.value = Scalar{t, v};
        return c;
      }
      // Convert through a common rational: value / ups seconds.
      const __int128 num = static_cast<__int128>(v) * UnitsPerSecond(t->unit());
      return FromRational(num, ups, t);
    } else if (lid == TypeId::kDate32) {
      micros = static_cast<__int128>(std::get<int64_t>(lit.value)) * 86400 * 1000000;
    } else if (lid == TypeId::kString || lid == TypeId::kLargeString) {
      int64_t us;
      const auto& text = std::get<std::string>(lit.value);
      if (!ParseTimestampText(text, &us)) {
        return Status::InvalidArgument(
            fmt::format("cannot compare {} of type {} with '{}': not a timestamp", Describe(col), t->ToString(), text));
      }
      micros = us;
    } else {
      return Incompatible(col, lit);
    }
    const __int128 num = micros * UnitsPerSecond(t->unit());
    return FromRational(num, 1000000, t);
  }
  if (IsStringLike(tid) || tid == TypeId::kFixedSizeBinary) {
    if (!IsStringLike(lid) && lid != TypeId::kFixedSizeBinary) return Incompatible(col, lit);
    c.value = Scalar{t, std::get<std::string>(lit.value)};
    return c;
  }
  if (tid == TypeId::kBool) {
    if (lid == TypeId::kBool) {
      c.value = lit;
      return c;
    }
    if (lid == TypeId::kString) {
      const auto& s = std::get<std::string>(lit.value);
      if (EqualsIgnoreCase(s, "true") || EqualsIgnoreCase(s, "false")) {
        c.value = Scalar{t, EqualsIgnoreCase(s, "true")};
        return c;
      }
    }
    return Incompatible(col, lit);
  }
  return Status::InvalidArgument(fmt::format("cannot compare {} of type {}", Describe(col), t->ToString()));
}

ExprPtr BoolCompare(CompareOp op, ExprPtr l, ExprPtr r) {
  return Expression::MakeComparison(op, std::move(l), std::move(r), columnar::Bool());
}

// col op lit with lit converted; an inexact literal c (floor < c < ceil) becomes a range test.
Result<ExprPtr> BindColumnLiteral(CompareOp op, const ExprPtr& col, const Scalar& lit) {
  DELTA_ASSIGN_OR_RAISE(Converted c, ConvertLiteral(*col, lit));
  if (c.exact) return BoolCompare(op, col, Expression::MakeLiteral(std::move(c.value)));
  auto L = [](Scalar s) { return Expression::MakeLiteral(std::move(s)); };
  auto node = [](ExprKind k, std::vector<ExprPtr> ch) { return Expression::MakeNode(k, std::move(ch), columnar::Bool()); };
  switch (op) {
    case CompareOp::kLt:
    case CompareOp::kLe: return BoolCompare(CompareOp::kLe, col, L(c.floor));
    case CompareOp::kGt:
    case CompareOp::kGe: return BoolCompare(CompareOp::kGe, col, L(c.ceil));
    case CompareOp::kEq:
      // Never true, but NULL for a NULL column value, exactly like the original comparison.
      return node(ExprKind::kAnd, {BoolCompare(CompareOp::kGt, col, L(c.floor)), BoolCompare(CompareOp::kLt, col, L(c.ceil))});
    case CompareOp::kNe:
      return node(ExprKind::kOr, {BoolCompare(CompareOp::kLe, col, L(c.floor)), BoolCompare(CompareOp::kGe, col, L(c.ceil))});
    case CompareOp::kNullSafeEq: return BoolLit(false);  // never equal, never NULL
  }
  return BoolLit(false);
}

// The comparison class of a type for column-vs-column comparisons (0 = not comparable).
int ComparisonClass(const TypePtr& t) {
  const TypeId id = t->id();
  if (IsIntegerType(id)) return 1;
  if (IsFloatType(id)) return 2;
  if (id == TypeId::kDecimal128) return 100 + t->scale();
  if (id == TypeId::kDate32) return 3;
  if (id == TypeId::kTimestamp) return 4 + static_cast<int>(t->unit());
  if (IsStringLike(id)) return 10;
  if (id == TypeId::kBool) return 11;
  if (id == TypeId::kFixedSizeBinary) return 200 + t->byte_width();
  return 0;
}

ExprPtr FoldCompare(CompareOp op, const Scalar& a, const Scalar& b, bool* ok) {
  *ok = true;
  if (op == CompareOp::kNullSafeEq) {
    if (a.is_null() || b.is_null()) return BoolLit(a.is_null() && b.is_null());
  } else if (a.is_null() || b.is_null()) {
    return NullBoolLit();
  }
  auto c = CompareScalars(a, b);
  if (!c) {
    *ok = false;
    return nullptr;
  }
  switch (op) {
    case CompareOp::kEq:
    case CompareOp::kNullSafeEq: return BoolLit(*c == 0);
    case CompareOp::kNe: return BoolLit(*c != 0);
    case CompareOp::kLt: return BoolLit(*c < 0);
    case CompareOp::kLe: return BoolLit(*c <= 0);
    case CompareOp::kGt: return BoolLit(*c > 0);
    case CompareOp::kGe: return BoolLit(*c >= 0);
  }
  return NullBoolLit();
}

class Binder {
 public:
  explicit Binder(const columnar::Schema& schema) : schema_(schema) {}

  Result<ExprPtr> BindPredicate(const ExprPtr& e) {
    DELTA_ASSIGN_OR_RAISE(ExprPtr b, BindNode(e));
    return AsBoolean(b);
  }

 private:
  // Checks that a bound operand is boolean; an untyped NULL becomes a boolean NULL.
  Result<ExprPtr> AsBoolean(const ExprPtr& b) {
    if (b->kind() == ExprKind::kLiteral && b->literal().is_null()) return NullBoolLit();
    if (!b->type() || b->type()->id() != TypeId::kBool) {
      return Status::InvalidArgument(fmt::format("{} is {}, not boolean", Describe(*b), b->type() ? b->type()->ToString() : "untyped"));
    }
    return b;
  }

  Result<ExprPtr> BindColumn(const Expression& e) {
    const std::vector<FieldPtr>* fields = &schema_.fields();
    std::vector<std::string> names;
    std::vector<int> indices;
    TypePtr type;
    for (size_t level = 0; level < e.path().size(); ++level) {
      const std::string& want = e.path()[level];
      if (level > 0 && type->id() != TypeId::kStruct) {
        return Status::InvalidArgument(fmt::format("cannot resolve column '{}': '{}' is {}, not a struct", PathToSql(e.path()),
                                                   PathToSql(names), type->ToString()));
      }
      if (level > 0) fields = &type->children();
      int found = -1;
      int exact = -1;
      std::vector<std::string> matches;
      for (size_t i = 0; i < fields->size(); ++i) {
        const std::string& name = (*fields)[i]->name;
        if (EqualsIgnoreCase(name, want)) {
          matches.push_back(name);
          found = static_cast<int>(i);
          if (name == want) exact = static_cast<int>(i);
        }
      }
      if (matches.empty()) {
        std::string list;
        for (size_t i = 0; i < fields->size() && i < 50; ++i) list += (i ? ", " : "") + (*fields)[i]->name;
        if (fields->size() > 50) list += ", ...";
        std::vector<std::string> shown(e.path().begin(), e.path().begin() + static_cast<long>(level) + 1);
        return Status::InvalidArgument(fmt::format("unknown column '{}' (columns: {})", PathToSql(shown), list));
      }
      if (matches.size() > 1) {
        if (exact < 0) {
          return Status::InvalidArgument(fmt::format("ambiguous column '{}' (matches {})", want, fmt::join(matches, ", ")));
        }
        found = exact;
      }
      names.push_back((*fields)[static_cast<size_t>(found)]->name);
      indices.push_back(found);
      type = (*fields)[static_cast<size_t>(found)]->type;
    }
    if (names.empty()) return Status::InvalidArgument("empty column path");
    return Expression::MakeColumn(std::move(names), std::move(indices), std::move(type));
  }

  Result<ExprPtr> BindComparison(const Expression& e) {
    DELTA_ASSIGN_OR_RAISE(ExprPtr l, BindNode(e.child(0)));
    DELTA_ASSIGN_OR_RAISE(ExprPtr r, BindNode(e.child(1)));
    CompareOp op = e.op();
    const bool l_lit = l->kind() == ExprKind::kLiteral, r_lit = r->kind() == ExprKind::kLiteral;
    if (l_lit && r_lit) {
      bool ok;
      ExprPtr folded = FoldCompare(op, l->literal(), r->literal(), &ok);
      if (!ok) {
        return Status::InvalidArgument(fmt::format("cannot compare {} literal {} with {} literal {}", l->type()->ToString(),
                                                   l->ToString(), r->type()->ToString(), r->ToString()));
      }
      return folded;
    }
    if (l_lit) {
      std::swap(l, r);
      op = FlipCompareOp(op);
    }
    for (const ExprPtr* side : {&l, &r}) {
      const ExprPtr& s = *side;
      if (s->kind() != ExprKind::kLiteral && (!s->type() || s->type()->is_nested() || s->type()->id() == TypeId::kNull)) {
        return Status::InvalidArgument(fmt::format("cannot compare {} of type {}", Describe(*s), s->type() ? s->type()->ToString() : "unknown"));
      }
    }
    if (r->kind() == ExprKind::kLiteral) return BindColumnLiteral(op, l, r->literal());
    const int cl = ComparisonClass(l->type()), cr = ComparisonClass(r->type());
    if (cl == 0 || cl != cr) {
      return Status::InvalidArgument(fmt::format("cannot compare {} of type {} with {} of type {}", Describe(*l),
                                                 l->type()->ToString(), Describe(*r), r->type()->ToString()));
    }
    return BoolCompare(op, l, r);
  }

  Result<ExprPtr> BindIn(const Expression& e) {
    DELTA_ASSIGN_OR_RAISE(ExprPtr value, BindNode(e.child(0)));
    const bool negated = e.kind() == ExprKind::kNotIn;
    std::vector<ExprPtr> out{value};
    bool has_null = false;
    if (value->kind() == ExprKind::kLiteral) {
      // Fold: value IN (...) over literals only.
      bool any_true = false;
      for (size_t i = 1; i < e.children().size(); ++i) {
        const ExprPtr& item = e.child(i);
        if (item->kind() != ExprKind::kLiteral) return Status::InvalidArgument("IN list entries must be literals");
        bool ok;
        ExprPtr r = FoldCompare(CompareOp::kEq, value->literal(), item->literal(), &ok);
        if (!ok) return Status::InvalidArgument(fmt::format("cannot compare {} with {}", value->ToString(), item->ToString()));
        if (r->literal().is_null()) has_null = true;
        else if (std::get<bool>(r->literal().value)) any_true = true;
      }
      if (value->literal().is_null() && e.children().size() > 1) return NullBoolLit();
      if (any_true) return BoolLit(!negated);
      if (has_null) return NullBoolLit();
      return BoolLit(negated);
    }
    if (!value->type() || value->type()->is_nested() || value->type()->id() == TypeId::kNull) {
      return Status::InvalidArgument(fmt::format("cannot use {} in IN", Describe(*value)));
    }
    for (size_t i = 1; i < e.children().size(); ++i) {
      const ExprPtr& item = e.child(i);
      if (item->kind() != ExprKind::kLiteral) return Status::InvalidArgument("IN list entries must be literals");
      DELTA_ASSIGN_OR_RAISE(Converted c, ConvertLiteral(*value, item->literal()));
      if (!c.exact) continue;  // strictly between two column values: never equal
      out.push_back(Expression::MakeLiteral(std::move(c.value)));
    }
    return Expression::MakeNode(e.kind(), std::move(out), columnar::Bool());
  }

  Result<ExprPtr> BindNode(const ExprPtr& e) {
    switch (e->kind()) {
      case ExprKind::kLiteral: return e;
      case ExprKind::kColumn: return BindColumn(*e);
      case ExprKind::kComparison: return BindComparison(*e);
      case ExprKind::kIsNull:
      case ExprKind::kIsNotNull: {
        if (e->children().size() != 1) return Status::InvalidArgument("IS NULL takes one operand");
        DELTA_ASSIGN_OR_RAISE(ExprPtr c, BindNode(e->child(0)));
        if (c->kind() == ExprKind::kLiteral) return BoolLit(c->literal().is_null() == (e->kind() == ExprKind::kIsNull));
        return Expression::MakeNode(e->kind(), {std::move(c)}, columnar::Bool());
      }
      case ExprKind::kIn:
      case ExprKind::kNotIn:
        if (e->children().empty()) return Status::InvalidArgument("IN needs a value");
        return BindIn(*e);
      case ExprKind::kAnd:
      case ExprKind::kOr:
      case ExprKind::kNot: {
        if (e->children().empty() || (e->kind() == ExprKind::kNot && e->children().size() != 1)) {
          return Status::InvalidArgument(fmt::format("malformed {}", e->kind() == ExprKind::kNot ? "NOT" : "AND/OR"));
        }
        std::vector<ExprPtr> children;
        children.reserve(e->children().size());
        for (const auto& c : e->children()) {
          DELTA_ASSIGN_OR_RAISE(ExprPtr b, BindNode(c));
          DELTA_ASSIGN_OR_RAISE(ExprPtr boolean, AsBoolean(b));
          children.push_back(std::move(boolean));
        }
        return Expression::MakeNode(e->kind(), std::move(children), columnar::Bool());
      }
    }
    return Status::InvalidArgument("unknown expression kind");
  }

  const columnar::Schema& schema_;
};

void Collect(const Expression& e, std::vector<std::vector<std::string>>* out) {
  if (e.kind() == ExprKind::kColumn) {
    for (const auto& p : *out) {
      if (p == e.path()) return;
    }
    out->push_back(e.path());
    return;
  }
  for (const auto& c : e.children()) Collect(*c, out);
}

}  // namespace

Result<ExprPtr> Bind(const ExprPtr& expr, const columnar::Schema& schema) {
  if (!expr) return Status::InvalidArgument("no predicate");
  return Binder(schema).BindPredicate(expr);
}

std::vector<std::vector<std::string>> ReferencedColumns(const ExprPtr& expr) {
  std::vector<std::vector<std::string>> out;
  if (expr) Collect(*expr, &out);
  return out;
}

}  // namespace delta::expr

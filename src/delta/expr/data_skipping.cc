#include "delta/expr/data_skipping.h"

#include "delta/expr/literal_util.h"

namespace delta::expr {

using columnar::Scalar;
using columnar::TimeUnit;
using columnar::TypeId;

namespace {

bool IsBytes(TypeId id) {
  return id == TypeId::kString || id == TypeId::kLargeString || id == TypeId::kBinary || id == TypeId::kLargeBinary ||
         id == TypeId::kFixedSizeBinary;
}
bool IsFloat(TypeId id) { return id == TypeId::kFloat32 || id == TypeId::kFloat64; }

// Statistics of one column prepared for proofs.
class ColumnBounds {
 public:
  ColumnBounds(const Expression& col, const FileStats& stats) : stats_(stats), path_(col.path()) {
    id_ = col.type() ? col.type()->id() : TypeId::kNull;
    min_ = stats.Min(path_);
    if (!IsFloat(id_)) max_ = stats.Max(path_);
    if (max_ && id_ == TypeId::kTimestamp && std::holds_alternative<int64_t>(max_->value)) {
      // Maxima are truncated to milliseconds (PROTOCOL.md "Per-file Statistics"): widen by 1 ms - 1.
      int64_t widen = 999;
      switch (col.type()->unit()) {
        case TimeUnit::kSecond: widen = 0; break;
        case TimeUnit::kMilli: widen = 0; break;
        case TimeUnit::kMicro: widen = 999; break;
        case TimeUnit::kNano: widen = 999999; break;
      }
      int64_t& v = std::get<int64_t>(max_->value);
      v = v > INT64_MAX - widen ? INT64_MAX : v + widen;
    }
  }

  bool AllNull() const { return stats_.AllNull(path_); }
  bool NoNulls() const { return stats_.NoNulls(path_); }

  // Proofs about every non-null value v of the file.
  bool AllGe(const Scalar& l) const { return Cmp(min_, l) >= 0; }  // v >= l
  bool AllGt(const Scalar& l) const { return Cmp(min_, l) > 0; }   // v > l
  bool AllLt(const Scalar& l) const {                              // v < l
    if (!max_) return false;
    if (IsBytes(id_)) return TruncatedMaxBelow(l);
    return Cmp(max_, l) < 0 && Cmp(max_, l) != kUnknown;
  }
  bool AllLe(const Scalar& l) const {  // v <= l
    if (!max_) return false;
    if (IsBytes(id_)) return TruncatedMaxBelow(l);
    const int c = Cmp(max_, l);
    return c != kUnknown && c <= 0;
  }

 private:
  static constexpr int kUnknown = -100;
  // Compare a bound with a literal; kUnknown (which fails every proof above) when absent.
  static int Cmp(const std::optional<Scalar>& bound, const Scalar& l) {
    if (!bound) return kUnknown;
    auto c = CompareScalars(*bound, l);
    return c ? *c : kUnknown;
  }
  // A possibly truncated max M bounds every value below L when M < L and L does not start with M:
  // any value <= the true max, which starts with M, then differs from L at a position where M is
  // smaller.
  bool TruncatedMaxBelow(const Scalar& l) const {
    if (!std::holds_alternative<std::string>(max_->value) || !std::holds_alternative<std::string>(l.value)) return false;
    const std::string& m = std::get<std::string>(max_->value);
    const std::string& s = std::get<std::string>(l.value);
    return m < s && s.compare(0, m.size(), m) != 0;
  }

  const FileStats& stats_;
  const std::vector<std::string>& path_;
  TypeId id_;
  std::optional<Scalar> min_, max_;
};

// May some non-null value v satisfy `v op l` (l non-null)?
bool MaySatisfy(const ColumnBounds& b, CompareOp op, const Scalar& l) {
  switch (op) {
    case CompareOp::kEq:
    case CompareOp::kNullSafeEq: return !b.AllGt(l) && !b.AllLt(l);
    case CompareOp::kNe: return !(b.AllGe(l) && b.AllLe(l));
    case CompareOp::kLt: return !b.AllGe(l);
    case CompareOp::kLe: return !b.AllGt(l);
    case CompareOp::kGt: return !b.AllLe(l);
    case CompareOp::kGe: return !b.AllLt(l);
  }
  return true;
}

// May some row of the file make `e` evaluate to `want`?
bool MayBe(const Expression& e, bool want, const FileStats& stats) {
  switch (e.kind()) {
    case ExprKind::kLiteral:
      if (e.literal().is_null() || !std::holds_alternative<bool>(e.literal().value)) return false;
      return std::get<bool>(e.literal().value) == want;
    case ExprKind::kColumn: {
      if (!e.type() || e.type()->id() != TypeId::kBool) return true;
      ColumnBounds b(e, stats);
      if (b.AllNull()) return false;
      const Scalar wanted{columnar::Bool(), want};
      return MaySatisfy(b, CompareOp::kEq, wanted);
    }
    case ExprKind::kComparison: {
      const Expression& col = *e.child(0);
      if (col.kind() != ExprKind::kColumn || e.child(1)->kind() != ExprKind::kLiteral) return true;
      const Scalar& l = e.child(1)->literal();
      ColumnBounds b(col, stats);
      const CompareOp op = e.op();
      if (op == CompareOp::kNullSafeEq) {
        if (l.is_null()) return want ? !b.NoNulls() : !b.AllNull();  // x <=> NULL is x IS NULL
        if (want) return !b.AllNull() && MaySatisfy(b, CompareOp::kEq, l);
        // FALSE for null rows and for non-null rows different from l.
        return !b.NoNulls() || (!b.AllNull() && MaySatisfy(b, CompareOp::kNe, l));
      }
      if (l.is_null() || b.AllNull()) return false;  // the comparison is NULL on every row
      return MaySatisfy(b, want ? op : NegateCompareOp(op), l);
    }
    case ExprKind::kIsNull:
    case ExprKind::kIsNotNull: {
      const Expression& col = *e.child(0);
      if (col.kind() != ExprKind::kColumn) return true;
      ColumnBounds b(col, stats);
      const bool want_null = want == (e.kind() == ExprKind::kIsNull);
      return want_null ? !b.NoNulls() : !b.AllNull();
    }
    case ExprKind::kIn:
    case ExprKind::kNotIn: {
      const Expression& col = *e.child(0);
      if (col.kind() != ExprKind::kColumn) return true;
      const bool want_in = want == (e.kind() == ExprKind::kIn);
      ColumnBounds b(col, stats);
      if (b.AllNull()) return false;
      bool has_null = false;
      for (size_t i = 1; i < e.children().size(); ++i) {
        const Expression& item = *e.child(i);
        if (item.kind() != ExprKind::kLiteral) return true;
        if (item.literal().is_null()) {
          has_null = true;
          continue;
        }
        // TRUE needs some row equal to an entry; FALSE is impossible when every value equals it.
        if (want_in && MaySatisfy(b, CompareOp::kEq, item.literal())) return true;
        if (!want_in && b.AllGe(item.literal()) && b.AllLe(item.literal())) return false;
      }
      if (want_in) return false;
      return !has_null;  // with a NULL entry a non-match is NULL, never FALSE
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      // AND is TRUE only if every child may be TRUE, FALSE if any child may be FALSE; OR dually.
      const bool all = (e.kind() == ExprKind::kAnd) == want;
      for (const auto& c : e.children()) {
        const bool m = MayBe(*c, want, stats);
        if (all && !m) return false;
        if (!all && m) return true;
      }
      return all;
    }
    case ExprKind::kNot: return MayBe(*e.child(0), !want, stats);
  }
  return true;
}

// ---- Partition pruning: the set of outcomes a node may have ----

constexpr int kT = 1, kF = 2, kN = 4, kAny = 7;

int And3(int a, int b) {
  if (a == kF || b == kF) return kF;
  if (a == kN || b == kN) return kN;
  return kT;
}
int Or3(int a, int b) {
  if (a == kT || b == kT) return kT;
  if (a == kN || b == kN) return kN;
  return kF;
}
int Combine(int x, int y, bool is_and) {
  int out = 0;
  for (int a : {kT, kF, kN}) {
    if (!(x & a)) continue;
    for (int b : {kT, kF, kN}) {
      if (y & b) out |= is_and ? And3(a, b) : Or3(a, b);
    }
  }
  return out;
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

const Scalar* Lookup(const Expression& col, const std::map<std::string, Scalar>& values) {
  if (col.kind() != ExprKind::kColumn || col.path().size() != 1) return nullptr;
  auto it = values.find(col.path()[0]);
  if (it != values.end()) return &it->second;
  for (const auto& [k, v] : values) {
    if (EqualsIgnoreCase(k, col.path()[0])) return &v;
  }
  return nullptr;
}

const Scalar* Value(const Expression& e, const std::map<std::string, Scalar>& values) {
  if (e.kind() == ExprKind::kLiteral) return &e.literal();
  return Lookup(e, values);
}

int CompareOutcome(CompareOp op, const Scalar& a, const Scalar& b) {
  if (a.is_null() || b.is_null()) {
    if (op == CompareOp::kNullSafeEq) return a.is_null() && b.is_null() ? kT : kF;
    return kN;
  }
  auto c = CompareScalars(a, b);
  if (!c) return kAny;
  bool r = false;
  switch (op) {
    case CompareOp::kEq:
    case CompareOp::kNullSafeEq: r = *c == 0; break;
    case CompareOp::kNe: r = *c != 0; break;
    case CompareOp::kLt: r = *c < 0; break;
    case CompareOp::kLe: r = *c <= 0; break;
    case CompareOp::kGt: r = *c > 0; break;
    case CompareOp::kGe: r = *c >= 0; break;
  }
  return r ? kT : kF;
}

int Outcomes(const Expression& e, const std::map<std::string, Scalar>& values) {
  switch (e.kind()) {
    case ExprKind::kLiteral:
    case ExprKind::kColumn: {
      const Scalar* v = Value(e, values);
      if (!v) return kAny;
      if (v->is_null()) return kN;
      if (!std::holds_alternative<bool>(v->value)) return kAny;
      return std::get<bool>(v->value) ? kT : kF;
    }
    case ExprKind::kComparison: {
      const Scalar* a = Value(*e.child(0), values);
      const Scalar* b = Value(*e.child(1), values);
      if (!a || !b) return kAny;
      return CompareOutcome(e.op(), *a, *b);
    }
    case ExprKind::kIsNull:
    case ExprKind::kIsNotNull: {
      const Scalar* v = Value(*e.child(0), values);
      if (!v) return kAny;
      return v->is_null() == (e.kind() == ExprKind::kIsNull) ? kT : kF;
    }
    case ExprKind::kIn:
    case ExprKind::kNotIn: {
      const Scalar* v = Value(*e.child(0), values);
      if (!v) return kAny;
      int r = kF;
      if (v->is_null()) {
        r = kN;
      } else {
        bool has_null = false;
        for (size_t i = 1; i < e.children().size(); ++i) {
          const Scalar* item = Value(*e.child(i), values);
          if (!item) return kAny;
          if (item->is_null()) {
            has_null = true;
            continue;
          }
          const int c = CompareOutcome(CompareOp::kEq, *v, *item);
          if (c == kAny) return kAny;
          if (c == kT) {
            r = kT;
            break;
          }
        }
        if (r != kT && has_null) r = kN;
      }
      if (e.kind() == ExprKind::kNotIn && r != kN) r = r == kT ? kF : kT;
      return r;
    }
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      const bool is_and = e.kind() == ExprKind::kAnd;
      int acc = is_and ? kT : kF;
      for (const auto& c : e.children()) acc = Combine(acc, Outcomes(*c, values), is_and);
      return acc;
    }
    case ExprKind::kNot: {
      const int o = Outcomes(*e.child(0), values);
      return (o & kN) | ((o & kT) ? kF : 0) | ((o & kF) ? kT : 0);
    }
  }
  return kAny;
}

}  // namespace

bool MayMatch(const ExprPtr& bound, const FileStats& stats) {
  if (!bound) return true;
  if (stats.num_records && *stats.num_records == 0) return false;
  return MayBe(*bound, true, stats);
}

bool PartitionMayMatch(const ExprPtr& bound, const std::map<std::string, Scalar>& partition_values) {
  if (!bound) return true;
  return (Outcomes(*bound, partition_values) & kT) != 0;
}

}  // namespace delta::expr

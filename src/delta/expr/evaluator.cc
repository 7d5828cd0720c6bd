#include "delta/expr/evaluator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::expr {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::Buffer;
using columnar::BufferPtr;
using columnar::Scalar;
using columnar::TypeId;

namespace {

using Words = std::vector<uint64_t>;

// Three-valued result of a predicate: t = rows known TRUE, f = rows known FALSE; a row in neither
// is NULL. AND / OR / NOT are then plain word operations (Kleene logic).
struct Mask {
  Words t, f;
};

// Calls `pred(i)` for rows [0, n) and packs the results 64 rows per word.
template <typename Pred>
void PackBits(int64_t n, Pred&& pred, uint64_t* out) {
  for (int64_t base = 0, w = 0; base < n; base += 64, ++w) {
    const int64_t m = std::min<int64_t>(64, n - base);
    uint64_t word = 0;
    for (int64_t j = 0; j < m; ++j) word |= static_cast<uint64_t>(pred(base + j)) << j;
    out[w] = word;
  }
}

// Orders used by the comparison loops. Floats use Spark's total order (NaN largest, NaN == NaN).
struct PlainOrder {
  template <typename T>
  static bool Less(const T& a, const T& b) { return a < b; }
  template <typename T>
  static bool Equal(const T& a, const T& b) { return a == b; }
};
struct FloatOrder {
  static bool Less(double a, double b) { return !std::isnan(a) && (std::isnan(b) || a < b); }
  static bool Equal(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
};

// out[row] = get(row) op lit.
template <typename Order, typename Get, typename V>
void CompareToLiteral(CompareOp op, int64_t n, Get get, const V& lit, uint64_t* out) {
  switch (op) {
    case CompareOp::kEq:
    case CompareOp::kNullSafeEq: PackBits(n, [&](int64_t i) { return Order::Equal(get(i), lit); }, out); break;
    case CompareOp::kNe: PackBits(n, [&](int64_t i) { return !Order::Equal(get(i), lit); }, out); break;
    case CompareOp::kLt: PackBits(n, [&](int64_t i) { return Order::Less(get(i), lit); }, out); break;
    case CompareOp::kLe: PackBits(n, [&](int64_t i) { return !Order::Less(lit, get(i)); }, out); break;
    case CompareOp::kGt: PackBits(n, [&](int64_t i) { return Order::Less(lit, get(i)); }, out); break;
    case CompareOp::kGe: PackBits(n, [&](int64_t i) { return !Order::Less(get(i), lit); }, out); break;
  }
}

// out[row] = a[row] op b[row].
template <typename Order, typename V>
void CompareVectors(CompareOp op, const std::vector<V>& a, const std::vector<V>& b, uint64_t* out) {
  const auto n = static_cast<int64_t>(a.size());
  const V* x = a.data();
  const V* y = b.data();
  switch (op) {
    case CompareOp::kEq:
    case CompareOp::kNullSafeEq: PackBits(n, [&](int64_t i) { return Order::Equal(x[i], y[i]); }, out); break;
    case CompareOp::kNe: PackBits(n, [&](int64_t i) { return !Order::Equal(x[i], y[i]); }, out); break;
    case CompareOp::kLt: PackBits(n, [&](int64_t i) { return Order::Less(x[i], y[i]); }, out); break;
    case CompareOp::kLe: PackBits(n, [&](int64_t i) { return !Order::Less(y[i], x[i]); }, out); break;
    case CompareOp::kGt: PackBits(n, [&](int64_t i) { return Order::Less(y[i], x[i]); }, out); break;
    case CompareOp::kGe: PackBits(n, [&](int64_t i) { return !Order::Less(x[i], y[i]); }, out); break;
  }
}

// Calls f(get) with get(i) -> int64_t for integer-backed arrays (ints, date, timestamp, time).
template <typename F>
bool VisitInteger(const ArrayData& a, F&& f) {
  switch (a.type->id()) {
    case TypeId::kInt8: { const int8_t* p = a.values<int8_t>(); f([p](int64_t i) { return static_cast<int64_t>(p[i]); }); return true; }
    case TypeId::kInt16: { const int16_t* p = a.values<int16_t>(); f([p](int64_t i) { return static_cast<int64_t>(p[i]); }); return true; }
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: { const int32_t* p = a.values<int32_t>(); f([p](int64_t i) { return static_cast<int64_t>(p[i]); }); return true; }
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: { const int64_t* p = a.values<int64_t>(); f([p](int64_t i) { return p[i]; }); return true; }
    case TypeId::kUInt8: { const uint8_t* p = a.values<uint8_t>(); f([p](int64_t i) { return static_cast<int64_t>(p[i]); }); return true; }
    case TypeId::kUInt16: { const uint16_t* p = a.values<uint16_t>(); f([p](int64_t i) { return static_cast<int64_t>(p[i]); }); return true; }
    case TypeId::kUInt32: { const uint32_t* p = a.values<uint32_t>(); f([p](int64_t i) { return static_cast<int64_t>(p[i]); }); return true; }
    default: return false;
  }
}

template <typename F>
bool VisitFloat(const ArrayData& a, F&& f) {
  if (a.type->id() == TypeId::kFloat32) {
    const float* p = a.values<float>();
    f([p](int64_t i) { return static_cast<double>(p[i]); });
    return true;
  }
  if (a.type->id() == TypeId::kFloat64) {
    const double* p = a.values<double>();
    f([p](int64_t i) { return p[i]; });
    return true;
  }
  return false;
}

template <typename F>
bool VisitDecimal(const ArrayData& a, F&& f) {
  if (a.type->id() != TypeId::kDecimal128) return false;
  const uint8_t* p = a.buffers[1]->data() + a.offset * 16;
  f([p](int64_t i) { return bit_util::LoadLE<__int128>(p + i * 16); });
  return true;
}

template <typename F>
bool VisitBytes(const ArrayData& a, F&& f) {
  switch (a.type->id()) {
    case TypeId::kString:
    case TypeId::kBinary: {
      const int32_t* off = a.buffers[1]->data_as<int32_t>() + a.offset;
      const char* data = a.buffers.size() > 2 && a.buffers[2] ? a.buffers[2]->data_as<char>() : "";
      f([off, data](int64_t i) { return std::string_view(data + off[i], static_cast<size_t>(off[i + 1] - off[i])); });
      return true;
    }
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: {
      const int64_t* off = a.buffers[1]->data_as<int64_t>() + a.offset;
      const char* data = a.buffers.size() > 2 && a.buffers[2] ? a.buffers[2]->data_as<char>() : "";
      f([off, data](int64_t i) { return std::string_view(data + off[i], static_cast<size_t>(off[i + 1] - off[i])); });
      return true;
    }
    case TypeId::kFixedSizeBinary: {
      const int64_t w = a.type->byte_width();
      const char* data = a.buffers[1]->data_as<char>() + a.offset * w;
      f([data, w](int64_t i) { return std::string_view(data + i * w, static_cast<size_t>(w)); });
      return true;
    }
    default: return false;
  }
}

// An evaluated operand: a column (array + validity) or a boolean sub-expression.
struct Operand {
  ArrayPtr array;      // null for boolean sub-expressions
  Words valid;         // validity including enclosing structs
  Words bool_values;   // bool arrays and boolean sub-expressions
  bool is_bool = false;
};

class Evaluator {
 public:
  explicit Evaluator(const columnar::RecordBatch& batch)
      : batch_(batch), n_(batch.num_rows), nw_((batch.num_rows + 63) / 64) {}

  Result<Mask> Eval(const Expression& e) {
    switch (e.kind()) {
      case ExprKind::kLiteral: {
        Mask m{Words(nw_, 0), Words(nw_, 0)};
        if (e.literal().is_null()) return m;
        if (!std::holds_alternative<bool>(e.literal().value)) return Status::InvalidArgument("non-boolean literal used as a predicate");
        std::fill(std::get<bool>(e.literal().value) ? m.t.begin() : m.f.begin(), std::get<bool>(e.literal().value) ? m.t.end() : m.f.end(), ~uint64_t{0});
        return m;
      }
      case ExprKind::kColumn: {
        DELTA_ASSIGN_OR_RAISE(Operand o, Resolve(e));
        if (!o.is_bool) return Status::InvalidArgument(fmt::format("column '{}' is not boolean", PathToSql(e.path())));
        Mask m{Words(nw_), Words(nw_)};
        for (int64_t w = 0; w < nw_; ++w) {
          m.t[w] = o.bool_values[w] & o.valid[w];
          m.f[w] = ~o.bool_values[w] & o.valid[w];
        }
        return m;
      }
      case ExprKind::kComparison: return EvalComparison(e);
      case ExprKind::kIsNull:
      case ExprKind::kIsNotNull: {
        DELTA_ASSIGN_OR_RAISE(Operand o, Resolve(*e.child(0)));
        Mask m{Words(nw_), Words(nw_)};
        for (int64_t w = 0; w < nw_; ++w) {
          m.f[w] = o.valid[w];
          m.t[w] = ~o.valid[w];
        }
        if (e.kind() == ExprKind::kIsNotNull) std::swap(m.t, m.f);
        return m;
      }
      case ExprKind::kIn:
      case ExprKind::kNotIn: return EvalIn(e);
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        const bool is_and = e.kind() == ExprKind::kAnd;
        Mask acc{Words(nw_, is_and ? ~uint64_t{0} : 0), Words(nw_, is_and ? 0 : ~uint64_t{0})};
        for (const auto& c : e.children()) {
          DELTA_ASSIGN_OR_RAISE(Mask m, Eval(*c));
          for (int64_t w = 0; w < nw_; ++w) {
            if (is_and) {
              acc.t[w] &= m.t[w];
              acc.f[w] |= m.f[w];
            } else {
              acc.t[w] |= m.t[w];
              acc.f[w] &= m.f[w];
            }
          }
        }
        return acc;
      }
      case ExprKind::kNot: {
        DELTA_ASSIGN_OR_RAISE(Mask m, Eval(*e.child(0)));
        std::swap(m.t, m.f);
        return m;
      }
    }
    return Status::Unsupported("cannot evaluate this expression kind");
  }

 private:
  Words ValidityWords(const ArrayData& a) const {
    Words out(nw_, ~uint64_t{0});
    AndValidity(a, &out);
    return out;
  }
  void AndValidity(const ArrayData& a, Words* out) const {
    if (a.type->id() == TypeId::kNull) {
      std::fill(out->begin(), out->end(), 0);
      return;
    }
    if (a.buffers.empty() || !a.buffers[0] || a.null_count == 0) return;
    Words tmp(nw_, 0);
    bit_util::CopyBits(a.buffers[0]->data(), a.offset, n_, reinterpret_cast<uint8_t*>(tmp.data()), 0);
    for (int64_t w = 0; w < nw_; ++w) (*out)[w] &= tmp[w];
  }

  Result<Operand> Resolve(const Expression& e) {
    Operand o;
    if (e.kind() == ExprKind::kColumn) {
      if (!e.is_bound_column()) return Status::InvalidArgument(fmt::format("column '{}' is not bound", PathToSql(e.path())));
      const auto& idx = e.field_indices();
      if (idx[0] < 0 || idx[0] >= batch_.num_columns()) return Status::InvalidArgument("bound column index out of range of the batch");
      ArrayPtr arr = batch_.column(idx[0]);
      o.valid = Words(nw_, ~uint64_t{0});
      for (size_t level = 1; level < idx.size(); ++level) {
        if (arr->type->id() != TypeId::kStruct || idx[level] < 0 || static_cast<size_t>(idx[level]) >= arr->children.size()) {
          return Status::InvalidArgument(fmt::format("column '{}' does not match the batch", PathToSql(e.path())));
        }
        AndValidity(*arr, &o.valid);
        arr = arr->children[static_cast<size_t>(idx[level])]->Slice(arr->offset, arr->length);
      }
      if (arr->length < n_ || (e.type() && arr->type->id() != e.type()->id())) {
        return Status::InvalidArgument(fmt::format("column '{}' does not match the batch ({} vs bound {})", PathToSql(e.path()),
                                                   arr->type->ToString(), e.type() ? e.type()->ToString() : "?"));
      }
      AndValidity(*arr, &o.valid);
      if (arr->type->id() == TypeId::kBool) {
        o.is_bool = true;
        o.bool_values = Words(nw_, 0);
        bit_util::CopyBits(arr->buffers[1]->data(), arr->offset, n_, reinterpret_cast<uint8_t*>(o.bool_values.data()), 0);
      }
      o.array = std::move(arr);
      return o;
    }
    if (e.kind() == ExprKind::kLiteral) return Status::InvalidArgument("literal operand where a column was expected (bind first)");
    DELTA_ASSIGN_OR_RAISE(Mask m, Eval(e));
    o.is_bool = true;
    o.valid = Words(nw_);
    for (int64_t w = 0; w < nw_; ++w) o.valid[w] = m.t[w] | m.f[w];
    o.bool_values = std::move(m.t);
    return o;
  }

  // out = operand op literal for every row (validity not applied).
  Status CompareOperandLiteral(const Operand& o, CompareOp op, const Scalar& lit, uint64_t* out) {
    if (o.is_bool) {
      if (!std::holds_alternative<bool>(lit.value)) return Status::InvalidArgument("boolean compared with a non-boolean literal");
      const bool b = std::get<bool>(lit.value);
      for (int64_t w = 0; w < nw_; ++w) {
        const uint64_t v = o.bool_values[w];
        uint64_t r = 0;
        switch (op) {
          case CompareOp::kEq:
          case CompareOp::kNullSafeEq: r = b ? v : ~v; break;
          case CompareOp::kNe: r = b ? ~v : v; break;
          case CompareOp::kLt: r = b ? ~v : 0; break;
          case CompareOp::kLe: r = b ? ~uint64_t{0} : ~v; break;
          case CompareOp::kGt: r = b ? 0 : v; break;
          case CompareOp::kGe: r = b ? v : ~uint64_t{0}; break;
        }
        out[w] = r;
      }
      return Status::OK();
    }
    const ArrayData& a = *o.array;
    bool done = false;
    if (std::holds_alternative<int64_t>(lit.value)) {
      const int64_t v = std::get<int64_t>(lit.value);
      done = VisitInteger(a, [&](auto get) { CompareToLiteral<PlainOrder>(op, n_, get, v, out); });
    } else if (std::holds_alternative<double>(lit.value)) {
      const double v = std::get<double>(lit.value);
      done = VisitFloat(a, [&](auto get) { CompareToLiteral<FloatOrder>(op, n_, get, v, out); });
    } else if (std::holds_alternative<__int128>(lit.value)) {
      const __int128 v = std::get<__int128>(lit.value);
      done = VisitDecimal(a, [&](auto get) { CompareToLiteral<PlainOrder>(op, n_, get, v, out); });
    } else if (std::holds_alternative<std::string>(lit.value)) {
      const std::string_view v = std::get<std::string>(lit.value);
      done = VisitBytes(a, [&](auto get) { CompareToLiteral<PlainOrder>(op, n_, get, v, out); });
    }
    if (!done) {
      return Status::InvalidArgument(fmt::format("cannot compare {} values with literal {} (bind first)", a.type->ToString(),
                                                 ScalarToSql(lit)));
    }
    return Status::OK();
  }

  template <typename V, typename Visit>
  static bool Materialize(const ArrayData& a, int64_t n, Visit visit, std::vector<V>* out) {
    out->resize(static_cast<size_t>(n));
    V* p = out->data();
    return visit(a, [&](auto get) {
      for (int64_t i = 0; i < n; ++i) p[i] = get(i);
    });
  }

  Status CompareOperands(const Operand& l, const Operand& r, CompareOp op, uint64_t* out) {
    if (l.is_bool || r.is_bool) {
      if (!(l.is_bool && r.is_bool)) return Status::InvalidArgument("boolean compared with a non-boolean");
      for (int64_t w = 0; w < nw_; ++w) {
        const uint64_t a = l.bool_values[w], b = r.bool_values[w];
        uint64_t res = 0;
        switch (op) {
          case CompareOp::kEq:
          case CompareOp::kNullSafeEq: res = ~(a ^ b); break;
          case CompareOp::kNe: res = a ^ b; break;
          case CompareOp::kLt: res = ~a & b; break;
          case CompareOp::kLe: res = ~a | b; break;
          case CompareOp::kGt: res = a & ~b; break;
          case CompareOp::kGe: res = a | ~b; break;
        }
        out[w] = res;
      }
      return Status::OK();
    }
    const ArrayData& a = *l.array;
    const ArrayData& b = *r.array;
    auto vi = [](const ArrayData& x, auto f) { return VisitInteger(x, f); };
    auto vf = [](const ArrayData& x, auto f) { return VisitFloat(x, f); };
    auto vd = [](const ArrayData& x, auto f) { return VisitDecimal(x, f); };
    auto vb = [](const ArrayData& x, auto f) { return VisitBytes(x, f); };
    {
      std::vector<int64_t> x, y;
      if (Materialize(a, n_, vi, &x) && Materialize(b, n_, vi, &y)) {
        CompareVectors<PlainOrder>(op, x, y, out);
        return Status::OK();
      }
    }
    {
      std::vector<double> x, y;
      if (Materialize(a, n_, vf, &x) && Materialize(b, n_, vf, &y)) {
        CompareVectors<FloatOrder>(op, x, y, out);
        return Status::OK();
      }
    }
    {
      std::vector<__int128> x, y;
      if (Materialize(a, n_, vd, &x) && Materialize(b, n_, vd, &y)) {
        if (a.type->scale() != b.type->scale()) return Status::InvalidArgument("decimals of different scales compared");
        CompareVectors<PlainOrder>(op, x, y, out);
        return Status::OK();
      }
    }
    {
      std::vector<std::string_view> x, y;
      if (Materialize(a, n_, vb, &x) && Materialize(b, n_, vb, &y)) {
        CompareVectors<PlainOrder>(op, x, y, out);
        return Status::OK();
      }
    }
    return Status::InvalidArgument(fmt::format("cannot compare {} with {}", a.type->ToString(), b.type->ToString()));
  }

  Result<Mask> EvalComparison(const Expression& e) {
    const CompareOp op = e.op();
    DELTA_ASSIGN_OR_RAISE(Operand l, Resolve(*e.child(0)));
    Mask m{Words(nw_, 0), Words(nw_, 0)};
    Words c(nw_, 0);
    if (e.child(1)->kind() == ExprKind::kLiteral) {
      const Scalar& lit = e.child(1)->literal();
      if (lit.is_null()) {
        if (op == CompareOp::kNullSafeEq) {
          for (int64_t w = 0; w < nw_; ++w) {
            m.t[w] = ~l.valid[w];
            m.f[w] = l.valid[w];
          }
        }
        return m;
      }
      DELTA_RETURN_NOT_OK(CompareOperandLiteral(l, op, lit, c.data()));
      for (int64_t w = 0; w < nw_; ++w) {
        m.t[w] = c[w] & l.valid[w];
        m.f[w] = op == CompareOp::kNullSafeEq ? ~m.t[w] : ~c[w] & l.valid[w];
      }
      return m;
    }
    DELTA_ASSIGN_OR_RAISE(Operand r, Resolve(*e.child(1)));
    DELTA_RETURN_NOT_OK(CompareOperands(l, r, op, c.data()));
    for (int64_t w = 0; w < nw_; ++w) {
      const uint64_t both = l.valid[w] & r.valid[w];
      if (op == CompareOp::kNullSafeEq) {
        m.t[w] = (c[w] & both) | (~l.valid[w] & ~r.valid[w]);
        m.f[w] = ~m.t[w];
      } else {
        m.t[w] = c[w] & both;
        m.f[w] = ~c[w] & both;
      }
    }
    return m;
  }

  Result<Mask> EvalIn(const Expression& e) {
    DELTA_ASSIGN_OR_RAISE(Operand v, Resolve(*e.child(0)));
    Words any(nw_, 0), c(nw_, 0);
    bool has_null = false;
    for (size_t i = 1; i < e.children().size(); ++i) {
      const Expression& item = *e.child(i);
      if (item.kind() != ExprKind::kLiteral) return Status::InvalidArgument("IN list entries must be literals");
      if (item.literal().is_null()) {
        has_null = true;
        continue;
      }
      DELTA_RETURN_NOT_OK(CompareOperandLiteral(v, CompareOp::kEq, item.literal(), c.data()));
      for (int64_t w = 0; w < nw_; ++w) any[w] |= c[w];
    }
    Mask m{Words(nw_), Words(nw_)};
    for (int64_t w = 0; w < nw_; ++w) {
      m.t[w] = any[w] & v.valid[w];
      // Not found: FALSE, unless the list holds a NULL (then NULL, as x = NULL is NULL).
      m.f[w] = has_null ? 0 : ~any[w] & v.valid[w];
    }
    if (e.kind() == ExprKind::kNotIn) std::swap(m.t, m.f);
    return m;
  }

  const columnar::RecordBatch& batch_;
  int64_t n_;
  int64_t nw_;
};

// ---- Filtering ----

// Calls f(i) for every set bit i in [0, n).
template <typename F>
void ForEachSet(const uint8_t* bits, int64_t n, F&& f) {
  const int64_t full = n / 64;
  for (int64_t w = 0; w < full; ++w) {
    uint64_t word;
    std::memcpy(&word, bits + w * 8, 8);
    while (word) {
      f(w * 64 + __builtin_ctzll(word));
      word &= word - 1;
    }
  }
  for (int64_t i = full * 64; i < n; ++i) {
    if (bit_util::GetBit(bits, i)) f(i);
  }
}

Result<BufferPtr> FilterValidity(const ArrayData& a, const uint8_t* keep, int64_t keep_count, int64_t* null_count) {
  *null_count = 0;
  if (a.buffers.empty() || !a.buffers[0] || a.GetNullCountConst() == 0) return BufferPtr();
  DELTA_ASSIGN_OR_RAISE(BufferPtr out, Buffer::Allocate(bit_util::BytesForBits(keep_count), true));
  uint8_t* o = out->mutable_data();
  const uint8_t* v = a.buffers[0]->data();
  int64_t j = 0, nulls = 0;
  ForEachSet(keep, a.length, [&](int64_t i) {
    if (bit_util::GetBit(v, a.offset + i)) bit_util::SetBit(o, j);
    else ++nulls;
    ++j;
  });
  *null_count = nulls;
  return out;
}

template <int W>
void GatherFixed(const uint8_t* src, int64_t n, const uint8_t* keep, uint8_t* dst) {
  int64_t j = 0;
  ForEachSet(keep, n, [&](int64_t i) {
    std::memcpy(dst + j * W, src + i * W, W);
    ++j;
  });
}

template <typename Offset>
Result<ArrayPtr> FilterBinary(const ArrayData& a, const uint8_t* keep, int64_t keep_count, std::shared_ptr<ArrayData> out) {
  const Offset* off = a.buffers[1]->data_as<Offset>() + a.offset;
  const uint8_t* data = a.buffers.size() > 2 && a.buffers[2] ? a.buffers[2]->data() : nullptr;
  int64_t total = 0;
  ForEachSet(keep, a.length, [&](int64_t i) { total += off[i + 1] - off[i]; });
  if (sizeof(Offset) == 4 && total > INT32_MAX) return Status::InvalidArgument("filtered strings exceed int32 offsets");
  DELTA_ASSIGN_OR_RAISE(BufferPtr offsets, Buffer::Allocate((keep_count + 1) * static_cast<int64_t>(sizeof(Offset))));
  DELTA_ASSIGN_OR_RAISE(BufferPtr bytes, Buffer::Allocate(total));
  Offset* o = offsets->mutable_data_as<Offset>();
  uint8_t* d = bytes->mutable_data();
  Offset pos = 0;
  int64_t j = 0;
  o[0] = 0;
  ForEachSet(keep, a.length, [&](int64_t i) {
    const Offset len = off[i + 1] - off[i];
    if (len > 0) std::memcpy(d + pos, data + off[i], static_cast<size_t>(len));
    pos += len;
    o[++j] = pos;
  });
  out->buffers.push_back(std::move(offsets));
  out->buffers.push_back(std::move(bytes));
  return ArrayPtr(std::move(out));
}

template <typename Offset>
Result<ArrayPtr> FilterList(const ArrayData& a, const uint8_t* keep, int64_t keep_count, std::shared_ptr<ArrayData> out) {
  const Offset* off = a.buffers[1]->data_as<Offset>() + a.offset;
  const ArrayData& child = *a.children[0];
  DELTA_ASSIGN_OR_RAISE(BufferPtr offsets, Buffer::Allocate((keep_count + 1) * static_cast<int64_t>(sizeof(Offset))));
  std::vector<uint8_t> child_keep(static_cast<size_t>(bit_util::BytesForBits(child.length)), 0);
  Offset* o = offsets->mutable_data_as<Offset>();
  Offset pos = 0;
  int64_t j = 0;
  int64_t child_count = 0;
  Status st;
  o[0] = 0;
  ForEachSet(keep, a.length, [&](int64_t i) {
    const int64_t b = off[i], e = off[i + 1];
    if (b < 0 || e < b || e > child.length) {
      st = Status::InvalidArgument("list offsets out of range of the child array");
      return;
    }
    for (int64_t k = b; k < e; ++k) bit_util::SetBit(child_keep.data(), k);
    child_count += e - b;
    pos = static_cast<Offset>(pos + (e - b));
    o[++j] = pos;
  });
  DELTA_RETURN_NOT_OK(st);
  DELTA_ASSIGN_OR_RAISE(ArrayPtr c, FilterArray(child, child_keep.data(), child_count));
  out->buffers.push_back(std::move(offsets));
  out->children.push_back(std::move(c));
  return ArrayPtr(std::move(out));
}

}  // namespace

Result<Selection> EvaluatePredicate(const ExprPtr& bound, const columnar::RecordBatch& batch) {
  if (!bound) return Status::InvalidArgument("no predicate");
  if (batch.num_rows < 0) return Status::InvalidArgument("negative row count");
  Evaluator ev(batch);
  DELTA_ASSIGN_OR_RAISE(Mask m, ev.Eval(*bound));
  const int64_t n = batch.num_rows;
  const int64_t nbytes = bit_util::BytesForBits(n);
  DELTA_ASSIGN_OR_RAISE(BufferPtr bitmap, Buffer::Allocate(nbytes, true));
  if (n % 64 != 0 && !m.t.empty()) m.t.back() &= (uint64_t{1} << (n % 64)) - 1;
  int64_t count = 0;
  for (uint64_t w : m.t) count += __builtin_popcountll(w);
  if (nbytes > 0) std::memcpy(bitmap->mutable_data(), m.t.data(), static_cast<size_t>(nbytes));
  return Selection{std::move(bitmap), n, count};
}

Result<ArrayPtr> FilterArray(const ArrayData& a, const uint8_t* keep, int64_t keep_count) {
  auto out = std::make_shared<ArrayData>();
  out->type = a.type;
  out->length = keep_count;
  if (a.type->id() == TypeId::kNull) {
    out->null_count = keep_count;
    return ArrayPtr(std::move(out));
  }
  int64_t nulls = 0;
  DELTA_ASSIGN_OR_RAISE(BufferPtr validity, FilterValidity(a, keep, keep_count, &nulls));
  out->null_count = nulls;
  out->buffers.push_back(std::move(validity));
  const TypeId id = a.type->id();
  switch (id) {
    case TypeId::kBool: {
      DELTA_ASSIGN_OR_RAISE(BufferPtr bits, Buffer::Allocate(bit_util::BytesForBits(keep_count), true));
      const uint8_t* src = a.buffers[1]->data();
      uint8_t* dst = bits->mutable_data();
      int64_t j = 0;
      ForEachSet(keep, a.length, [&](int64_t i) {
        if (bit_util::GetBit(src, a.offset + i)) bit_util::SetBit(dst, j);
        ++j;
      });
      out->buffers.push_back(std::move(bits));
      return ArrayPtr(std::move(out));
    }
    case TypeId::kString:
    case TypeId::kBinary: return FilterBinary<int32_t>(a, keep, keep_count, std::move(out));
    case TypeId::kLargeString:
    case TypeId::kLargeBinary: return FilterBinary<int64_t>(a, keep, keep_count, std::move(out));
    case TypeId::kStruct: {
      for (const auto& c : a.children) {
        DELTA_ASSIGN_OR_RAISE(ArrayPtr fc, FilterArray(*c->Slice(a.offset, a.length), keep, keep_count));
        out->children.push_back(std::move(fc));
      }
      return ArrayPtr(std::move(out));
    }
    case TypeId::kList:
    case TypeId::kMap: return FilterList<int32_t>(a, keep, keep_count, std::move(out));
    case TypeId::kLargeList: return FilterList<int64_t>(a, keep, keep_count, std::move(out));
    default: break;
  }
  const int bits = a.type->bit_width();
  if (bits <= 0 || bits % 8 != 0) return Status::Unsupported(fmt::format("cannot filter arrays of type {}", a.type->ToString()));
  const int w = bits / 8;
  DELTA_ASSIGN_OR_RAISE(BufferPtr values, Buffer::Allocate(keep_count * w));
  const uint8_t* src = a.buffers[1]->data() + a.offset * w;
  uint8_t* dst = values->mutable_data();
  switch (w) {
    case 1: GatherFixed<1>(src, a.length, keep, dst); break;
    case 2: GatherFixed<2>(src, a.length, keep, dst); break;
    case 4: GatherFixed<4>(src, a.length, keep, dst); break;
    case 8: GatherFixed<8>(src, a.length, keep, dst); break;
    case 16: GatherFixed<16>(src, a.length, keep, dst); break;
    default: {
      int64_t j = 0;
      ForEachSet(keep, a.length, [&](int64_t i) {
        std::memcpy(dst + j * w, src + i * w, static_cast<size_t>(w));
        ++j;
      });
    }
  }
  out->buffers.push_back(std::move(values));
  return ArrayPtr(std::move(out));
}

Result<columnar::RecordBatch> FilterBatch(const columnar::RecordBatch& batch, const uint8_t* keep_bitmap, int64_t keep_count) {
  const int64_t n = batch.num_rows;
  const int64_t actual = n == 0 ? 0 : bit_util::CountSetBits(keep_bitmap, 0, n);
  if (actual != keep_count) {
    return Status::InvalidArgument(fmt::format("keep_count {} does not match the {} bits set in the bitmap", keep_count, actual));
  }
  columnar::RecordBatch out;
  out.schema = batch.schema;
  out.num_rows = keep_count;
  if (keep_count == n) {
    out.columns = batch.columns;
    return out;
  }
  out.columns.reserve(batch.columns.size());
  for (const auto& c : batch.columns) {
    if (c->length < n) return Status::InvalidArgument("column shorter than the batch");
    DELTA_ASSIGN_OR_RAISE(ArrayPtr f, FilterArray(*c->Slice(0, n), keep_bitmap, keep_count));
    out.columns.push_back(std::move(f));
  }
  return out;
}

}  // namespace delta::expr

// Expression trees of the predicate language used by Delta scans (filters, partition pruning,
// data skipping) and, later, by DELETE / UPDATE / MERGE. A node is a kind plus children, so new
// kinds (arithmetic, functions, CASE) can be added without changing the existing ones.
//
// Trees are immutable and shared (ExprPtr = shared_ptr<const Expression>). A tree straight from
// the parser or the factories is "unbound": columns are name paths only. Bind() (bind.h) returns a
// new, bound tree in which every column carries its resolved field indices and type, and literals
// compared with columns have the column's type.
// Thread-safety: immutable after construction; share freely between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "delta/columnar/scalar.h"
#include "delta/columnar/type.h"

namespace delta::expr {

class Expression;
using ExprPtr = std::shared_ptr<const Expression>;

enum class ExprKind : uint8_t {
  kLiteral,     // literal()
  kColumn,      // path(); when bound also field_indices() and type()
  kComparison,  // op(), children {left, right}
  kIsNull,      // children {operand}
  kIsNotNull,   // children {operand}
  kIn,          // children {value, list literal...}; SQL: value IN (l1, l2, ...)
  kNotIn,       // children {value, list literal...}; SQL: value NOT IN (...)
  kAnd,         // n-ary, children >= 1
  kOr,          // n-ary, children >= 1
  kNot,         // children {operand}
};

enum class CompareOp : uint8_t {
  kEq,           // =
  kNe,           // !=
  kLt,           // <
  kLe,           // <=
  kGt,           // >
  kGe,           // >=
  kNullSafeEq,   // <=> (true when both are null, false when exactly one is null)
};

/// SQL spelling of an operator: "=", "!=", "<", "<=", ">", ">=", "<=>".
const char* CompareOpSql(CompareOp op);
/// The operator with its operands swapped (a < b  <=>  b > a).
CompareOp FlipCompareOp(CompareOp op);
/// The operator whose result is the negation for non-null operands (< -> >=, = -> !=); kNullSafeEq
/// has no such dual and is returned unchanged.
CompareOp NegateCompareOp(CompareOp op);

class Expression {
 public:
  ExprKind kind() const { return kind_; }
  const std::vector<ExprPtr>& children() const { return children_; }
  const ExprPtr& child(size_t i) const { return children_[i]; }

  /// Comparison operator (kComparison only).
  CompareOp op() const { return op_; }
  /// The value (kLiteral only).
  const columnar::Scalar& literal() const { return literal_; }
  /// Nested field path, outermost first (kColumn only). In a bound tree the names are spelled
  /// as in the schema.
  const std::vector<std::string>& path() const { return path_; }
  /// Field index at each level of path() (bound kColumn only, else empty).
  const std::vector<int>& field_indices() const { return field_indices_; }
  /// Result type: the column's type (bound columns), the literal's type, bool for predicates
  /// of a bound tree; nullptr for unbound columns and predicates over them.
  const columnar::TypePtr& type() const { return type_; }
  bool is_bound_column() const { return kind_ == ExprKind::kColumn && !field_indices_.empty(); }

  /// SQL text that ParsePredicate() parses back into an equal tree (for trees the parser can
  /// produce; bound literals of narrow types print as plain numbers).
  std::string ToString() const;
  /// Structural equality (kinds, operators, paths, literal types and values).
  bool Equals(const Expression& other) const;

  // Construction: use the factories below.
  struct Private {};
  explicit Expression(Private, ExprKind kind) : kind_(kind) {}
  static ExprPtr MakeLiteral(columnar::Scalar value);
  static ExprPtr MakeColumn(std::vector<std::string> path, std::vector<int> field_indices = {},
                            columnar::TypePtr type = nullptr);
  static ExprPtr MakeComparison(CompareOp op, ExprPtr left, ExprPtr right, columnar::TypePtr type = nullptr);
  /// Any kind with children (kIsNull, kIsNotNull, kIn, kNotIn, kAnd, kOr, kNot).
  static ExprPtr MakeNode(ExprKind kind, std::vector<ExprPtr> children, columnar::TypePtr type = nullptr);

 private:
  ExprKind kind_;
  CompareOp op_ = CompareOp::kEq;
  columnar::Scalar literal_;
  std::vector<std::string> path_;
  std::vector<int> field_indices_;
  columnar::TypePtr type_;
  std::vector<ExprPtr> children_;
};

// ---- Factories (unbound trees) ----

/// Column by dotted path: Col("a.b") is the nested field b of struct a. Use ColPath for names
/// that contain dots.
ExprPtr Col(std::string_view dotted_path);
ExprPtr ColPath(std::vector<std::string> path);
ExprPtr Lit(columnar::Scalar value);
ExprPtr Lit(int64_t v);  // int64 literal
ExprPtr Lit(double v);   // float64 literal
ExprPtr Lit(bool v);
ExprPtr Lit(std::string_view v);  // utf8 literal
ExprPtr Lit(const char* v);
ExprPtr NullLit();  // untyped NULL

ExprPtr Compare(CompareOp op, ExprPtr a, ExprPtr b);
ExprPtr Eq(ExprPtr a, ExprPtr b);
ExprPtr Ne(ExprPtr a, ExprPtr b);
ExprPtr Lt(ExprPtr a, ExprPtr b);
ExprPtr Le(ExprPtr a, ExprPtr b);
ExprPtr Gt(ExprPtr a, ExprPtr b);
ExprPtr Ge(ExprPtr a, ExprPtr b);
ExprPtr NullSafeEq(ExprPtr a, ExprPtr b);
ExprPtr IsNull(ExprPtr a);
ExprPtr IsNotNull(ExprPtr a);
/// value IN (list...); the list entries are literals.
ExprPtr In(ExprPtr value, std::vector<ExprPtr> list);
ExprPtr NotIn(ExprPtr value, std::vector<ExprPtr> list);
ExprPtr And(std::vector<ExprPtr> children);
ExprPtr Or(std::vector<ExprPtr> children);
ExprPtr Not(ExprPtr a);

// ---- Helpers shared by the expression module ----

/// Literal SQL text of a scalar: 42, 1.5, 1.0E10, 'it''s', TRUE, NULL, DATE '2021-01-02',
/// TIMESTAMP '2021-01-02 03:04:05.000006Z', TIMESTAMP_NTZ '...', X'0A0B', DOUBLE 'NaN'.
std::string ScalarToSql(const columnar::Scalar& value);
/// Identifier path as SQL: a.b, `weird name`.`x`.
std::string PathToSql(const std::vector<std::string>& path);

}  // namespace delta::expr

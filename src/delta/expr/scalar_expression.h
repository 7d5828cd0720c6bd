// Scalar (value-producing) Spark SQL expressions: what Delta tables store as generation
// expressions of generated columns (PROTOCOL.md "Generated Columns", field metadata
// delta.generationExpression), e.g. "c1 + 1", "CAST(ts AS DATE)", "date_format(ts, 'yyyy-MM')".
//
// Language (keywords and function names case-insensitive):
//   expr     := additive
//   additive := term (('+' | '-') term)*           term := unary (('*' | '/' | '%') unary)*
//   unary    := '-' unary | '+' unary | primary
//   primary  := literal | column | '(' expr ')' | CAST '(' expr AS type ')' | name '(' [expr (',' expr)*] ')'
//   literal  := integer | decimal | float | 'string' | "string" | TRUE | FALSE | NULL
//             | DATE 'YYYY-MM-DD' | TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff]'
//   column   := name ('.' name)*     (`back ticked` names allowed)
//   type     := BOOLEAN | TINYINT | BYTE | SMALLINT | SHORT | INT | INTEGER | BIGINT | LONG | FLOAT
//             | REAL | DOUBLE | STRING | VARCHAR(n) | CHAR(n) | DATE | TIMESTAMP | TIMESTAMP_NTZ
// Functions: year, month, day, dayofmonth, hour, minute, second, quarter, to_date (1 or 2
// arguments), date, date_format, date_trunc, trunc, substring, substr, concat, upper, ucase,
// lower, lcase, trim, ltrim, rtrim, length, char_length, character_length, abs, coalesce.
//
// Semantics are Spark's (3.x, non-ANSI mode, spark.sql.ansi.enabled=false, the default):
//   - a NULL operand gives NULL (coalesce and concat as in Spark: concat is NULL if any argument is);
//   - integer arithmetic wraps around at the width of the result type (int + int is int, as in
//     Java); '/' always yields DOUBLE; division or remainder by zero yields NULL;
//   - integer literals are INT when they fit, else BIGINT; literals with a decimal point or an
//     exponent are evaluated as DOUBLE (Spark would use DECIMAL for 1.5: results can differ in
//     the last bits when such a literal meets a DOUBLE column, never for integer columns);
//   - casts follow Spark's non-ANSI Cast: strings that do not parse become NULL, double to int
//     truncates toward zero and saturates, long to int wraps, timestamps to strings print
//     "yyyy-MM-dd HH:mm:ss[.ffffff]" with trailing zeros of the fraction dropped;
//   - TIMESTAMP values are turned into dates / hours / text in UTC (Spark uses the session time
//     zone; a table written by a Spark session in another zone computes different values for
//     YEAR(ts) etc., and the write fails the generated column check instead of storing them);
//     TIMESTAMP_NTZ values use their wall clock;
//   - upper / lower map ASCII letters; a non-ASCII string makes Evaluate fail with Unsupported
//     (Java's full Unicode case mapping is not reproduced) rather than compute a wrong value.
// Decimal and binary values, CASE / IF, comparisons and other functions are not supported:
// Make() returns Unsupported naming the construct.
//
// Evaluation is vectorised: one pass per expression node over the whole batch, values in flat
// vectors, no per-value virtual calls.
// Thread-safety: a ScalarExpression is immutable after Make(); Evaluate may run concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::expr {

class ScalarExpression {
 public:
  struct Node;
  ~ScalarExpression();

  /// Parses `sql` and binds its columns against `schema` (case-insensitive, nested struct paths
  /// with '.'). Errors: InvalidArgument for text that is not an expression ("expected ')' at 7
  /// in: ..."); Unsupported for constructs outside the language above (unknown function,
  /// decimal operands, a non-literal format argument); InvalidArgument for unknown columns.
  static Result<std::unique_ptr<ScalarExpression>> Make(std::string_view sql, const columnar::Schema& schema);

  /// The Spark result type of the expression (int32 for YEAR(...), utf8 for strings,
  /// timestamp[us, tz=UTC] for TIMESTAMP, timestamp[us] for TIMESTAMP_NTZ, null for NULL).
  const columnar::TypePtr& type() const { return type_; }
  const std::string& sql() const { return sql_; }

  /// Evaluates the expression over `batch` (which has the schema given to Make) and casts the
  /// result to `to` with Spark's cast rules; `to` may be nullptr for type(). Errors:
  /// InvalidArgument when the batch does not match the bound schema; Unsupported when `to`
  /// cannot be produced or a value needs unsupported semantics (see above).
  Result<columnar::ArrayPtr> Evaluate(const columnar::RecordBatch& batch, const columnar::TypePtr& to = nullptr) const;

 private:
  ScalarExpression() = default;
  std::string sql_;
  std::shared_ptr<const Node> root_;
  columnar::TypePtr type_;
};

/// Spark's non-ANSI CAST of an array to `to` (bool, integers, floats, date32, timestamp[us]
/// with or without zone, utf8); Unsupported for other source or target types.
Result<columnar::ArrayPtr> SparkCast(const columnar::ArrayData& array, const columnar::TypePtr& to);

/// Null-safe equality of two arrays of equal length whose types are both supported by
/// SparkCast (compared after casting `actual` to the type of `expected`): NULL equals NULL,
/// NaN equals NaN. Returns the first row that differs, or -1 when all are equal.
Result<int64_t> FirstNullSafeMismatch(const columnar::ArrayData& actual, const columnar::ArrayData& expected);

}  // namespace delta::expr

// Parser of the SQL-like predicate language of scans (--where of the CLI, filters given by API
// users). Produces an unbound expression tree (expression.h); Bind() resolves it against a schema.
//
// Grammar (keywords case-insensitive; precedence NOT > AND > OR; comparisons bind tighter than
// NOT, so NOT a = 1 is NOT (a = 1)):
//   predicate  := or
//   or         := and (OR and)*
//   and        := not (AND not)*
//   not        := NOT not | test
//   test       := operand [ cmp operand | IS [NOT] NULL | [NOT] IN '(' [literal (',' literal)*] ')'
//                          | [NOT] BETWEEN operand AND operand ]
//   cmp        := = | == | != | <> | < | <= | > | >= | <=>
//   operand    := literal | column | '(' or ')'
//   column     := name ('.' name)*        name: [A-Za-z_][A-Za-z0-9_]* or `back ticked` (`` = `)
//   literal    := [-]integer | [-]decimal | [-]float | 'string' ('' = ') | TRUE | FALSE | NULL
//               | DATE 'YYYY-MM-DD' | TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff][Z|+HH:MM]'
//               | TIMESTAMP_NTZ 'YYYY-MM-DD HH:MM:SS[.ffffff]' | X'hex' | DOUBLE 'NaN'|'Infinity'|'-Infinity'|'1.5'
// Literal types:
//   - integers: int64; integers beyond int64 (up to 38 digits): decimal128(38, 0)
//   - numbers with a '.' and no exponent (1.5, -0.25): decimal128(p, s) with exactly the digits
//     written (as Spark SQL), so comparisons with decimal columns are exact
//   - numbers with an exponent (1e3, 1.5E-2): float64
//   - TIMESTAMP: timestamp[us, UTC]; without a zone the text is read as UTC.
//     TIMESTAMP_NTZ: timestamp[us] (wall clock). DATE: date32. X'..': binary.
// BETWEEN is rewritten: a BETWEEN x AND y = (a >= x AND a <= y); NOT BETWEEN = NOT (that).
// Thread-safety: pure function.
#pragma once

#include <string_view>

#include "delta/expr/expression.h"
#include "delta/util/result.h"

namespace delta::expr {

/// Parses a predicate. InvalidArgument with the 0-based character position and what was
/// expected ("expected ')' at 14 in: a IN (1, 2"), also when nesting is too deep (about 200
/// parentheses), so hostile input cannot exhaust the stack.
Result<ExprPtr> ParsePredicate(std::string_view text);

}  // namespace delta::expr

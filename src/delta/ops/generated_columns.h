// Enforcement of generated columns (PROTOCOL.md "Generated Columns"): a column whose field
// metadata holds delta.generationExpression must, in every row, equal that Spark SQL expression
// evaluated over the row. ops::WriteTable fills such a column when the input does not provide it
// and checks it when the input does.
//
// The expressions are evaluated by expr::ScalarExpression (see its header for the supported
// language and the Spark semantics reproduced: non-ANSI arithmetic, NULL on division by zero,
// timestamps in UTC). The comparison is null-safe (NULL equals NULL), as Spark's `col <=> expr`
// check of generated columns.
//
// Callers that write through txn::Transaction directly must run a GeneratedColumns over every
// batch themselves: the transaction layer accepts such tables but cannot see the rows.
// Thread-safety: immutable after Make(); Apply() may be called from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/expr/scalar_expression.h"
#include "delta/util/result.h"

namespace delta::ops {

class GeneratedColumns {
 public:
  struct Column {
    int index;               // top-level field index in the table schema
    std::string name;
    std::string sql;         // the generation expression as stored
    std::unique_ptr<expr::ScalarExpression> expression;
  };

  /// Collects the generated columns of `table_schema` (the logical schema of the table after the
  /// write) and parses / binds their expressions. Errors: Unsupported "generated column 'c'
  /// (expr) uses an expression this writer cannot evaluate: ..." when the expression is outside
  /// the supported language or refers to unknown columns, or when a nested field carries a
  /// generation expression, so that the write is refused rather than left unchecked.
  static Result<std::unique_ptr<GeneratedColumns>> Make(const columnar::Schema& table_schema);

  /// Fills or checks the generated columns of `batch` (table layout: the columns of the table
  /// schema in order). `provided[i]` says whether the input had table column i; a generated
  /// column not provided is computed (and cast to the column's type), a provided one is checked.
  /// `first_row` is added to row numbers in messages.
  /// Errors: InvalidArgument "generated column 'c' (expr) does not match its expression in row N:
  /// value X, expected Y"; Unsupported "generated column 'c' (expr): ..." when a value cannot be
  /// computed. (A computed NULL in a NOT NULL column is rejected by the data file writer.)
  Status Apply(columnar::RecordBatchPtr* batch, const std::vector<bool>& provided, int64_t first_row = 0) const;

  bool empty() const { return columns_.empty(); }
  const std::vector<Column>& columns() const { return columns_; }

 private:
  std::vector<Column> columns_;
};

}  // namespace delta::ops

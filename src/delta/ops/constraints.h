// Enforcement of the row-level rules a Delta table declares for its writers: CHECK constraints
// (table configuration delta.constraints.<name> = SQL predicate, PROTOCOL.md "CHECK Constraints")
// and column invariants (field metadata delta.invariants = {"expression":{"expression":"..."}},
// PROTOCOL.md "Column Invariants").
//
// ops::WriteTable runs a ConstraintChecker over every input batch before it reaches the data
// files. Callers that write through txn::Transaction directly (not ops::WriteTable) must build a
// ConstraintChecker from the table's schema and configuration and Check() every batch
// themselves: the transaction layer accepts such tables but cannot see the rows.
//
// Semantics: a row violates a rule unless the predicate is TRUE, so FALSE and NULL both fail.
// The protocol says so explicitly for invariants; for CHECK constraints it says every new row
// must "satisfy" the constraint, which Spark and delta-rs both read as "evaluates to TRUE"
// (a NULL result is rejected). ConstraintOptions::null_satisfies_check switches CHECK
// constraints to SQL-standard semantics (NULL passes) for callers that want that.
//
// Thread-safety: a ConstraintChecker is immutable after Make(); Check() may be called from many
// threads at once.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/type.h"
#include "delta/expr/expression.h"
#include "delta/util/result.h"

namespace delta::ops {

struct ConstraintOptions {
  /// When true a CHECK constraint evaluating to NULL passes (SQL standard). Default false: NULL
  /// fails, as in Spark and delta-rs. Invariants always reject NULL (PROTOCOL.md).
  bool null_satisfies_check = false;
};

class ConstraintChecker {
 public:
  enum class Kind { kCheck, kInvariant };

  struct Constraint {
    Kind kind;
    /// The CHECK constraint name (after "delta.constraints."), or the column path of an invariant.
    std::string name;
    /// The SQL text as stored in the table.
    std::string sql;
    /// Bound against the table schema: the predicate whose selected rows violate the rule
    /// (NOT (sql) when NULL passes), or the predicate itself whose unselected rows violate it.
    expr::ExprPtr bound;
    bool violators_selected = false;
    /// Bound column nodes referenced by the predicate, for error messages.
    std::vector<expr::ExprPtr> columns;
  };

  /// Collects the CHECK constraints of `configuration` and the invariants of `table_schema`
  /// (top-level fields and fields nested in structs), and parses and binds each one against
  /// `table_schema` (the logical schema of the table after the write).
  /// Errors: Unsupported "CHECK constraint 'name' (expr) uses syntax this writer cannot evaluate:
  /// ..." (or "invariant on column ...") when our predicate language cannot parse or bind it, so
  /// that the write is refused rather than left unchecked; InvalidArgument when a
  /// delta.invariants value is not the JSON the protocol describes.
  static Result<std::unique_ptr<ConstraintChecker>> Make(const columnar::Schema& table_schema,
                                                         const std::map<std::string, std::string>& configuration,
                                                         const ConstraintOptions& options = {});

  /// Checks every row of `batch`, which must have the table schema given to Make() (columns in
  /// table order). `first_row` is added to row numbers in messages (rows of earlier batches).
  /// Errors: InvalidArgument "CHECK constraint 'name' (expr) violated by row N: col=value, ..."
  /// (or "invariant on column 'c' (expr) violated by row N: ...") for the first violating row
  /// of the first violated rule; errors of the evaluator as they are.
  Status Check(const columnar::RecordBatch& batch, int64_t first_row = 0) const;

  bool empty() const { return constraints_.empty(); }
  const std::vector<Constraint>& constraints() const { return constraints_; }

 private:
  std::vector<Constraint> constraints_;
};

}  // namespace delta::ops

#include "delta/ops/constraints.h"

#include <fmt/format.h>
#include <simdjson.h>

#include "delta/columnar/scalar.h"
#include "delta/expr/bind.h"
#include "delta/expr/evaluator.h"
#include "delta/expr/parser.h"
#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::ops {

namespace {

using columnar::ArrayData;
using columnar::FieldPtr;
using columnar::TypeId;

constexpr std::string_view kConstraintPrefix = "delta.constraints.";

std::string Describe(const ConstraintChecker::Constraint& c) {
  if (c.kind == ConstraintChecker::Kind::kCheck) return fmt::format("CHECK constraint '{}' ({})", c.name, c.sql);
  return fmt::format("invariant on column '{}' ({})", c.name, c.sql);
}

// The bound column nodes of a tree, each path once, in order of first use.
void CollectColumns(const expr::ExprPtr& e, std::vector<expr::ExprPtr>* out) {
  if (e->is_bound_column()) {
    for (const auto& c : *out) {
      if (c->path() == e->path()) return;
    }
    out->push_back(e);
    return;
  }
  for (const auto& c : e->children()) CollectColumns(c, out);
}

// PROTOCOL.md "Column Invariants": the metadata value is a JSON string holding the predicate at
// expression.expression.
Result<std::string> InvariantSql(const std::string& json, const std::string& column) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(json);
  std::string_view sql;
  auto doc = parser.iterate(padded);
  auto err = doc.error();
  if (!err) err = doc["expression"]["expression"].get_string().get(sql);
  if (err) {
    return Status::InvalidArgument(fmt::format(
        "delta.invariants of column '{}' is not {{\"expression\":{{\"expression\":\"<SQL>\"}}}}: {} in: {}", column,
        simdjson::error_message(err), json));
  }
  return std::string(sql);
}

bool HasInvariantInside(const columnar::DataType& type) {
  for (const auto& c : type.children()) {
    if (c->GetMetadata("delta.invariants") || HasInvariantInside(*c->type)) return true;
  }
  return false;
}

void CollectInvariants(const std::vector<FieldPtr>& fields, const std::string& prefix,
                       std::vector<std::pair<std::string, std::string>>* out, Status* st) {
  for (const auto& f : fields) {
    if (!st->ok()) return;
    std::string path = prefix.empty() ? f->name : prefix + "." + f->name;
    if (auto inv = f->GetMetadata("delta.invariants")) {
      auto sql = InvariantSql(*inv, path);
      if (!sql.ok()) {
        *st = sql.status();
        return;
      }
      out->emplace_back(path, sql.MoveValueUnsafe());
    }
    // Spark only allows invariants on top-level fields and fields nested in structs; one inside
    // a list or map could not be evaluated per row, so the write is refused rather than unchecked.
    if (f->type->id() == TypeId::kStruct) {
      CollectInvariants(f->type->children(), path, out, st);
    } else if (HasInvariantInside(*f->type)) {
      *st = Status::Unsupported(fmt::format(
          "column '{}' has an invariant inside a list or map, which this writer cannot evaluate", path));
      return;
    }
  }
}

Result<ConstraintChecker::Constraint> Prepare(ConstraintChecker::Kind kind, std::string name, std::string sql,
                                              const columnar::Schema& schema, bool null_passes) {
  ConstraintChecker::Constraint c;
  c.kind = kind;
  c.name = std::move(name);
  c.sql = std::move(sql);
  auto refuse = [&](const Status& st) {
    return Status::Unsupported(
        fmt::format("{} uses syntax this writer cannot evaluate: {}", Describe(c), st.message()));
  };
  auto parsed = expr::ParsePredicate(c.sql);
  if (!parsed.ok()) return refuse(parsed.status());
  // With NULL passing, the violators are the rows where NOT (pred) is TRUE: NULL stays NULL under
  // NOT and is not selected. Otherwise the violators are the rows pred does not select.
  expr::ExprPtr tree = null_passes ? expr::Not(*parsed) : *parsed;
  auto bound = expr::Bind(tree, schema);
  if (!bound.ok()) return refuse(bound.status());
  c.bound = bound.MoveValueUnsafe();
  c.violators_selected = null_passes;
  CollectColumns(c.bound, &c.columns);
  return c;
}

// Value of a (possibly nested) bound column at `row` as text; a null enclosing struct gives null.
Result<std::string> ColumnValue(const columnar::RecordBatch& batch, const expr::Expression& col, int64_t row) {
  const auto& idx = col.field_indices();
  if (idx.empty() || idx[0] < 0 || idx[0] >= batch.num_columns()) return std::string("?");
  const ArrayData* arr = batch.column(idx[0]).get();
  int64_t i = row;
  for (size_t level = 1; level < idx.size(); ++level) {
    if (arr->IsNull(i)) return std::string("null");
    if (idx[level] < 0 || static_cast<size_t>(idx[level]) >= arr->children.size()) return std::string("?");
    i += arr->offset;  // struct children are indexed like their parent, without its slice offset
    arr = arr->children[static_cast<size_t>(idx[level])].get();
  }
  DELTA_ASSIGN_OR_RAISE(auto s, columnar::GetScalar(*arr, i));
  return s.ToString();
}

}  // namespace

Result<std::unique_ptr<ConstraintChecker>> ConstraintChecker::Make(
    const columnar::Schema& table_schema, const std::map<std::string, std::string>& configuration,
    const ConstraintOptions& options) {
  auto checker = std::make_unique<ConstraintChecker>();
  // PROTOCOL.md "CHECK Constraints": configuration keys delta.constraints.<name>.
  for (auto it = configuration.lower_bound(std::string(kConstraintPrefix));
       it != configuration.end() && it->first.compare(0, kConstraintPrefix.size(), kConstraintPrefix) == 0; ++it) {
    DELTA_ASSIGN_OR_RAISE(auto c, Prepare(Kind::kCheck, it->first.substr(kConstraintPrefix.size()), it->second,
                                          table_schema, options.null_satisfies_check));
    checker->constraints_.push_back(std::move(c));
  }
  std::vector<std::pair<std::string, std::string>> invariants;
  Status st;
  CollectInvariants(table_schema.fields(), "", &invariants, &st);
  DELTA_RETURN_NOT_OK(st);
  for (auto& [path, sql] : invariants) {
    // PROTOCOL.md "Column Invariants": FALSE or NULL aborts the transaction.
    DELTA_ASSIGN_OR_RAISE(auto c, Prepare(Kind::kInvariant, path, sql, table_schema, false));
    checker->constraints_.push_back(std::move(c));
  }
  return checker;
}

Status ConstraintChecker::Check(const columnar::RecordBatch& batch, int64_t first_row) const {
  if (batch.num_rows == 0) return Status::OK();
  for (const auto& c : constraints_) {
    DELTA_ASSIGN_OR_RAISE(expr::Selection sel, expr::EvaluatePredicate(c.bound, batch));
    const bool ok = c.violators_selected ? sel.count == 0 : sel.count == batch.num_rows;
    if (ok) continue;
    const uint8_t* bits = sel.bitmap ? sel.bitmap->data() : nullptr;
    int64_t row = 0;
    while (row < batch.num_rows) {
      const bool selected = bits != nullptr && bit_util::GetBit(bits, row);
      if (selected == c.violators_selected) break;
      ++row;
    }
    std::string values;
    for (const auto& col : c.columns) {
      DELTA_ASSIGN_OR_RAISE(auto v, ColumnValue(batch, *col, row));
      values += fmt::format("{}{}={}", values.empty() ? "" : ", ", expr::PathToSql(col->path()), v);
    }
    return Status::InvalidArgument(
        fmt::format("{} violated by row {}: {}", Describe(c), first_row + row, values.empty() ? "(no columns)" : values));
  }
  return Status::OK();
}

}  // namespace delta::ops

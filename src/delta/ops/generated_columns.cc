#include "delta/ops/generated_columns.h"

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/util/macros.h"

namespace delta::ops {

namespace {

constexpr const char* kGenerationExpression = "delta.generationExpression";

bool HasNestedGeneration(const columnar::DataType& t) {
  for (const auto& c : t.children()) {
    if (c->GetMetadata(kGenerationExpression) || HasNestedGeneration(*c->type)) return true;
  }
  return false;
}

std::string ValueText(const columnar::ArrayData& a, int64_t row) {
  auto s = columnar::GetScalar(a, row);
  return s.ok() ? s->ToString() : "?";
}

}  // namespace

Result<std::unique_ptr<GeneratedColumns>> GeneratedColumns::Make(const columnar::Schema& table_schema) {
  auto out = std::make_unique<GeneratedColumns>();
  for (int i = 0; i < table_schema.num_fields(); ++i) {
    const auto& f = table_schema.field(i);
    if (HasNestedGeneration(*f->type)) {
      // Delta only defines generated top-level columns; anything else is not something we can
      // enforce, so refuse rather than write unchecked rows.
      return Status::Unsupported(
          fmt::format("column '{}' has a nested field with a generation expression, which this writer cannot enforce",
                      f->name));
    }
    auto sql = f->GetMetadata(kGenerationExpression);
    if (!sql) continue;
    auto e = expr::ScalarExpression::Make(*sql, table_schema);
    if (!e.ok()) {
      return Status::Unsupported(fmt::format("generated column '{}' ({}) uses an expression this writer cannot evaluate: {}",
                                             f->name, *sql, e.status().message()));
    }
    {
      // The result must be castable to the column's type (Spark requires the types to match).
      DELTA_ASSIGN_OR_RAISE(auto empty, columnar::MakeArrayOfNulls((*e)->type(), 0));
      auto cast = expr::SparkCast(*empty, f->type);
      if (!cast.ok()) {
        return Status::Unsupported(fmt::format("generated column '{}' ({}) of type {}: {}", f->name, *sql,
                                               f->type->ToString(), cast.status().message()));
      }
    }
    Column c;
    c.index = i;
    c.name = f->name;
    c.sql = *sql;
    c.expression = e.MoveValueUnsafe();
    out->columns_.push_back(std::move(c));
  }
  return out;
}

Status GeneratedColumns::Apply(columnar::RecordBatchPtr* batch, const std::vector<bool>& provided,
                               int64_t first_row) const {
  if (columns_.empty()) return Status::OK();
  columnar::RecordBatchPtr b = *batch;
  std::shared_ptr<columnar::RecordBatch> copy;
  for (const auto& c : columns_) {
    const auto& field = b->schema->field(c.index);
    // Generation expressions may not refer to generated columns (Delta rejects such tables), so
    // evaluating against the batch as given is the same as evaluating against the final row.
    auto computed = c.expression->Evaluate(*b, field->type);
    if (!computed.ok()) {
      const Status& st = computed.status();
      if (st.code() == StatusCode::kOutOfMemory) return st;
      return Status::Unsupported(fmt::format("generated column '{}' ({}): {}", c.name, c.sql, st.message()));
    }
    const bool given = static_cast<size_t>(c.index) < provided.size() && provided[static_cast<size_t>(c.index)];
    if (given) {
      const auto& actual = b->columns[static_cast<size_t>(c.index)];
      DELTA_ASSIGN_OR_RAISE(int64_t row, expr::FirstNullSafeMismatch(*actual, **computed));
      if (row >= 0) {
        return Status::InvalidArgument(fmt::format(
            "generated column '{}' ({}) does not match its expression in row {}: value {}, expected {}", c.name, c.sql,
            first_row + row, ValueText(*actual, row), ValueText(**computed, row)));
      }
      continue;
    }
    if (!copy) {
      copy = std::make_shared<columnar::RecordBatch>(*b);
      b = copy;
    }
    copy->columns[static_cast<size_t>(c.index)] = computed.MoveValueUnsafe();
  }
  if (copy) *batch = copy;
  return Status::OK();
}

}  // namespace delta::ops

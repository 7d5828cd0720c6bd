#include "delta/ops/write.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <set>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/expr/bind.h"
#include "delta/expr/evaluator.h"
#include "delta/expr/parser.h"
#include "delta/ops/create.h"
#include "delta/ops/constraints.h"
#include "delta/ops/generated_columns.h"
#include "delta/protocol/action_json.h"
#include "delta/protocol/table_features.h"
#include "delta/scan/scan.h"
#include "delta/schema/coerce.h"
#include "delta/schema/column_mapping.h"
#include "delta/schema/schema_json.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"

namespace delta::ops {

namespace {
table::SnapshotOptions NoStats() {
  table::SnapshotOptions o;
  o.with_stats = false;
  return o;
}
}  // namespace

using columnar::ArrayPtr;
using columnar::FieldPtr;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::Schema;
using columnar::SchemaPtr;
using columnar::TypeId;
using columnar::TypePtr;

Result<SaveMode> ParseSaveMode(std::string_view text) {
  std::string t(text);
  std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "append") return SaveMode::kAppend;
  if (t == "overwrite") return SaveMode::kOverwrite;
  if (t == "error" || t == "errorifexists") return SaveMode::kErrorIfExists;
  if (t == "ignore") return SaveMode::kIgnore;
  return Status::InvalidArgument(fmt::format("unknown save mode '{}' (append, overwrite, error, ignore)", text));
}

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// Index of a field by name: exact match first, then case-insensitive (Delta column names are
// case-insensitive, as in Spark).
int FindField(const std::vector<FieldPtr>& fields, std::string_view name) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i]->name == name) return static_cast<int>(i);
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (EqualsIgnoreCase(fields[i]->name, name)) return static_cast<int>(i);
  }
  return -1;
}

std::string JsonString(std::string_view s) {
  std::string out;
  protocol::AppendJsonString(s, &out);
  return out;
}

const char* ModeName(SaveMode m) {
  switch (m) {
    case SaveMode::kAppend:
      return "Append";
    case SaveMode::kOverwrite:
      return "Overwrite";
    case SaveMode::kErrorIfExists:
      return "ErrorIfExists";
    case SaveMode::kIgnore:
      return "Ignore";
  }
  return "?";
}

// ---- Schema evolution ----

// Merges `input` into `table` (PROTOCOL.md leaves this to writers; Spark's mergeSchema rules):
// existing fields keep their type, name and metadata; struct fields missing in the table are
// appended as nullable, recursively through structs, list elements and map values.
TypePtr MergeType(const TypePtr& table, const TypePtr& input, bool* changed) {
  if (table->id() == TypeId::kStruct && input->id() == TypeId::kStruct) {
    std::vector<FieldPtr> fields = table->children();
    bool local = false;
    for (const auto& in : input->children()) {
      int i = FindField(fields, in->name);
      if (i < 0) {
        fields.push_back(columnar::MakeField(in->name, in->type, true));
        local = true;
        continue;
      }
      const auto& tf = fields[static_cast<size_t>(i)];
      TypePtr merged = MergeType(tf->type, in->type, &local);
      if (merged != tf->type) fields[static_cast<size_t>(i)] = columnar::MakeField(tf->name, merged, tf->nullable, tf->metadata);
    }
    if (!local) return table;
    *changed = true;
    return columnar::Struct(std::move(fields));
  }
  if (table->id() == TypeId::kList && input->id() == TypeId::kList) {
    const auto& e = table->children()[0];
    bool local = false;
    TypePtr t = MergeType(e->type, input->children()[0]->type, &local);
    if (!local) return table;
    *changed = true;
    return columnar::List(columnar::MakeField(e->name, t, e->nullable, e->metadata));
  }
  if (table->id() == TypeId::kMap && input->id() == TypeId::kMap) {
    const auto& entries = table->children()[0]->type->children();
    const auto& in_entries = input->children()[0]->type->children();
    bool local = false;
    TypePtr v = MergeType(entries[1]->type, in_entries[1]->type, &local);
    if (!local) return table;
    *changed = true;
    return columnar::Map(entries[0]->type, v, entries[1]->nullable);
  }
  return table;  // incompatible types are reported when the data is coerced
}

SchemaPtr MergeSchemas(const Schema& table, const Schema& input, bool* changed) {
  std::vector<FieldPtr> fields = table.fields();
  for (const auto& in : input.fields()) {
    int i = FindField(fields, in->name);
    if (i < 0) {
      fields.push_back(columnar::MakeField(in->name, in->type, true));
      *changed = true;
      continue;
    }
    const auto& tf = fields[static_cast<size_t>(i)];
    TypePtr merged = MergeType(tf->type, in->type, changed);
    if (merged != tf->type) fields[static_cast<size_t>(i)] = columnar::MakeField(tf->name, merged, tf->nullable, tf->metadata);
  }
  return std::make_shared<Schema>(std::move(fields), table.metadata());
}

bool UsesTimestampNtz(const columnar::DataType& t) {
  if (t.id() == TypeId::kTimestamp && t.timezone().empty()) return true;
  for (const auto& c : t.children()) {
    if (UsesTimestampNtz(*c->type)) return true;
  }
  return false;
}

// ---- Input batches to the table layout ----

// Every table column in table order: input columns matched by name and coerced to the table's
// type (widening, timestamp units, narrower integers when the values fit), absent columns as
// nulls (the writer rejects nulls in NOT NULL columns, naming them).
Result<RecordBatchPtr> ToTableLayout(const RecordBatch& batch, const SchemaPtr& table_schema) {
  const auto& tfields = table_schema->fields();
  std::vector<ArrayPtr> columns(tfields.size());
  const auto& in_fields = batch.schema->fields();
  for (size_t c = 0; c < in_fields.size(); ++c) {
    int i = FindField(tfields, in_fields[c]->name);
    if (i < 0) {
      std::string names;
      for (const auto& f : tfields) names += (names.empty() ? "" : ", ") + f->name;
      return Status::InvalidArgument(fmt::format(
          "column '{}' of the input is not in the table schema ({}); use schema merge to add it", in_fields[c]->name,
          names));
    }
    if (columns[static_cast<size_t>(i)]) {
      return Status::InvalidArgument(fmt::format("the input has column '{}' twice", in_fields[c]->name));
    }
    const auto& tf = tfields[static_cast<size_t>(i)];
    ArrayPtr arr = batch.columns[c];
    if (!arr->type->Equals(*tf->type)) {
      auto coerced = schema::CoerceToDeltaType(arr, tf->type, tf->name);
      if (!coerced.ok()) {
        const Status& st = coerced.status();
        if (st.code() == StatusCode::kOutOfMemory) return st;
        return Status::InvalidArgument(fmt::format("schema mismatch for column '{}': input type {}, table type {}: {}",
                                                   tf->name, schema::DeltaTypeName(*arr->type),
                                                   schema::DeltaTypeName(*tf->type), st.message()));
      }
      arr = coerced.MoveValueUnsafe();
    }
    columns[static_cast<size_t>(i)] = std::move(arr);
  }
  for (size_t i = 0; i < tfields.size(); ++i) {
    if (!columns[i]) {
      DELTA_ASSIGN_OR_RAISE(columns[i], columnar::MakeArrayOfNulls(tfields[i]->type, batch.num_rows));
    }
  }
  auto out = std::make_shared<RecordBatch>();
  out->schema = table_schema;
  out->num_rows = batch.num_rows;
  out->columns = std::move(columns);
  return out;
}

// Bitmap of the rows where the predicate is not TRUE (FALSE or NULL): the complement of a
// selection, with the bits past the length cleared.
std::vector<uint8_t> Complement(const expr::Selection& sel, int64_t* count) {
  const int64_t n = sel.length;
  std::vector<uint8_t> out(static_cast<size_t>((n + 7) / 8));
  const uint8_t* in = sel.bitmap ? sel.bitmap->data() : nullptr;
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(~(in ? in[i] : 0));
  if (n % 8 != 0) out.back() &= static_cast<uint8_t>((1u << (n % 8)) - 1);
  *count = n - sel.count;
  return out;
}

protocol::Remove RemoveFor(const protocol::Add& add, int64_t now) {
  // PROTOCOL.md "Add File and Remove File": extendedFileMetadata with partitionValues / size /
  // tags so that readers of tombstones (CDF, vacuum) have what they need.
  protocol::Remove r;
  r.path = add.path;
  r.deletion_timestamp = now;
  r.data_change = true;
  r.extended_file_metadata = true;
  r.partition_values = add.partition_values;
  r.size = add.size;
  r.tags = add.tags;
  r.deletion_vector = add.deletion_vector;
  r.base_row_id = add.base_row_id;
  r.default_row_commit_version = add.default_row_commit_version;
  return r;
}

// The live files whose partition values satisfy a predicate over partition columns only: one row
// per file (partition columns filled, the others null) evaluated in one pass.
Result<std::vector<size_t>> FilesMatchingPartitionPredicate(const table::Snapshot& snap, const SchemaPtr& schema,
                                                            const expr::ExprPtr& bound) {
  const auto& files = snap.files();
  std::vector<size_t> out;
  if (files.empty()) return out;
  const auto& fields = schema->fields();
  std::vector<std::vector<ArrayPtr>> parts(fields.size());
  for (const auto& add : files) {
    DELTA_ASSIGN_OR_RAISE(auto values, snap.PartitionValues(add));
    for (const auto& p : snap.partition_columns()) {
      int i = FindField(fields, p);
      if (i < 0) return Status::CorruptData(fmt::format("partition column '{}' is not in the table schema", p));
      auto it = values.find(fields[static_cast<size_t>(i)]->name);
      columnar::Scalar s = it != values.end() ? it->second : columnar::Scalar::Null(fields[static_cast<size_t>(i)]->type);
      if (!s.type) s.type = fields[static_cast<size_t>(i)]->type;
      DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayFromScalar(s, 1));
      parts[static_cast<size_t>(i)].push_back(std::move(arr));
    }
  }
  auto batch = std::make_shared<RecordBatch>();
  batch->schema = schema;
  batch->num_rows = static_cast<int64_t>(files.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!parts[i].empty()) {
      DELTA_ASSIGN_OR_RAISE(auto arr, columnar::ConcatenateArrays(parts[i]));
      batch->columns.push_back(std::move(arr));
    } else {
      DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayOfNulls(fields[i]->type, batch->num_rows));
      batch->columns.push_back(std::move(arr));
    }
  }
  DELTA_ASSIGN_OR_RAISE(auto sel, expr::EvaluatePredicate(bound, *batch));
  for (size_t i = 0; i < files.size(); ++i) {
    if (bit_util::GetBit(sel.bitmap->data(), static_cast<int64_t>(i))) out.push_back(i);
  }
  return out;
}

struct WriteState {
  std::unique_ptr<txn::DataFileWriter> writer;
};

Result<WriteResult> WriteImpl(const std::string& uri, columnar::RecordBatchReader& input, const WriteOptions& options,
                              const storage::StorageOptions& storage, WriteState* state) {
  if (options.schema_mode == SchemaMode::kOverwrite && options.mode != SaveMode::kOverwrite) {
    return Status::InvalidArgument("schema overwrite is only allowed with save mode overwrite");
  }
  if (options.replace_where && options.mode != SaveMode::kOverwrite) {
    return Status::InvalidArgument("a replaceWhere predicate is only allowed with save mode overwrite");
  }
  if (options.replace_where && options.schema_mode == SchemaMode::kOverwrite) {
    return Status::InvalidArgument("a replaceWhere predicate cannot be combined with schema overwrite");
  }
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(uri, storage));
  table::SnapshotPtr snap;
  {
    auto s = table->GetSnapshot();
    if (s.ok()) {
      snap = s.MoveValueUnsafe();
    } else if (!s.status().IsNotFound()) {
      return s.status();
    }
  }
  WriteResult result;
  if (snap) {
    if (options.mode == SaveMode::kErrorIfExists) {
      return Status::AlreadyExists(
          fmt::format("a Delta table already exists at {} (version {})", table->uri(), snap->version()));
    }
    if (options.mode == SaveMode::kIgnore) {
      result.status = txn::CommitStatus::kSkipped;
      result.version = snap->version();
      return result;
    }
    if (options.app_transaction) {
      auto v = snap->TransactionVersion(options.app_transaction->first);
      if (v && *v >= options.app_transaction->second) {
        result.status = txn::CommitStatus::kSkipped;
        result.version = snap->version();
        return result;
      }
    }
  }

  SchemaPtr input_schema = input.schema();
  if (!input_schema) return Status::InvalidArgument("the input has no schema");
  DELTA_ASSIGN_OR_RAISE(SchemaPtr normalized_input, NormalizeSchema(*input_schema));

  // ---- The schema, partitioning and protocol of the table after this write ----
  std::unique_ptr<txn::Transaction> txn;
  SchemaPtr write_schema;
  std::vector<std::string> partition_columns;
  std::map<std::string, std::string> configuration;
  schema::ColumnMappingMode mapping = schema::ColumnMappingMode::kNone;
  bool full_overwrite = false;
  if (!snap) {
    DELTA_ASSIGN_OR_RAISE(NewTableActions actions,
                          PrepareNewTable(normalized_input, options.partition_by, options.configuration, options.name,
                                          options.description));
    DELTA_ASSIGN_OR_RAISE(txn, txn::Transaction::BeginCreate(table->location(), options.transaction));
    txn->UpdateProtocol(actions.protocol);
    txn->UpdateMetadata(actions.metadata);
    write_schema = actions.schema;
    partition_columns = actions.metadata.partition_columns;
    configuration = actions.metadata.configuration;
    DELTA_ASSIGN_OR_RAISE(mapping, schema::ParseColumnMappingMode(configuration));
  } else {
    DELTA_ASSIGN_OR_RAISE(txn, txn::Transaction::Begin(snap, options.transaction));
    write_schema = snap->schema();
    partition_columns = snap->partition_columns();
    configuration = snap->configuration();
    mapping = snap->column_mapping_mode();
    protocol::Metadata metadata = snap->metadata();
    bool metadata_changed = false;
    if (options.schema_mode == SchemaMode::kOverwrite) {
      // The new schema replaces the old one; column mapping ids continue after the old maximum
      // so that no physical name or id is ever reused (PROTOCOL.md "Column Mapping").
      SchemaPtr s = normalized_input;
      if (mapping != schema::ColumnMappingMode::kNone) {
        int64_t max_id = 0;
        auto it = configuration.find("delta.columnMapping.maxColumnId");
        if (it != configuration.end()) max_id = std::strtoll(it->second.c_str(), nullptr, 10);
        // Fresh ids / names for every column: strip what the input may carry.
        std::vector<FieldPtr> stripped;
        for (const auto& f : s->fields()) stripped.push_back(columnar::MakeField(f->name, f->type, f->nullable));
        s = AssignColumnMapping(Schema(std::move(stripped)), &max_id);
        configuration["delta.columnMapping.maxColumnId"] = std::to_string(max_id);
      }
      std::vector<std::string> parts = options.partition_by.empty() ? partition_columns : options.partition_by;
      DELTA_ASSIGN_OR_RAISE(auto check, PrepareNewTable(s, parts, {}, std::nullopt, std::nullopt));
      (void)check;
      write_schema = s;
      partition_columns = parts;
      metadata_changed = true;
    } else {
      if (!options.partition_by.empty() && options.partition_by != partition_columns) {
        std::string have, want;
        for (const auto& p : partition_columns) have += (have.empty() ? "" : ", ") + p;
        for (const auto& p : options.partition_by) want += (want.empty() ? "" : ", ") + p;
        return Status::InvalidArgument(fmt::format(
            "partition columns [{}] differ from the table's [{}]", want, have));
      }
      if (options.schema_mode == SchemaMode::kMerge) {
        bool changed = false;
        SchemaPtr merged = MergeSchemas(*write_schema, *normalized_input, &changed);
        if (changed) {
          if (mapping != schema::ColumnMappingMode::kNone) {
            int64_t max_id = 0;
            auto it = configuration.find("delta.columnMapping.maxColumnId");
            if (it != configuration.end()) max_id = std::strtoll(it->second.c_str(), nullptr, 10);
            merged = AssignColumnMapping(*merged, &max_id);
            configuration["delta.columnMapping.maxColumnId"] = std::to_string(max_id);
          }
          write_schema = merged;
          metadata_changed = true;
        }
      }
    }
    if (metadata_changed) {
      bool has_ntz = false;
      for (const auto& f : write_schema->fields()) has_ntz = has_ntz || UsesTimestampNtz(*f->type);
      if (has_ntz && !protocol::IsFeatureEnabled(snap->protocol(), "timestampNtz")) {
        return Status::InvalidArgument(
            "the new schema has a timestamp_ntz column but the table does not enable the timestampNtz feature");
      }
      metadata.schema_string = schema::SchemaToJson(*write_schema);
      metadata.partition_columns = partition_columns;
      metadata.configuration = configuration;
      txn->UpdateMetadata(std::move(metadata));
    }
    full_overwrite = options.mode == SaveMode::kOverwrite && !options.replace_where;
  }

  // ---- replaceWhere ----
  expr::ExprPtr replace_pred, replace_bound;
  bool partition_only = false;
  if (options.replace_where) {
    DELTA_ASSIGN_OR_RAISE(replace_pred, expr::ParsePredicate(*options.replace_where));
    auto bound = expr::Bind(replace_pred, *write_schema);
    if (!bound.ok()) return bound.status().WithPrefix("replaceWhere");
    replace_bound = bound.MoveValueUnsafe();
    partition_only = true;
    for (const auto& path : expr::ReferencedColumns(replace_bound)) {
      bool is_partition = false;
      for (const auto& p : partition_columns) is_partition = is_partition || EqualsIgnoreCase(p, path[0]);
      partition_only = partition_only && is_partition;
    }
  }

  // ---- Data ----
  // PROTOCOL.md "CHECK Constraints" / "Column Invariants": every input row is checked before it
  // reaches a data file; a violation fails the write and nothing is committed.
  DELTA_ASSIGN_OR_RAISE(auto constraints, ConstraintChecker::Make(*write_schema, configuration));
  // PROTOCOL.md "Generated Columns": absent generated columns are computed, present ones must
  // equal their expression; both before replaceWhere and the constraints see the rows.
  DELTA_ASSIGN_OR_RAISE(auto generated, GeneratedColumns::Make(*write_schema));
  DELTA_ASSIGN_OR_RAISE(txn::DataWriteOptions dopts,
                        txn::DataWriteOptionsFromConfiguration(configuration, options.data));
  DELTA_ASSIGN_OR_RAISE(state->writer, txn::DataFileWriter::Make(table->location(), write_schema, partition_columns,
                                                                 mapping, dopts));
  txn::DataFileWriter& writer = *state->writer;
  int64_t input_rows = 0;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(RecordBatchPtr batch, input.Next());
    if (!batch) break;
    if (batch->num_rows == 0) continue;
    DELTA_ASSIGN_OR_RAISE(RecordBatchPtr full, ToTableLayout(*batch, write_schema));
    if (!generated->empty()) {
      std::vector<bool> provided(write_schema->fields().size(), false);
      for (const auto& f : batch->schema->fields()) {
        int i = FindField(write_schema->fields(), f->name);
        if (i >= 0) provided[static_cast<size_t>(i)] = true;
      }
      DELTA_RETURN_NOT_OK(generated->Apply(&full, provided, input_rows));
    }
    if (replace_bound) {
      // Every row written by a replaceWhere overwrite must match the predicate (Spark's
      // DELTA_REPLACE_WHERE_MISMATCH), else rows would land outside the replaced range.
      DELTA_ASSIGN_OR_RAISE(auto sel, expr::EvaluatePredicate(replace_bound, *full));
      if (sel.count != full->num_rows) {
        int64_t row = 0;
        while (row < full->num_rows && bit_util::GetBit(sel.bitmap->data(), row)) ++row;
        return Status::InvalidArgument(fmt::format("input row {} does not match the replaceWhere predicate '{}'",
                                                   input_rows + row, *options.replace_where));
      }
    }
    DELTA_RETURN_NOT_OK(constraints->Check(*full, input_rows));
    DELTA_RETURN_NOT_OK(writer.Write(*full));
    input_rows += full->num_rows;
    if (options.progress) options.progress(input_rows, writer.bytes_written());
  }

  // ---- Files replaced ----
  std::vector<protocol::Remove> removes;
  const int64_t now = NowMs();
  if (snap && full_overwrite) {
    for (const auto& add : snap->files()) removes.push_back(RemoveFor(add, now));
  } else if (snap && replace_bound && partition_only) {
    DELTA_ASSIGN_OR_RAISE(auto old_bound, expr::Bind(replace_pred, *snap->schema()));
    DELTA_ASSIGN_OR_RAISE(auto idx, FilesMatchingPartitionPredicate(*snap, snap->schema(), old_bound));
    for (size_t i : idx) removes.push_back(RemoveFor(snap->files()[i], now));
  } else if (snap && replace_bound) {
    // Data predicate: files that may hold matching rows are removed and their rows that do NOT
    // match (FALSE or NULL) are written again, so only the matching rows are replaced.
    DELTA_ASSIGN_OR_RAISE(auto scan,
                          scan::ScanBuilder(snap).WithPredicate(replace_pred).WithRowFiltering(false).Build());
    DELTA_ASSIGN_OR_RAISE(auto old_bound, expr::Bind(replace_pred, *scan->schema()));
    DELTA_ASSIGN_OR_RAISE(auto planned, scan->PlanFiles());
    for (const auto& file : planned) {
      DELTA_ASSIGN_OR_RAISE(auto batches, scan->ReadFile(file));
      std::vector<RecordBatchPtr> keep_batches;
      bool any_match = false;
      for (const auto& b : batches) {
        if (b->num_rows == 0) continue;
        DELTA_ASSIGN_OR_RAISE(auto sel, expr::EvaluatePredicate(old_bound, *b));
        if (sel.count > 0) any_match = true;
        int64_t keep_count = 0;
        std::vector<uint8_t> keep = Complement(sel, &keep_count);
        if (keep_count == 0) continue;
        DELTA_ASSIGN_OR_RAISE(RecordBatch kept, expr::FilterBatch(*b, keep.data(), keep_count));
        keep_batches.push_back(std::make_shared<RecordBatch>(std::move(kept)));
      }
      if (!any_match) continue;  // nothing to replace in this file: leave it alone
      for (const auto& b : keep_batches) {
        DELTA_ASSIGN_OR_RAISE(RecordBatchPtr full, ToTableLayout(*b, write_schema));
        DELTA_RETURN_NOT_OK(writer.Write(*full));
      }
      removes.push_back(RemoveFor(*file.add, now));
    }
  }
  if (!removes.empty() && snap) {
    auto it = configuration.find("delta.appendOnly");
    if (it != configuration.end() && EqualsIgnoreCase(it->second, "true")) {
      return Status::InvalidArgument(
          fmt::format("table {} is append-only (delta.appendOnly = true): cannot remove its files", table->uri()));
    }
  }

  DELTA_ASSIGN_OR_RAISE(std::vector<protocol::Add> adds, writer.Finish());
  result.files_added = static_cast<int64_t>(adds.size());
  result.files_removed = static_cast<int64_t>(removes.size());
  result.rows = input_rows;
  for (const auto& a : adds) result.bytes += a.size;

  // ---- Commit ----
  std::string parts_json = "[";
  for (size_t i = 0; i < partition_columns.size(); ++i) {
    if (i) parts_json += ",";
    protocol::AppendJsonString(partition_columns[i], &parts_json);
  }
  parts_json += "]";
  std::map<std::string, std::string> params = {
      {"mode", JsonString(ModeName(options.mode == SaveMode::kIgnore ? SaveMode::kErrorIfExists : options.mode))},
      {"partitionBy", JsonString(parts_json)},
  };
  if (options.replace_where) {
    std::string pred = "[";
    protocol::AppendJsonString(*options.replace_where, &pred);
    pred += "]";
    params["predicate"] = JsonString(pred);
  }
  txn->SetOperation("WRITE", std::move(params));
  std::map<std::string, std::string> metrics = {
      {"numFiles", JsonString(std::to_string(adds.size()))},
      {"numOutputRows", JsonString(std::to_string(input_rows))},
      {"numOutputBytes", JsonString(std::to_string(result.bytes))},
  };
  if (!removes.empty()) metrics["numRemovedFiles"] = JsonString(std::to_string(removes.size()));
  txn->SetOperationMetrics(std::move(metrics));
  const bool blind = options.mode != SaveMode::kOverwrite;
  txn->SetBlindAppend(blind);
  if (replace_pred) txn->RecordReadPredicate(replace_pred);
  if (options.app_transaction) {
    txn->SetApplicationTransaction(options.app_transaction->first, options.app_transaction->second);
  }
  txn->AddFiles(std::move(adds));
  if (!removes.empty()) txn->RemoveFiles(std::move(removes));
  auto committed = txn->Commit();
  if (!committed.ok()) {
    if (!snap && committed.status().IsAlreadyExists() && options.mode == SaveMode::kIgnore) {
      result = WriteResult{};
      result.status = txn::CommitStatus::kSkipped;
      DELTA_ASSIGN_OR_RAISE(auto now_snap, table->GetSnapshot(NoStats()));
      result.version = now_snap->version();
      return result;
    }
    return committed.status();
  }
  result.status = committed->status;
  result.version = committed->version;
  if (committed->status == txn::CommitStatus::kSkipped) {
    result.files_added = result.files_removed = result.rows = result.bytes = 0;
  }
  return result;
}

}  // namespace

Result<WriteResult> WriteTable(const std::string& uri, columnar::RecordBatchReader& input, const WriteOptions& options,
                               const storage::StorageOptions& storage) {
  WriteState state;
  auto result = WriteImpl(uri, input, options, storage, &state);
  // Anything not committed leaves no data files behind (the files are unreferenced: deleting them
  // cannot lose data). A skipped commit wrote nothing to the log either.
  if (state.writer && (!result.ok() || result->status == txn::CommitStatus::kSkipped)) {
    Status aborted = state.writer->Abort();
    (void)aborted;  // the original error is what the caller needs
  }
  return result;
}

}  // namespace delta::ops

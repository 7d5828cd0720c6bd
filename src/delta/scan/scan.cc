#include "delta/scan/scan.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "delta/columnar/bridge.h"
#include "delta/columnar/builder.h"
#include "delta/dv/deletion_vector.h"
#include "delta/expr/bind.h"
#include "delta/expr/evaluator.h"
#include "delta/expr/parser.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/schema.h"
#include "delta/scan/file_skipping.h"
#include "delta/schema/coerce.h"
#include "delta/schema/column_mapping.h"
#include "delta/storage/path.h"
#include "delta/util/macros.h"

namespace delta::scan {

using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::SchemaPtr;

struct Scan::State {
  table::SnapshotPtr snapshot;
  SchemaPtr output_schema;
  // What is read per file: the output columns plus the columns the row filter needs.
  SchemaPtr read_schema;                 // logical fields, read order
  std::vector<bool> read_is_partition;   // per read_schema field
  std::vector<int> output_from_read;     // output column i = read column output_from_read[i]
  expr::ExprPtr row_predicate;           // bound against read_schema, or null
  std::unique_ptr<FileSkipping> skipping;  // null without a predicate
  schema::ColumnMappingMode mode = schema::ColumnMappingMode::kNone;
  int num_threads = 2;
  int files_in_flight = 2;
};

Scan::Scan(std::shared_ptr<const State> state)
    : state_(std::move(state)), snapshot_(state_->snapshot), output_schema_(state_->output_schema) {}

namespace {

int FindField(const columnar::Schema& s, const std::string& name) {
  int idx = s.GetFieldIndex(name);
  if (idx >= 0) return idx;
  // Delta column names are case-insensitive (like Spark's default resolution).
  int found = -1;
  for (int i = 0; i < s.num_fields(); ++i) {
    const std::string& n = s.field(i)->name;
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      if (found >= 0) return -2;
      found = i;
    }
  }
  return found;
}

std::string ColumnList(const columnar::Schema& s) {
  std::string out;
  for (int i = 0; i < s.num_fields(); ++i) out += (i ? ", " : "") + s.field(i)->name;
  return out;
}

}  // namespace

Result<std::shared_ptr<Scan>> ScanBuilder::Build() const {
  if (!snapshot_) return Status::InvalidArgument("scan without a snapshot");
  DELTA_RETURN_NOT_OK(snapshot_->CheckReadSupported());
  auto state = std::make_shared<Scan::State>();
  state->snapshot = snapshot_;
  state->mode = snapshot_->column_mapping_mode();
  state->num_threads = std::max(1, num_threads_);
  state->files_in_flight = std::max(1, files_in_flight_);
  const columnar::Schema& table_schema = *snapshot_->schema();

  // Output columns.
  std::vector<int> out_idx;
  if (columns_.empty()) {
    for (int i = 0; i < table_schema.num_fields(); ++i) out_idx.push_back(i);
  } else {
    for (const auto& c : columns_) {
      int idx = FindField(table_schema, c);
      if (idx == -2) return Status::InvalidArgument(fmt::format("column name '{}' is ambiguous", c));
      if (idx < 0) {
        return Status::InvalidArgument(fmt::format("unknown column '{}' (columns: {})", c, ColumnList(table_schema)));
      }
      out_idx.push_back(idx);
    }
  }
  // Predicate.
  expr::ExprPtr predicate = predicate_;
  if (predicate_sql_) {
    DELTA_ASSIGN_OR_RAISE(predicate, expr::ParsePredicate(*predicate_sql_));
  }
  std::vector<int> read_idx = out_idx;
  if (predicate) {
    DELTA_ASSIGN_OR_RAISE(auto bound_full, expr::Bind(predicate, table_schema));
    for (const auto& path : expr::ReferencedColumns(bound_full)) {
      int idx = FindField(table_schema, path.front());
      if (idx >= 0 && std::find(read_idx.begin(), read_idx.end(), idx) == read_idx.end()) read_idx.push_back(idx);
    }
    DELTA_ASSIGN_OR_RAISE(state->skipping, FileSkipping::Make(snapshot_, predicate));
  }
  std::vector<columnar::FieldPtr> read_fields, out_fields;
  for (int i : read_idx) {
    read_fields.push_back(table_schema.field(i));
    const auto& pcs = snapshot_->partition_columns();
    state->read_is_partition.push_back(std::find(pcs.begin(), pcs.end(), table_schema.field(i)->name) != pcs.end());
  }
  for (size_t i = 0; i < out_idx.size(); ++i) {
    out_fields.push_back(table_schema.field(out_idx[i]));
    state->output_from_read.push_back(static_cast<int>(i));
  }
  state->read_schema = std::make_shared<columnar::Schema>(std::move(read_fields));
  state->output_schema = std::make_shared<columnar::Schema>(std::move(out_fields));
  if (predicate && filter_rows_) {
    DELTA_ASSIGN_OR_RAISE(state->row_predicate, expr::Bind(predicate, *state->read_schema));
  }
  return std::make_shared<Scan>(std::move(state));
}

Result<std::vector<ScanFile>> Scan::PlanFiles(ScanMetrics* metrics) const {
  std::vector<ScanFile> out;
  ScanMetrics m;
  const auto& files = snapshot_->files();
  m.files_total = static_cast<int64_t>(files.size());
  out.reserve(files.size());
  bool partitioned = !snapshot_->partition_columns().empty();
  for (const auto& add : files) {
    ScanFile f;
    f.add = &add;
    if (partitioned) {
      auto pv = snapshot_->PartitionValues(add);
      if (!pv.ok()) return pv.status();
      f.partition_values = std::move(*pv);
    }
    if (state_->skipping) {
      if (!state_->skipping->PartitionMayMatch(f.partition_values)) {
        ++m.files_pruned_by_partition;
        continue;
      }
      auto may = state_->skipping->StatsMayMatch(add);
      if (!may.ok()) return may.status().WithContext(fmt::format("statistics of {}", add.path));
      if (!*may) {
        ++m.files_skipped_by_stats;
        continue;
      }
    }
    out.push_back(std::move(f));
  }
  if (metrics) *metrics = m;
  return out;
}

// Loads the deletion vector of a file (PROTOCOL.md "Deletion Vectors"): inline, relative to the
// table root ('u'), or an absolute path ('p').
Result<dv::DeletedRows> LoadDeletionVector(const storage::Location& root, const dv::DeletionVectorDescriptor& d,
                                           const std::string& data_file) {
  if (d.storage_type == "i") {
    auto r = dv::DecodeInlineDeletionVector(d);
    if (!r.ok()) return r.status().WithContext(fmt::format("inline deletion vector of {}", data_file));
    return r;
  }
  storage::Location loc;
  if (d.storage_type == "u" || d.storage_type == "p") {
    DELTA_ASSIGN_OR_RAISE(auto rel, dv::DeletionVectorRelativePath(d));
    DELTA_ASSIGN_OR_RAISE(loc, storage::ResolveDataFile(root, rel));
  } else {
    return Status::CorruptData(fmt::format("deletion vector of {} has unknown storage type '{}'", data_file, d.storage_type));
  }
  std::string what = fmt::format("deletion vector file {} (of {})", loc.uri(), data_file);
  Result<columnar::BufferPtr> bytes = Status::Internal("unset");
  int64_t offset = d.offset.value_or(0);
  if (d.offset) {
    // Size prefix + bitmap + checksum.
    bytes = loc.store->GetRange(loc.key, offset, 4 + static_cast<int64_t>(d.size_in_bytes) + 4);
    if (!bytes.ok() && bytes.status().IsInvalidArgument()) {
      return Status::CorruptData(fmt::format("{}: {}", what, bytes.status().message()));
    }
    if (!bytes.ok()) return bytes.status().WithContext(what);
    auto r = dv::DecodeStoredDeletionVector(std::span<const uint8_t>((*bytes)->data(), static_cast<size_t>((*bytes)->size())), d);
    if (!r.ok()) return r.status().WithContext(what);
    return r;
  }
  bytes = loc.store->Get(loc.key);
  if (!bytes.ok()) return bytes.status().WithContext(what);
  auto r = dv::DecodeDeletionVectorFile(std::span<const uint8_t>((*bytes)->data(), static_cast<size_t>((*bytes)->size())), d);
  if (!r.ok()) return r.status().WithContext(what);
  return r;
}

namespace {

// Finds the file column that holds a Delta column: by name (kNone), physical name (kName), or
// field id first (kId).
int FindFileColumn(const columnar::Schema& file_schema, const columnar::Field& field, schema::ColumnMappingMode mode) {
  if (mode == schema::ColumnMappingMode::kId) {
    if (auto id = schema::ColumnMappingId(field)) {
      for (int i = 0; i < file_schema.num_fields(); ++i) {
        auto fid = file_schema.field(i)->GetMetadata(parquet::kParquetFieldIdKey);
        if (fid && *fid == std::to_string(*id)) return i;
      }
    }
  }
  if (mode != schema::ColumnMappingMode::kNone) {
    if (auto phys = schema::PhysicalName(field)) {
      int idx = file_schema.GetFieldIndex(*phys);
      if (idx >= 0) return idx;
    }
    return -1;
  }
  int idx = FindField(file_schema, field.name);
  return idx < 0 ? -1 : idx;
}

}  // namespace

Result<std::vector<RecordBatchPtr>> Scan::ReadFile(const ScanFile& file) const {
  return ReadFile(file, ReadFileOptions{});
}

Result<std::vector<RecordBatchPtr>> Scan::ReadFile(const ScanFile& file, const ReadFileOptions& options) const {
  const State& st = *state_;
  const protocol::Add& add = *file.add;
  DELTA_ASSIGN_OR_RAISE(auto loc, storage::ResolveDataFile(snapshot_->table_root(), add.path));
  std::string file_uri = loc.uri();
  // Deletion vector first: a missing DV file fails the scan before any data is decoded.
  std::optional<dv::DeletedRows> deleted;
  if (add.deletion_vector && options.apply_deletion_vector) {
    DELTA_ASSIGN_OR_RAISE(auto dv_rows, LoadDeletionVector(snapshot_->table_root(), *add.deletion_vector, file_uri));
    deleted = std::move(dv_rows);
  }
  auto raf = loc.store->OpenRead(loc.key);
  if (!raf.ok()) return raf.status().WithContext(fmt::format("data file of table {}", snapshot_->table_root().uri()));
  // Which file columns to read.
  auto probe = parquet::FileReader::Open(*raf);
  if (!probe.ok()) return probe.status().WithContext(file_uri);
  columnar::SchemaPtr file_schema = (*probe)->schema();
  const columnar::Schema& read_schema = *st.read_schema;
  std::vector<int> file_col(static_cast<size_t>(read_schema.num_fields()), -1);
  std::vector<std::string> columns;
  for (int i = 0; i < read_schema.num_fields(); ++i) {
    if (st.read_is_partition[static_cast<size_t>(i)]) continue;
    int idx = FindFileColumn(*file_schema, *read_schema.field(i), st.mode);
    if (idx >= 0) {
      file_col[static_cast<size_t>(i)] = idx;
      columns.push_back(file_schema->field(idx)->name);
    }
  }
  // Extra columns (ReadFileOptions) by exact file name.
  std::vector<int> extra_col(options.extra_file_columns.size(), -1);
  for (size_t i = 0; i < options.extra_file_columns.size(); ++i) {
    int idx = file_schema->GetFieldIndex(options.extra_file_columns[i]->name);
    if (idx >= 0) {
      extra_col[i] = idx;
      columns.push_back(file_schema->field(idx)->name);
    }
  }
  columnar::SchemaPtr out_schema = st.output_schema;
  columnar::SchemaPtr batch_schema = st.read_schema;
  if (!options.extra_file_columns.empty()) {
    std::vector<columnar::FieldPtr> fields = st.output_schema->fields();
    fields.insert(fields.end(), options.extra_file_columns.begin(), options.extra_file_columns.end());
    out_schema = std::make_shared<columnar::Schema>(std::move(fields));
    fields = st.read_schema->fields();
    fields.insert(fields.end(), options.extra_file_columns.begin(), options.extra_file_columns.end());
    batch_schema = std::make_shared<columnar::Schema>(std::move(fields));
  }
  std::sort(columns.begin(), columns.end());
  columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
  std::unique_ptr<parquet::FileReader> reader;
  int64_t file_rows = (*probe)->num_rows();
  if (!columns.empty()) {
    parquet::ReaderOptions ro;
    ro.columns = columns;
    ro.num_threads = st.num_threads;
    auto r = parquet::FileReader::Open(*raf, ro);
    if (!r.ok()) return r.status().WithContext(file_uri);
    reader = std::move(*r);
  }
  std::vector<RecordBatchPtr> out;
  int64_t row_base = 0;
  int num_rgs = (*probe)->num_row_groups();
  for (int rg = 0; rg < num_rgs; ++rg) {
    int64_t rg_rows = (*probe)->metadata().row_groups[static_cast<size_t>(rg)].num_rows;
    RecordBatchPtr raw;
    if (reader) {
      auto b = reader->ReadRowGroup(rg);
      if (!b.ok()) return b.status().WithContext(file_uri);
      raw = *b;
      rg_rows = raw->num_rows;
    }
    std::vector<ArrayPtr> cols;
    for (int i = 0; i < read_schema.num_fields(); ++i) {
      const auto& field = read_schema.field(i);
      if (st.read_is_partition[static_cast<size_t>(i)]) {
        auto it = file.partition_values.find(field->name);
        if (it == file.partition_values.end()) {
          return Status::CorruptData(fmt::format("no partition value for column '{}' in {}", field->name, file_uri));
        }
        DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayFromScalar(it->second, rg_rows));
        cols.push_back(std::move(arr));
        continue;
      }
      int fidx = file_col[static_cast<size_t>(i)];
      if (fidx < 0) {
        // Column added after this file was written (schema evolution): nulls.
        DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayOfNulls(field->type, rg_rows));
        cols.push_back(std::move(arr));
        continue;
      }
      int ridx = raw->schema->GetFieldIndex(file_schema->field(fidx)->name);
      if (ridx < 0) return Status::Internal(fmt::format("projected column missing in {}", file_uri));
      auto coerced = schema::CoerceToDeltaType(raw->columns[static_cast<size_t>(ridx)], field->type, field->name, st.mode);
      if (!coerced.ok()) return coerced.status().WithContext(file_uri);
      cols.push_back(std::move(*coerced));
    }
    // Extra file columns, filtered together with the others below.
    for (size_t i = 0; i < options.extra_file_columns.size(); ++i) {
      const auto& field = options.extra_file_columns[i];
      if (extra_col[i] < 0) {
        DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayOfNulls(field->type, rg_rows));
        cols.push_back(std::move(arr));
        continue;
      }
      int ridx = raw->schema->GetFieldIndex(file_schema->field(extra_col[i])->name);
      if (ridx < 0) return Status::Internal(fmt::format("projected column missing in {}", file_uri));
      auto coerced = schema::CoerceToDeltaType(raw->columns[static_cast<size_t>(ridx)], field->type, field->name,
                                               schema::ColumnMappingMode::kNone);
      if (!coerced.ok()) return coerced.status().WithContext(file_uri);
      cols.push_back(std::move(*coerced));
    }
    auto batch = std::make_shared<RecordBatch>();
    batch->schema = batch_schema;
    batch->num_rows = rg_rows;
    batch->columns = std::move(cols);
    // Deletion vector rows of this row group, then the caller's mask.
    if ((deleted && deleted->cardinality() > 0) || options.row_mask) {
      int64_t nbytes = (rg_rows + 7) / 8;
      std::vector<uint8_t> keep(static_cast<size_t>(nbytes), 0xFF);
      if (rg_rows % 8) keep.back() = static_cast<uint8_t>((1u << (rg_rows % 8)) - 1);
      if (deleted) deleted->ClearDeleted(static_cast<uint64_t>(row_base), rg_rows, keep.data());
      if (options.row_mask) DELTA_RETURN_NOT_OK(options.row_mask(row_base, rg_rows, keep.data()));
      int64_t kept = 0;
      for (auto b : keep) kept += __builtin_popcount(b);
      if (kept != rg_rows) {
        DELTA_ASSIGN_OR_RAISE(auto filtered, expr::FilterBatch(*batch, keep.data(), kept));
        batch = std::make_shared<RecordBatch>(std::move(filtered));
      }
    }
    if (st.row_predicate && batch->num_rows > 0) {
      DELTA_ASSIGN_OR_RAISE(auto sel, expr::EvaluatePredicate(st.row_predicate, *batch));
      if (sel.count != batch->num_rows) {
        DELTA_ASSIGN_OR_RAISE(auto filtered, expr::FilterBatch(*batch, sel.bitmap->data(), sel.count));
        batch = std::make_shared<RecordBatch>(std::move(filtered));
      }
    }
    // Project to the output columns.
    auto outb = std::make_shared<RecordBatch>();
    outb->schema = out_schema;
    outb->num_rows = batch->num_rows;
    for (int src : st.output_from_read) outb->columns.push_back(batch->columns[static_cast<size_t>(src)]);
    for (size_t i = 0; i < options.extra_file_columns.size(); ++i) {
      outb->columns.push_back(batch->columns[static_cast<size_t>(read_schema.num_fields()) + i]);
    }
    row_base += rg_rows;
    if (outb->num_rows > 0 || out.empty()) out.push_back(std::move(outb));
  }
  if (deleted && deleted->cardinality() > 0) {
    // A DV that marks rows beyond the file is corrupt (PROTOCOL.md: row indexes are positions
    // in the file).
    std::vector<uint64_t> rows = deleted->ToVector();
    if (!rows.empty() && rows.back() >= static_cast<uint64_t>(file_rows)) {
      return Status::CorruptData(fmt::format("deletion vector of {} marks row {} but the file has {} rows", file_uri,
                                             rows.back(), file_rows));
    }
  }
  return out;
}

namespace {

// Streams the planned files, reading up to `in_flight` files ahead on background threads.
class ScanReader final : public columnar::RecordBatchReader {
 public:
  ScanReader(std::shared_ptr<const Scan> scan, std::vector<ScanFile> files, int in_flight)
      : scan_(std::move(scan)), files_(std::move(files)), in_flight_(in_flight) {}
  ~ScanReader() override {
    for (auto& f : pending_) {
      if (f.valid()) f.wait();
    }
  }
  SchemaPtr schema() const override { return scan_->schema(); }

  Result<RecordBatchPtr> Next() override {
    while (true) {
      if (!current_.empty()) {
        RecordBatchPtr b = std::move(current_.front());
        current_.pop_front();
        if (b->num_rows == 0) continue;
        return b;
      }
      Fill();
      if (pending_.empty()) return RecordBatchPtr();
      auto res = pending_.front().get();
      pending_.pop_front();
      if (!res.ok()) return res.status();
      for (auto& b : *res) current_.push_back(std::move(b));
      Fill();
    }
  }

 private:
  void Fill() {
    while (pending_.size() < static_cast<size_t>(in_flight_) && next_file_ < files_.size()) {
      const ScanFile* f = &files_[next_file_++];
      auto scan = scan_;
      pending_.push_back(std::async(std::launch::async, [scan, f]() { return scan->ReadFile(*f); }));
    }
  }

  std::shared_ptr<const Scan> scan_;
  std::vector<ScanFile> files_;
  int in_flight_;
  size_t next_file_ = 0;
  std::deque<std::future<Result<std::vector<RecordBatchPtr>>>> pending_;
  std::deque<RecordBatchPtr> current_;
};

}  // namespace

Result<std::unique_ptr<columnar::RecordBatchReader>> Scan::Execute() const {
  DELTA_ASSIGN_OR_RAISE(auto files, PlanFiles());
  auto self = std::make_shared<const Scan>(*this);
  return std::unique_ptr<columnar::RecordBatchReader>(new ScanReader(self, std::move(files), state_->files_in_flight));
}

Status Scan::ExportToArrowStream(ArrowArrayStream* out) const {
  DELTA_ASSIGN_OR_RAISE(auto reader, Execute());
  return columnar::ExportRecordBatchReader(std::shared_ptr<columnar::RecordBatchReader>(std::move(reader)), out);
}

}  // namespace delta::scan

// deltacpp._native: the pybind11 extension behind the deltacpp Python package. It binds the C++
// read and write paths (table::Table/Snapshot, scan::Scan, scan change data feed,
// ops::CreateTable/WriteTable) with the GIL released around every call that does I/O or decoding,
// exports scans through the Arrow C Stream PyCapsule interface, converts them to pandas
// (to_pandas.h) and takes pandas columns or Arrow streams for writes (from_python.h).
// Every delta::Status error goes through one translator into deltacpp.exceptions.
// Thread-safety: a Table handle may be used from several Python threads (its snapshot is
// swapped under the GIL); a Reader is consumed once, by one thread.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common.h"
#include "delta/columnar/bridge.h"
#include "delta/ops/create.h"
#include "delta/ops/input.h"
#include "delta/ops/write.h"
#include "delta/scan/change_data_feed.h"
#include "delta/scan/scan.h"
#include "delta/schema/schema_json.h"
#include "delta/storage/path.h"
#include "delta/table/table.h"
#include "from_python.h"
#include "huge_arenas.h"
#include "to_pandas.h"
#if defined(DELTACPP_WITH_S3)
#include "delta/s3/s3_store.h"
#endif

namespace delta::python {

namespace {

using StorageMap = std::map<std::string, std::string>;

// ----- errors ----------------------------------------------------------------------------------

bool LooksLikeSchemaMismatch(const std::string& m) {
  for (const char* needle : {"schema mismatch", "not in the table schema", "timestamp_ntz column",
                             "partition columns", "NOT NULL", "not null"}) {
    if (m.find(needle) != std::string::npos) return true;
  }
  return false;
}

void RaiseStatus(const StatusError& e) {
  py::module_ exc = py::module_::import("deltacpp.exceptions");
  const Status& st = e.status();
  const char* cls = "DeltaError";
  switch (st.code()) {
    case StatusCode::kNotFound:
      if (e.context() == ErrorContext::kLoad) cls = "TableNotFoundError";
      break;
    case StatusCode::kUnsupported: cls = "DeltaProtocolError"; break;
    case StatusCode::kCommitConflict: cls = "CommitFailedError"; break;
    case StatusCode::kInvalidArgument:
      if (e.context() == ErrorContext::kWrite && LooksLikeSchemaMismatch(st.message())) cls = "SchemaMismatchError";
      break;
    default: break;
  }
  py::object type = exc.attr(cls);
  PyErr_SetString(type.ptr(), st.message().c_str());
}

// ----- readers ---------------------------------------------------------------------------------

// A stream of record batches not yet consumed: the result of a scan or a change data feed.
class Reader {
 public:
  explicit Reader(std::shared_ptr<columnar::RecordBatchReader> reader) : reader_(std::move(reader)) {}

  std::string SchemaJson() const { return schema::SchemaToJson(*reader_->schema()); }

  std::shared_ptr<columnar::RecordBatchReader> Take() {
    if (!reader_ || consumed_) throw py::value_error("this reader was already consumed; read the table again");
    consumed_ = true;
    return reader_;
  }

  // PyCapsuleInterface.rst: a capsule named "arrow_array_stream" whose destructor releases the
  // stream unless a consumer moved it out (release == NULL). requested_schema may be ignored.
  py::capsule ArrowCStream(const py::object& /*requested_schema*/) {
    auto reader = Take();
    auto* stream = new ArrowArrayStream();
    stream->release = nullptr;
    Status st = columnar::ExportRecordBatchReader(std::move(reader), stream);
    if (!st.ok()) {
      delete stream;
      throw StatusError(st, ErrorContext::kGeneral);
    }
    PyObject* cap = PyCapsule_New(stream, "arrow_array_stream", [](PyObject* c) {
      auto* s = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(c, "arrow_array_stream"));
      if (s == nullptr) {
        PyErr_Clear();
        return;
      }
      if (s->release != nullptr) s->release(s);
      delete s;
    });
    if (cap == nullptr) {
      stream->release(stream);
      delete stream;
      throw py::error_already_set();
    }
    return py::reinterpret_steal<py::capsule>(cap);
  }

  // Batches are pulled with the GIL released (the scan decodes in its own threads meanwhile) and
  // converted with it held.
  py::list ReadPandas(bool masked_nullable, int64_t expected_rows) {
    auto reader = Take();
    InstallHugePageArenas();  // millions of Python objects to come
    PandasConverter converter(reader->schema(), PandasOptions{masked_nullable}, std::max<int64_t>(0, expected_rows));
    while (true) {
      std::optional<Result<columnar::RecordBatchPtr>> next;
      {
        py::gil_scoped_release release;
        next.emplace(reader->Next());
      }
      columnar::RecordBatchPtr batch = Unwrap(std::move(*next));
      if (!batch) break;
      converter.Append(batch);
    }
    return converter.Finish();
  }

  // Runs the stream to completion without converting anything: the C++ cost of a read, for the
  // to_pandas benchmark. Returns (rows, batches).
  std::pair<int64_t, int64_t> Drain() {
    auto reader = Take();
    int64_t rows = 0, batches = 0;
    Status st;
    {
      py::gil_scoped_release release;
      while (true) {
        auto next = reader->Next();
        if (!next.ok()) {
          st = next.status();
          break;
        }
        auto batch = next.MoveValueUnsafe();
        if (!batch) break;
        rows += batch->num_rows;
        ++batches;
      }
    }
    Check(st);
    return {rows, batches};
  }

 private:
  std::shared_ptr<columnar::RecordBatchReader> reader_;
  bool consumed_ = false;
};

// ----- tables ----------------------------------------------------------------------------------

class TableHandle {
 public:
  TableHandle(std::shared_ptr<table::Table> table, table::SnapshotPtr snapshot, StorageMap storage)
      : table_(std::move(table)), snapshot_(std::move(snapshot)), storage_(std::move(storage)) {}

  static std::shared_ptr<TableHandle> Open(const std::string& uri, std::optional<int64_t> version,
                                           std::optional<int64_t> timestamp_ms, const StorageMap& storage) {
    std::shared_ptr<table::Table> table;
    table::SnapshotPtr snap;
    {
      py::gil_scoped_release release;
      table = Unwrap(table::Table::Open(uri, storage), ErrorContext::kLoad);
      table::SnapshotOptions opts;
      opts.version = version;
      opts.timestamp_ms = timestamp_ms;
      snap = Unwrap(table->GetSnapshot(opts), ErrorContext::kLoad);
    }
    return std::make_shared<TableHandle>(std::move(table), std::move(snap), storage);
  }

  const table::SnapshotPtr& snap() const { return snapshot_; }
  const std::shared_ptr<table::Table>& table() const { return table_; }

  void Load(std::optional<int64_t> version, std::optional<int64_t> timestamp_ms) {
    table::SnapshotPtr snap;
    {
      py::gil_scoped_release release;
      table::SnapshotOptions opts;
      opts.version = version;
      opts.timestamp_ms = timestamp_ms;
      snap = Unwrap(table_->GetSnapshot(opts), ErrorContext::kLoad);
    }
    snapshot_ = std::move(snap);
  }

  void Refresh() {
    table::SnapshotPtr snap;
    {
      py::gil_scoped_release release;
      snap = Unwrap(snapshot_->Refresh(), ErrorContext::kLoad);
    }
    snapshot_ = std::move(snap);
  }

  // Files whose partition values can match `predicate` (all live files when empty).
  std::vector<const protocol::Add*> SelectFiles(const std::optional<std::string>& predicate) const {
    std::vector<const protocol::Add*> out;
    if (!predicate || predicate->empty()) {
      for (const auto& f : snapshot_->files()) out.push_back(&f);
      return out;
    }
    py::gil_scoped_release release;
    auto scan = Unwrap(scan::ScanBuilder(snapshot_).WithPredicateSql(*predicate).WithRowFiltering(false).Build());
    for (const auto& f : Unwrap(scan->PlanFiles())) out.push_back(f.add);
    return out;
  }

  std::vector<std::string> Files(const std::optional<std::string>& predicate) const {
    std::vector<std::string> out;
    for (const auto* f : SelectFiles(predicate)) out.push_back(Unwrap(storage::PercentDecode(f->path)));
    return out;
  }

  std::vector<std::string> FileUris(const std::optional<std::string>& predicate) const {
    std::vector<std::string> out;
    for (const auto* f : SelectFiles(predicate)) {
      out.push_back(Unwrap(storage::ResolveDataFile(snapshot_->table_root(), f->path, storage_)).uri());
    }
    return out;
  }

  // Partition values keyed by logical column names (the log keys them by physical name under
  // column mapping, PROTOCOL.md "Column Mapping").
  py::dict LogicalPartitionValues(const protocol::Add& add) const {
    std::map<std::string, std::string> physical_to_logical;
    for (const auto& col : snapshot_->partition_columns()) {
      int i = snapshot_->schema()->GetFieldIndex(col);
      std::string physical = col;
      if (i >= 0 && snapshot_->column_mapping_mode() != schema::ColumnMappingMode::kNone) {
        if (auto p = snapshot_->schema()->field(i)->GetMetadata("delta.columnMapping.physicalName")) physical = *p;
      }
      physical_to_logical[physical] = col;
    }
    py::dict d;
    for (const auto& col : snapshot_->partition_columns()) d[py::str(col)] = py::none();
    for (const auto& [k, v] : add.partition_values) {
      auto it = physical_to_logical.find(k);
      py::str key(it == physical_to_logical.end() ? k : it->second);
      d[key] = v ? py::object(py::str(*v)) : py::object(py::none());
    }
    return d;
  }

  py::list AddActions() const {
    py::list out;
    for (const auto& f : snapshot_->files()) {
      py::dict d;
      d["path"] = Unwrap(storage::PercentDecode(f.path));
      d["size_bytes"] = f.size;
      d["modification_time"] = f.modification_time;
      d["data_change"] = f.data_change;
      d["stats"] = f.stats.empty() ? py::object(py::none()) : py::object(py::str(f.stats));
      d["partition_values"] = LogicalPartitionValues(f);
      d["deletion_vector"] = f.deletion_vector.has_value();
      d["tags"] = f.tags;
      out.append(d);
    }
    return out;
  }

  py::list Partitions() const {
    py::list out;
    py::set seen;
    for (const auto& f : snapshot_->files()) {
      py::dict d = LogicalPartitionValues(f);
      py::tuple key = py::tuple(d.attr("items")());
      if (seen.contains(key)) continue;
      seen.add(key);
      out.append(d);
    }
    return out;
  }

  py::dict Metadata() const {
    const auto& m = snapshot_->metadata();
    py::dict d;
    d["id"] = m.id;
    d["name"] = m.name;
    d["description"] = m.description;
    d["partition_columns"] = m.partition_columns;
    d["created_time"] = m.created_time;
    d["configuration"] = m.configuration;
    d["format_provider"] = m.format.provider;
    d["format_options"] = m.format.options;
    d["schema_string"] = m.schema_string;
    return d;
  }

  py::dict Protocol() const {
    const auto& p = snapshot_->protocol();
    py::dict d;
    d["min_reader_version"] = p.min_reader_version;
    d["min_writer_version"] = p.min_writer_version;
    d["reader_features"] = p.reader_features;
    d["writer_features"] = p.writer_features;
    return d;
  }

  std::vector<std::tuple<int64_t, int64_t, std::string>> History(std::optional<int64_t> limit) const {
    std::vector<table::HistoryEntry> entries;
    {
      py::gil_scoped_release release;
      entries = Unwrap(table_->History(limit));
    }
    std::vector<std::tuple<int64_t, int64_t, std::string>> out;
    for (auto& e : entries) out.emplace_back(e.version, e.timestamp_ms, std::move(e.commit_info_json));
    return out;
  }

  std::unique_ptr<Reader> Scan(const std::vector<std::string>& columns, const std::optional<std::string>& predicate,
                               int threads, int files_in_flight) const {
    std::unique_ptr<columnar::RecordBatchReader> reader;
    {
      py::gil_scoped_release release;
      scan::ScanBuilder b(snapshot_);
      b.WithColumns(columns);
      if (predicate && !predicate->empty()) b.WithPredicateSql(*predicate);
      if (threads > 0) b.WithThreads(threads);
      if (files_in_flight > 0) b.WithFilesInFlight(files_in_flight);
      auto scan = Unwrap(b.Build());
      reader = Unwrap(scan->Execute());
    }
    return std::make_unique<Reader>(std::shared_ptr<columnar::RecordBatchReader>(std::move(reader)));
  }

  std::unique_ptr<Reader> ChangeDataFeed(int64_t start, std::optional<int64_t> end,
                                         const std::vector<std::string>& columns) const {
    std::unique_ptr<columnar::RecordBatchReader> reader;
    {
      py::gil_scoped_release release;
      scan::ChangeDataFeedOptions opts;
      opts.start_version = start;
      opts.end_version = end;
      opts.columns = columns;
      reader = Unwrap(scan::ReadChangeDataFeed(table_, opts));
    }
    return std::make_unique<Reader>(std::shared_ptr<columnar::RecordBatchReader>(std::move(reader)));
  }

 private:
  std::shared_ptr<table::Table> table_;
  table::SnapshotPtr snapshot_;
  StorageMap storage_;
};

bool IsDeltaTable(const std::string& uri, const StorageMap& storage) {
  py::gil_scoped_release release;
  auto table = table::Table::Open(uri, storage);
  if (!table.ok()) return false;
  table::SnapshotOptions opts;
  opts.with_stats = false;
  auto snap = (*table)->GetSnapshot(opts);
  if (snap.ok()) return true;
  if (snap.status().IsNotFound()) return false;
  throw StatusError(snap.status(), ErrorContext::kLoad);
}

columnar::SchemaPtr SchemaFromPython(const py::object& schema) {
  if (py::hasattr(schema, "__arrow_c_schema__")) {
    py::capsule cap = schema.attr("__arrow_c_schema__")();
    auto* s = static_cast<ArrowSchema*>(PyCapsule_GetPointer(cap.ptr(), "arrow_schema"));
    if (s == nullptr) throw py::error_already_set();
    if (s->release == nullptr) throw py::value_error("the Arrow schema capsule was already released");
    // ImportSchema takes the struct over (it is marked released, so the capsule will not
    // release it again).
    auto imported = Unwrap(columnar::ImportSchema(s));
    return Unwrap(ops::NormalizeSchema(*imported));
  }
  std::string text = schema.cast<std::string>();
  if (!text.empty() && text[0] == '@') throw py::value_error("a schema string cannot start with '@'");
  return Unwrap(ops::ParseSchemaArgument(text));
}

int64_t CreateTable(const std::string& uri, const py::object& schema, const std::vector<std::string>& partition_by,
                    const std::map<std::string, std::string>& configuration, const std::optional<std::string>& name,
                    const std::optional<std::string>& description, const std::string& mode, const StorageMap& storage) {
  ops::CreateOptions opts;
  opts.schema = SchemaFromPython(schema);
  opts.partition_by = partition_by;
  opts.configuration = configuration;
  opts.name = name;
  opts.description = description;
  if (mode == "error") {
    opts.if_exists = ops::CreateOptions::IfExists::kError;
  } else if (mode == "ignore") {
    opts.if_exists = ops::CreateOptions::IfExists::kIgnore;
  } else {
    throw py::value_error("DeltaTable.create: mode must be 'error' or 'ignore', got '" + mode + "'");
  }
  py::gil_scoped_release release;
  return Unwrap(ops::CreateTable(uri, opts, storage), ErrorContext::kWrite);
}

py::dict Write(const std::string& uri, const py::object& source, const std::string& mode,
               const std::vector<std::string>& partition_by, const std::optional<std::string>& schema_mode,
               const std::optional<std::string>& predicate, const std::optional<std::string>& name,
               const std::optional<std::string>& description, const std::map<std::string, std::string>& configuration,
               const std::optional<std::string>& app_id, std::optional<int64_t> app_version,
               std::optional<int> max_attempts, const StorageMap& storage,
               const std::map<std::string, std::string>& commit_metadata) {
  ops::WriteOptions opts;
  opts.mode = Unwrap(ops::ParseSaveMode(mode));
  opts.partition_by = partition_by;
  if (!schema_mode || *schema_mode == "none") {
    opts.schema_mode = ops::SchemaMode::kNone;
  } else if (*schema_mode == "merge") {
    opts.schema_mode = ops::SchemaMode::kMerge;
  } else if (*schema_mode == "overwrite") {
    opts.schema_mode = ops::SchemaMode::kOverwrite;
  } else {
    throw py::value_error("schema_mode must be None, 'merge' or 'overwrite', got '" + *schema_mode + "'");
  }
  opts.replace_where = predicate;
  opts.name = name;
  opts.description = description;
  opts.configuration = configuration;
  if (app_id.has_value() != app_version.has_value()) {
    throw py::value_error("an application transaction needs both app_id and version");
  }
  if (app_id) opts.app_transaction = std::make_pair(*app_id, *app_version);
  if (max_attempts) {
    if (*max_attempts < 1) throw py::value_error("max_commit_retries must be >= 0");
    opts.transaction.max_attempts = *max_attempts;
  }
  opts.transaction.engine_info = "deltacpp-python";
  opts.transaction.commit_metadata = commit_metadata;

  std::shared_ptr<columnar::RecordBatchReader> reader;
  if (py::isinstance<py::capsule>(source)) {
    reader = ReaderFromCapsule(source.cast<py::capsule>());
  } else {
    auto batch = BatchFromColumns(source.cast<py::list>());
    // Bounded batches keep the writer's per-batch work (statistics, encoding) even.
    constexpr int64_t kRows = 1 << 17;
    std::vector<columnar::RecordBatchPtr> batches;
    for (int64_t off = 0; off < batch->num_rows; off += kRows) {
      batches.push_back(batch->Slice(off, std::min(kRows, batch->num_rows - off)));
    }
    reader = columnar::MakeRecordBatchReader(batch->schema, std::move(batches));
  }
  ops::WriteResult r;
  {
    py::gil_scoped_release release;
    r = Unwrap(ops::WriteTable(uri, *reader, opts, storage), ErrorContext::kWrite);
  }
  py::dict d;
  d["status"] = r.status == txn::CommitStatus::kCommitted ? "committed" : "skipped";
  d["version"] = r.version;
  d["files_added"] = r.files_added;
  d["files_removed"] = r.files_removed;
  d["rows"] = r.rows;
  d["bytes"] = r.bytes;
  return d;
}

}  // namespace
}  // namespace delta::python

PYBIND11_MODULE(_native, m) {
  using namespace delta;
  using namespace delta::python;
  m.doc() = "deltacpp's C++ core (libdelta); use the deltacpp package, not this module";
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      RaiseStatus(e);
    }
  });
#if defined(DELTACPP_WITH_S3)
  delta::s3::RegisterS3StoreFactories();
  m.attr("has_s3") = true;
#else
  m.attr("has_s3") = false;
#endif

  py::class_<Reader>(m, "Reader", "A stream of record batches, consumed once.")
      .def("schema_json", &Reader::SchemaJson, "The Delta schema JSON of the stream's batches.")
      .def("__arrow_c_stream__", &Reader::ArrowCStream, py::arg("requested_schema") = py::none(),
           "Hands the stream over as a PyCapsule 'arrow_array_stream' (Arrow PyCapsule interface).")
      .def("read_pandas", &Reader::ReadPandas, py::arg("masked_nullable") = false, py::arg("expected_rows") = 0,
           "Reads every batch into pandas-ready columns (name, kind, values, mask, tz).")
      .def("drain", &Reader::Drain, "Reads every batch and drops it; returns (rows, batches).");

  py::class_<TableHandle, std::shared_ptr<TableHandle>>(m, "Table", "A Delta table at one snapshot.")
      .def_static("open", &TableHandle::Open, py::arg("uri"), py::arg("version") = py::none(),
                  py::arg("timestamp_ms") = py::none(), py::arg("storage_options") = StorageMap{})
      .def("version", [](const TableHandle& t) { return t.snap()->version(); })
      .def("timestamp_ms", [](const TableHandle& t) { return t.snap()->timestamp_ms(); })
      .def("uri", [](const TableHandle& t) { return t.table()->uri(); })
      .def("load", &TableHandle::Load, py::arg("version") = py::none(), py::arg("timestamp_ms") = py::none())
      .def("refresh", &TableHandle::Refresh)
      .def("files", &TableHandle::Files, py::arg("predicate") = py::none())
      .def("file_uris", &TableHandle::FileUris, py::arg("predicate") = py::none())
      .def("schema_json", [](const TableHandle& t) { return schema::SchemaToJson(*t.snap()->schema()); })
      .def("partition_columns", [](const TableHandle& t) { return t.snap()->partition_columns(); })
      .def("metadata", &TableHandle::Metadata)
      .def("protocol", &TableHandle::Protocol)
      .def("history", &TableHandle::History, py::arg("limit") = py::none())
      .def("transaction_version",
           [](const TableHandle& t, const std::string& app_id) { return t.snap()->TransactionVersion(app_id); })
      .def("add_actions", &TableHandle::AddActions)
      .def("partitions", &TableHandle::Partitions)
      .def("num_rows", [](const TableHandle& t) { return t.snap()->NumRows(); })
      .def("scan", &TableHandle::Scan, py::arg("columns") = std::vector<std::string>{},
           py::arg("predicate") = py::none(), py::arg("threads") = 0, py::arg("files_in_flight") = 0)
      .def("cdf", &TableHandle::ChangeDataFeed, py::arg("start"), py::arg("end") = py::none(),
           py::arg("columns") = std::vector<std::string>{});

  m.def("is_deltatable", &IsDeltaTable, py::arg("uri"), py::arg("storage_options") = StorageMap{});
  m.def("create_table", &CreateTable, py::arg("uri"), py::arg("schema"), py::arg("partition_by"),
        py::arg("configuration"), py::arg("name"), py::arg("description"), py::arg("mode"),
        py::arg("storage_options"));
  m.def("write", &Write, py::arg("uri"), py::arg("source"), py::arg("mode"), py::arg("partition_by"),
        py::arg("schema_mode"), py::arg("predicate"), py::arg("name"), py::arg("description"),
        py::arg("configuration"), py::arg("app_id"), py::arg("app_version"), py::arg("max_attempts"),
        py::arg("storage_options"), py::arg("commit_metadata") = std::map<std::string, std::string>{});
}

// Helpers shared by the ops tests: temporary directories, batches from rows, and reading a
// table back through our own scan as sorted row strings.
// Thread-safety: test-only helpers, single-threaded.
#pragma once

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/scan/scan.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"

namespace delta::ops::testutil {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "delta_ops_test_XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }
  std::string Write(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name, std::ios::binary) << content;
    return Sub(name);
  }

 private:
  fs::path path_;
};

/// Data files (*.parquet) under a table directory, excluding the log.
inline std::vector<std::string> DataFiles(const std::string& root) {
  std::vector<std::string> out;
  if (!fs::exists(root)) return out;
  for (auto& e : fs::recursive_directory_iterator(root)) {
    std::string p = e.path().string();
    if (p.find("_delta_log") != std::string::npos) continue;
    if (e.is_regular_file() && e.path().extension() == ".parquet") out.push_back(p);
  }
  return out;
}

/// Value i of an array as text: Scalar::ToString for primitives, {a,b} for structs, [x,y] for lists.
inline Result<std::string> ValueText(const columnar::ArrayData& a, int64_t i) {
  if (a.type->id() == columnar::TypeId::kStruct) {
    if (a.IsNull(i)) return std::string("null");
    std::string out = "{";
    for (size_t c = 0; c < a.children.size(); ++c) {
      DELTA_ASSIGN_OR_RAISE(auto v, ValueText(*a.children[c], a.offset + i));
      out += (c ? "," : "") + v;
    }
    return out + "}";
  }
  if (a.type->id() == columnar::TypeId::kList) {
    if (a.IsNull(i)) return std::string("null");
    auto [begin, end] = a.GetListRange(i);
    std::string out = "[";
    for (int64_t k = begin; k < end; ++k) {
      DELTA_ASSIGN_OR_RAISE(auto v, ValueText(*a.children[0], k));
      out += (k > begin ? "," : "") + v;
    }
    return out + "]";
  }
  DELTA_ASSIGN_OR_RAISE(auto s, columnar::GetScalar(a, i));
  return s.ToString();
}

/// One row as "v1|v2|...".
inline Result<std::vector<std::string>> Rows(const columnar::RecordBatch& b) {
  std::vector<std::string> out(static_cast<size_t>(b.num_rows));
  for (int c = 0; c < b.num_columns(); ++c) {
    for (int64_t r = 0; r < b.num_rows; ++r) {
      DELTA_ASSIGN_OR_RAISE(auto s, ValueText(*b.column(c), r));
      out[static_cast<size_t>(r)] += (c ? "|" : "") + s;
    }
  }
  return out;
}

/// Every row of the table (latest or `version`), columns in `columns` order (all when empty), sorted.
inline Result<std::vector<std::string>> ReadTable(const std::string& uri, std::vector<std::string> columns = {},
                                                 std::optional<int64_t> version = {}) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(uri));
  table::SnapshotOptions so;
  so.version = version;
  DELTA_ASSIGN_OR_RAISE(auto snap, t->GetSnapshot(so));
  DELTA_ASSIGN_OR_RAISE(auto scan, scan::ScanBuilder(snap).WithColumns(std::move(columns)).Build());
  DELTA_ASSIGN_OR_RAISE(auto reader, scan->Execute());
  std::vector<std::string> out;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, reader->Next());
    if (!b) break;
    DELTA_ASSIGN_OR_RAISE(auto rows, Rows(*b));
    out.insert(out.end(), rows.begin(), rows.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline Result<table::SnapshotPtr> Latest(const std::string& uri) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(uri));
  return t->GetSnapshot();
}

/// A batch of (id int64, name string nullable, p string) rows; name "" means null.
struct Row {
  int64_t id;
  std::string name;
  std::string p;
};

inline columnar::SchemaPtr RowSchema(bool id_nullable = true) {
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64(), id_nullable), columnar::MakeField("name", columnar::Utf8()),
      columnar::MakeField("p", columnar::Utf8())});
}

inline Result<columnar::RecordBatchPtr> MakeRows(const std::vector<Row>& rows, columnar::SchemaPtr schema = RowSchema()) {
  DELTA_ASSIGN_OR_RAISE(auto b, columnar::RecordBatchBuilder::Make(schema));
  for (const auto& r : rows) {
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int64Builder>(0)->Append(r.id));
    if (r.name.empty()) {
      DELTA_RETURN_NOT_OK(b->field(1)->AppendNull());
    } else {
      DELTA_RETURN_NOT_OK(b->field_as<columnar::BinaryBuilder>(1)->Append(r.name));
    }
    DELTA_RETURN_NOT_OK(b->field_as<columnar::BinaryBuilder>(2)->Append(r.p));
  }
  return b->Finish();
}

inline Result<std::shared_ptr<columnar::RecordBatchReader>> Reader(const std::vector<Row>& rows,
                                                                   columnar::SchemaPtr schema = RowSchema()) {
  DELTA_ASSIGN_OR_RAISE(auto b, MakeRows(rows, schema));
  return columnar::MakeRecordBatchReader(schema, {b});
}

}  // namespace delta::ops::testutil

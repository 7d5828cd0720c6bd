// The quickstart: build a small table of taxi trips in memory, write it as a Delta table (Parquet
// data files from libdelta's writer, two JSON commits), read it back through the Delta log with a
// scan, time-travel to version 0, run a filtered scan, and check that every value survived.
//   quickstart TABLE_DIR        (the directory must not hold a table yet)
#include <cstdio>
#include <string>

#include <algorithm>
#include <chrono>
#include <span>

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/scan/scan.h"
#include "delta/schema/schema_json.h"
#include "delta/storage/uri.h"
#include "delta/table/table.h"
#include "delta/io/file.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/util/macros.h"

namespace {

using namespace delta;            // NOLINT
using namespace delta::columnar;  // NOLINT

Result<RecordBatchPtr> MakeTrips(int64_t n) {
  auto schema = std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("trip_id", Int64(), false),
      MakeField("vendor", Utf8()),
      MakeField("pickup", Timestamp(TimeUnit::kMicro, "UTC")),
      MakeField("distance_km", Float64()),
      MakeField("fare", Decimal128(9, 2)),
      MakeField("tags", List(MakeField("element", Utf8()))),
  });
  DELTA_ASSIGN_OR_RAISE(auto b, RecordBatchBuilder::Make(schema));
  const char* vendors[] = {"yellow", "green", "fhv"};
  const char* tag_names[] = {"airport", "night", "shared", "card"};
  for (int64_t i = 0; i < n; ++i) {
    DELTA_RETURN_NOT_OK(b->field_as<Int64Builder>(0)->Append(1000 + i));
    if (i % 17 == 0) {
      DELTA_RETURN_NOT_OK(b->field(1)->AppendNull());
    } else {
      DELTA_RETURN_NOT_OK(b->field_as<BinaryBuilder>(1)->Append(vendors[i % 3]));
    }
    DELTA_RETURN_NOT_OK(b->field_as<Int64Builder>(2)->Append(1700000000000000LL + i * 61000000LL));
    DELTA_RETURN_NOT_OK(b->field_as<DoubleBuilder>(3)->Append(0.5 + static_cast<double>(i % 97) * 0.25));
    DELTA_RETURN_NOT_OK(b->field_as<Decimal128Builder>(4)->Append(static_cast<__int128>(250 + (i * 37) % 9000)));
    auto* tags = b->field_as<ListBuilder>(5);
    DELTA_RETURN_NOT_OK(tags->Append(true));
    for (int64_t t = 0; t < i % 3; ++t) {
      DELTA_RETURN_NOT_OK(static_cast<BinaryBuilder*>(tags->value_builder())->Append(tag_names[(i + t) % 4]));
    }
  }
  return b->Finish();
}

// Writes `batch` as one Parquet data file of the table and returns its add action (JSON).
Result<std::string> WriteDataFile(const storage::Location& table, const std::string& name, const RecordBatch& batch) {
  parquet::WriterProperties props;
  props.compression = parquet::CompressionCodec::SNAPPY;
  props.max_row_group_rows = 4096;
  DELTA_ASSIGN_OR_RAISE(auto out, table.store->OpenWrite(table.Child(name).key));
  DELTA_ASSIGN_OR_RAISE(auto writer, parquet::FileWriter::Open(std::move(out), batch.schema, props));
  DELTA_RETURN_NOT_OK(writer->WriteBatch(batch));
  DELTA_RETURN_NOT_OK(writer->Close());
  DELTA_ASSIGN_OR_RAISE(auto meta, table.store->Head(table.Child(name).key));
  return fmt::format(R"({{"add":{{"path":"{}","partitionValues":{{}},"size":{},"modificationTime":{},"dataChange":true,"stats":"{{\"numRecords\":{}}}"}}}})",
                     name, meta.size, meta.last_modified_ms, batch.num_rows);
}

// Commits one version of the log: put-if-absent, so an existing version is never overwritten.
// (The transaction layer with conflict checks and statistics is the write path's job; this is the
// smallest correct commit the protocol allows.)
Status Commit(const storage::Location& table, int64_t version, const std::string& operation, std::string actions) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
  actions = fmt::format(R"({{"commitInfo":{{"timestamp":{},"operation":"{}","engineInfo":"deltacpp-quickstart"}}}})",
                        now.count(), operation) + "\n" + actions;
  std::string key = table.Child(fmt::format("_delta_log/{:020d}.json", version)).key;
  return table.store->PutIfAbsent(key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(actions.data()), actions.size()));
}

Status Run(const std::string& uri) {
  constexpr int64_t kRows = 10000;
  DELTA_ASSIGN_OR_RAISE(auto trips, MakeTrips(kRows));
  DELTA_ASSIGN_OR_RAISE(auto root, storage::ResolveUri(uri));
  DELTA_ASSIGN_OR_RAISE(auto existing, root.store->List(root.Child("_delta_log").key + "/"));
  if (!existing.empty()) return Status::AlreadyExists(fmt::format("{} already holds a Delta table", root.uri()));

  // Version 0 creates the table with the first half of the trips, version 1 appends the rest.
  auto first = std::make_shared<RecordBatch>();
  auto second = std::make_shared<RecordBatch>();
  for (auto* part : {first.get(), second.get()}) part->schema = trips->schema;
  const int64_t half = kRows / 2;
  for (const auto& col : trips->columns) {
    first->columns.push_back(col->Slice(0, half));
    second->columns.push_back(col->Slice(half, kRows - half));
  }
  first->num_rows = half;
  second->num_rows = kRows - half;
  std::string v0 = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})" "\n";
  std::string schema_json;
  {
    std::string s = schema::SchemaToJson(*trips->schema);
    // schemaString is a JSON string holding the schema JSON.
    for (char c : s) {
      if (c == '"' || c == '\\') schema_json.push_back('\\');
      schema_json.push_back(c);
    }
  }
  v0 += fmt::format(R"({{"metaData":{{"id":"5d3c1a8e-6f41-4a8e-9a0f-quickstart01","format":{{"provider":"parquet","options":{{}}}},"schemaString":"{}","partitionColumns":[],"configuration":{{}},"createdTime":1700000000000}}}})",
                    schema_json) + "\n";
  DELTA_ASSIGN_OR_RAISE(auto add0, WriteDataFile(root, "part-00000-quickstart.snappy.parquet", *first));
  DELTA_RETURN_NOT_OK(Commit(root, 0, "CREATE TABLE", v0 + add0 + "\n"));
  DELTA_ASSIGN_OR_RAISE(auto add1, WriteDataFile(root, "part-00001-quickstart.snappy.parquet", *second));
  DELTA_RETURN_NOT_OK(Commit(root, 1, "WRITE", add1 + "\n"));
  std::printf("wrote a Delta table of %lld trips in 2 commits at %s\n", static_cast<long long>(kRows), root.uri().c_str());

  // Read it back: latest snapshot, full scan, then time travel and a filtered scan.
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(uri));
  DELTA_ASSIGN_OR_RAISE(auto snap, table->GetSnapshot());
  if (snap->version() != 1 || snap->files().size() != 2 || snap->NumRows() != kRows) {
    return Status::Internal("unexpected snapshot: version, file count or row count differ");
  }
  DELTA_ASSIGN_OR_RAISE(auto s, scan::ScanBuilder(snap).Build());
  DELTA_ASSIGN_OR_RAISE(auto reader, s->Execute());
  std::vector<RecordBatchPtr> batches;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, reader->Next());
    if (!b) break;
    batches.push_back(b);
  }
  // Files come back in any order: order the batches by their first trip id.
  std::sort(batches.begin(), batches.end(), [](const RecordBatchPtr& a, const RecordBatchPtr& b) {
    return a->column(0)->values<int64_t>()[0] < b->column(0)->values<int64_t>()[0];
  });
  DELTA_ASSIGN_OR_RAISE(auto back, ConcatenateBatches(batches));
  for (int c = 0; c < trips->num_columns(); ++c) {
    std::string diff;
    if (!ArrayEquals(*trips->column(c), *back->column(c), &diff)) {
      return Status::Internal("column " + trips->schema->field(c)->name + " differs after the round trip: " + diff);
    }
  }
  std::printf("read %lld rows back through the Delta log: all %d columns exact\n", static_cast<long long>(back->num_rows),
              trips->num_columns());
  DELTA_ASSIGN_OR_RAISE(auto v0snap, table->GetSnapshot({.version = 0}));
  if (v0snap->NumRows() != half) return Status::Internal("time travel to version 0 gave the wrong row count");
  DELTA_ASSIGN_OR_RAISE(auto filtered, scan::ScanBuilder(snap).WithPredicateSql("trip_id < 1010 AND vendor IS NOT NULL").Build());
  scan::ScanMetrics metrics;
  DELTA_ASSIGN_OR_RAISE(auto planned, filtered->PlanFiles(&metrics));
  (void)planned;
  DELTA_ASSIGN_OR_RAISE(auto freader, filtered->Execute());
  int64_t n = 0;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, freader->Next());
    if (!b) break;
    n += b->num_rows;
  }
  if (n != 9) return Status::Internal(fmt::format("filtered scan returned {} rows, expected 9", n));
  std::printf("version 0 has %lld rows; 'trip_id < 1010 AND vendor IS NOT NULL' returned %lld rows from %lld of %lld files\n",
              static_cast<long long>(half), static_cast<long long>(n), static_cast<long long>(metrics.files_total - metrics.files_skipped_by_stats),
              static_cast<long long>(metrics.files_total));
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quickstart TABLE_DIR\n");
    return 2;
  }
  Status st = Run(argv[1]);
  if (!st.ok()) {
    std::fprintf(stderr, "quickstart: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

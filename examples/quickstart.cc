// The quickstart: build a small table of taxi trips in memory, create a Delta table partitioned by
// vendor, append the trips in two commits, overwrite one partition, then read it back through the
// log: time travel to the last append must return exactly what was written, and the latest
// version must show the partition replaced.
//   quickstart TABLE_DIR        (the directory must not hold a table yet)
#include <cstdio>
#include <string>

#include <algorithm>
#include <map>
#include <optional>
#include <chrono>
#include <span>

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/ops/create.h"
#include "delta/ops/write.h"
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

Result<RecordBatchPtr> Slice(const RecordBatchPtr& b, int64_t offset, int64_t length) {
  auto out = std::make_shared<RecordBatch>();
  out->schema = b->schema;
  out->num_rows = length;
  for (const auto& col : b->columns) out->columns.push_back(col->Slice(offset, length));
  return out;
}

Result<int64_t> Write(const std::string& uri, const RecordBatchPtr& batch, ops::SaveMode mode,
                      std::optional<std::string> replace_where = std::nullopt) {
  auto input = MakeRecordBatchReader(batch->schema, {batch});
  ops::WriteOptions opts;
  opts.mode = mode;
  opts.replace_where = std::move(replace_where);
  DELTA_ASSIGN_OR_RAISE(auto r, ops::WriteTable(uri, *input, opts));
  return r.version;
}

// All rows of a snapshot, keyed by trip_id (files come back in any order).
Result<std::map<int64_t, std::string>> ReadRows(const table::SnapshotPtr& snap, const std::string& where = "") {
  scan::ScanBuilder builder(snap);
  if (!where.empty()) builder.WithPredicateSql(where);
  DELTA_ASSIGN_OR_RAISE(auto s, builder.Build());
  DELTA_ASSIGN_OR_RAISE(auto reader, s->Execute());
  std::map<int64_t, std::string> rows;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, reader->Next());
    if (!b) break;
    for (int64_t r = 0; r < b->num_rows; ++r) {
      std::string text;
      for (int c = 1; c < b->num_columns(); ++c) {
        const auto& col = *b->column(c);
        if (col.type->is_nested()) {
          text += col.IsNull(r) ? "|null" : fmt::format("|list[{}]", col.GetListRange(r).second - col.GetListRange(r).first);
        } else {
          DELTA_ASSIGN_OR_RAISE(auto v, GetScalar(col, r));
          text += "|" + v.ToString();
        }
      }
      rows[b->column(0)->values<int64_t>()[r]] = std::move(text);
    }
  }
  return rows;
}

Status Run(const std::string& uri) {
  constexpr int64_t kRows = 10000;
  DELTA_ASSIGN_OR_RAISE(auto trips, MakeTrips(kRows));

  // Version 0: create the table, partitioned by vendor (nulls go to __HIVE_DEFAULT_PARTITION__).
  ops::CreateOptions create;
  create.schema = trips->schema;
  create.partition_by = {"vendor"};
  create.name = "trips";
  create.description = "taxi trips written by the deltacpp quickstart";
  DELTA_RETURN_NOT_OK(ops::CreateTable(uri, create).status());
  // Versions 1 and 2: two appends.
  DELTA_ASSIGN_OR_RAISE(auto first, Slice(trips, 0, kRows / 2));
  DELTA_ASSIGN_OR_RAISE(auto second, Slice(trips, kRows / 2, kRows - kRows / 2));
  DELTA_RETURN_NOT_OK(Write(uri, first, ops::SaveMode::kAppend).status());
  DELTA_ASSIGN_OR_RAISE(int64_t v2, Write(uri, second, ops::SaveMode::kAppend));
  std::printf("created the table and appended %lld trips in two commits (version %lld)\n",
              static_cast<long long>(kRows), static_cast<long long>(v2));

  // Version 3: overwrite one partition with a single corrected trip.
  DELTA_ASSIGN_OR_RAISE(auto fix_builder, RecordBatchBuilder::Make(trips->schema));
  DELTA_RETURN_NOT_OK(fix_builder->field_as<Int64Builder>(0)->Append(99999));
  DELTA_RETURN_NOT_OK(fix_builder->field_as<BinaryBuilder>(1)->Append("fhv"));
  DELTA_RETURN_NOT_OK(fix_builder->field_as<Int64Builder>(2)->Append(1700000000000000LL));
  DELTA_RETURN_NOT_OK(fix_builder->field_as<DoubleBuilder>(3)->Append(12.5));
  DELTA_RETURN_NOT_OK(fix_builder->field_as<Decimal128Builder>(4)->Append(static_cast<__int128>(4200)));
  DELTA_RETURN_NOT_OK(fix_builder->field_as<ListBuilder>(5)->Append(true));
  DELTA_ASSIGN_OR_RAISE(auto fix, fix_builder->Finish());
  DELTA_ASSIGN_OR_RAISE(int64_t v3, Write(uri, fix, ops::SaveMode::kOverwrite, "vendor = 'fhv'"));

  // Read back: the latest version, and version 2 by time travel.
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(uri));
  DELTA_ASSIGN_OR_RAISE(auto latest, table->GetSnapshot());
  DELTA_ASSIGN_OR_RAISE(auto at_v2, table->GetSnapshot({.version = v2}));
  if (latest->version() != v3) return Status::Internal("latest version is not the overwrite");
  DELTA_ASSIGN_OR_RAISE(auto all, ReadRows(at_v2));
  // What was written, by trip_id, from the in-memory batch (the same formatting).
  std::map<int64_t, std::string> expected;
  {
    auto expected_rows = [&]() -> Status {
      for (int64_t r = 0; r < trips->num_rows; ++r) {
        std::string text;
        for (int c = 1; c < trips->num_columns(); ++c) {
          const auto& col = *trips->column(c);
          if (col.type->is_nested()) {
            text += col.IsNull(r) ? "|null" : fmt::format("|list[{}]", col.GetListRange(r).second - col.GetListRange(r).first);
          } else {
            DELTA_ASSIGN_OR_RAISE(auto v, GetScalar(col, r));
            text += "|" + v.ToString();
          }
        }
        expected[trips->column(0)->values<int64_t>()[r]] = std::move(text);
      }
      return Status::OK();
    };
    DELTA_RETURN_NOT_OK(expected_rows());
  }
  if (all != expected) return Status::Internal("version 2 does not read back exactly what was written");
  std::printf("time travel to version %lld: all %zu trips read back exactly\n", static_cast<long long>(v2), all.size());
  DELTA_ASSIGN_OR_RAISE(auto now, ReadRows(latest));
  size_t fhv_before = 0;
  for (const auto& [id, text] : expected) fhv_before += text.rfind("|'fhv'", 0) == 0;
  if (now.size() != expected.size() - fhv_before + 1 || now.count(99999) != 1) {
    return Status::Internal("the partition overwrite did not replace exactly the fhv partition");
  }
  std::printf("version %lld: partition vendor='fhv' (%zu trips) replaced by 1 trip; %zu trips in the table\n",
              static_cast<long long>(v3), fhv_before, now.size());
  DELTA_ASSIGN_OR_RAISE(auto filtered, ReadRows(latest, "trip_id < 1010 AND vendor IS NOT NULL"));
  std::printf("'trip_id < 1010 AND vendor IS NOT NULL' returned %zu trips\n", filtered.size());
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

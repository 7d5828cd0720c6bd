// Helper of tests/peers/delta_write_check.py: writes two Delta tables through ops::WriteTable
// with every primitive Delta type and nested types (struct in struct, array of long, array of
// struct, map), nulls at every level, an unpartitioned one and one partitioned by a string and
// an integer column (values needing URL escaping, and null -> __HIVE_DEFAULT_PARTITION__),
// small target file sizes so several files are rolled, two commits each (create + append), and
// an explicit checkpoint of each table.
//
//   delta_write_check OUT_DIR      writes OUT_DIR/unpartitioned and OUT_DIR/partitioned
//
// Exit status 0 on success; prints the error and exits 1 otherwise.
// Thread-safety: a single-threaded program.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/builder.h"
#include "delta/ops/write.h"
#include "delta/table/table.h"
#include "delta/txn/checkpoint.h"
#include "delta/util/macros.h"

namespace {

using namespace delta;     // NOLINT
using namespace columnar;  // NOLINT

constexpr int kRowsPerBatch = 1500;

SchemaPtr TableSchema() {
  auto inner = Struct({MakeField("z", Float64())});
  auto st = Struct({MakeField("x", Int32()), MakeField("y", Utf8()), MakeField("inner", inner)});
  auto elem = Struct({MakeField("a", Int32()), MakeField("b", Utf8())});
  return std::make_shared<Schema>(std::vector<FieldPtr>{
      MakeField("id", Int64(), /*nullable=*/false),
      MakeField("b", Int8()),
      MakeField("sh", Int16()),
      MakeField("i", Int32()),
      MakeField("l", Int64()),
      MakeField("f", Float32()),
      MakeField("d", Float64()),
      MakeField("dec", Decimal128(10, 2)),
      MakeField("dec38", Decimal128(38, 6)),
      MakeField("s", Utf8()),
      MakeField("bin", Binary()),
      MakeField("bo", Bool()),
      MakeField("dt", Date32()),
      MakeField("ts", Timestamp(TimeUnit::kMicro, "UTC")),
      MakeField("tsn", Timestamp(TimeUnit::kMicro)),
      MakeField("st", st),
      MakeField("arr", List(MakeField("element", Int64()))),
      MakeField("arr_st", List(MakeField("element", elem))),
      MakeField("m", Map(Utf8(), Int32())),
      MakeField("p_str", Utf8()),
      MakeField("p_int", Int32()),
  });
}

// Deterministic pseudo-random 64-bit value of (row, column).
uint64_t Mix(int64_t row, int col) {
  uint64_t x = static_cast<uint64_t>(row) * 0x9E3779B97F4A7C15ULL + static_cast<uint64_t>(col) * 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 31;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 29;
  return x;
}

bool IsNull(int64_t row, int col) { return row % 11 == col % 11 && row % 3 != 0; }

Result<RecordBatchPtr> MakeBatch(const SchemaPtr& schema, int64_t first_row, int64_t n) {
  DELTA_ASSIGN_OR_RAISE(auto b, RecordBatchBuilder::Make(schema));
  static const char* kStrings[] = {"", "plain", "naïve café", "日本語テキスト", "emoji 😀", "quote \" and \\ back",
                                   "line\nbreak"};
  static const char* kPartitions[] = {"alpha", "a b/c=d%e", "ünï", "x:y"};
  for (int64_t k = 0; k < n; ++k) {
    int64_t r = first_row + k;
    int c = 0;
    DELTA_RETURN_NOT_OK(b->field_as<Int64Builder>(c++)->Append(r));
    auto num = [&](auto* builder, auto value) -> Status {
      if (IsNull(r, c)) return builder->AppendNull();
      return builder->Append(value);
    };
    uint64_t h = Mix(r, 1);
    DELTA_RETURN_NOT_OK(num(b->field_as<Int8Builder>(c), static_cast<int8_t>(h)));
    ++c;
    DELTA_RETURN_NOT_OK(num(b->field_as<Int16Builder>(c), static_cast<int16_t>(h >> 8)));
    ++c;
    DELTA_RETURN_NOT_OK(num(b->field_as<Int32Builder>(c), static_cast<int32_t>(h >> 16)));
    ++c;
    int64_t l = r % 50 == 7 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(Mix(r, 2));
    DELTA_RETURN_NOT_OK(num(b->field_as<Int64Builder>(c), l));
    ++c;
    float f = static_cast<float>(static_cast<int32_t>(h >> 40)) / 64.0f;
    if (r % 97 == 5) f = std::numeric_limits<float>::infinity();
    DELTA_RETURN_NOT_OK(num(b->field_as<FloatBuilder>(c), f));
    ++c;
    double d = static_cast<double>(static_cast<int64_t>(Mix(r, 3) >> 12)) / 1024.0 - 1e12;
    if (r % 101 == 9) d = std::nan("");
    if (r % 103 == 4) d = -std::numeric_limits<double>::infinity();
    DELTA_RETURN_NOT_OK(num(b->field_as<DoubleBuilder>(c), d));
    ++c;
    // decimal(10,2): |unscaled| < 10^10; decimal(38,6): values beyond 64 bits.
    __int128 dec = static_cast<__int128>(static_cast<int64_t>(Mix(r, 4) % 19999999999ULL) - 9999999999LL);
    DELTA_RETURN_NOT_OK(num(b->field_as<Decimal128Builder>(c), dec));
    ++c;
    __int128 dec38 = static_cast<__int128>(static_cast<int64_t>(Mix(r, 5))) * static_cast<__int128>(1000000007LL);
    DELTA_RETURN_NOT_OK(num(b->field_as<Decimal128Builder>(c), dec38));
    ++c;
    std::string s = fmt::format("{}-{}", kStrings[r % 7], r);
    DELTA_RETURN_NOT_OK(num(b->field_as<StringBuilder>(c), std::string_view(s)));
    ++c;
    std::string bin;
    for (int j = 0; j < static_cast<int>(r % 9); ++j) bin.push_back(static_cast<char>(Mix(r, 6 + j) & 0xFF));
    DELTA_RETURN_NOT_OK(num(b->field_as<BinaryBuilder>(c), std::string_view(bin)));
    ++c;
    DELTA_RETURN_NOT_OK(num(b->field_as<BooleanBuilder>(c), (h & 1) != 0));
    ++c;
    // dates from 1900 to 2100, timestamps over a similar range (before the epoch too)
    DELTA_RETURN_NOT_OK(num(b->field_as<Int32Builder>(c), static_cast<int32_t>(Mix(r, 7) % 73000) - 25567));
    ++c;
    int64_t ts = static_cast<int64_t>(Mix(r, 8) % 6000000000000000ULL) - 2000000000000000LL;
    DELTA_RETURN_NOT_OK(num(b->field_as<Int64Builder>(c), ts));
    ++c;
    DELTA_RETURN_NOT_OK(num(b->field_as<Int64Builder>(c), ts / 7));
    ++c;
    // st: struct<x int, y string, inner struct<z double>>
    {
      auto* sb = b->field_as<StructBuilder>(c);
      if (IsNull(r, c)) {
        DELTA_RETURN_NOT_OK(sb->AppendNull());
      } else {
        auto* x = static_cast<Int32Builder*>(sb->child(0));
        auto* y = static_cast<StringBuilder*>(sb->child(1));
        auto* inner = static_cast<StructBuilder*>(sb->child(2));
        auto* z = static_cast<DoubleBuilder*>(inner->child(0));
        DELTA_RETURN_NOT_OK(r % 5 == 1 ? x->AppendNull() : x->Append(static_cast<int32_t>(r * 3)));
        DELTA_RETURN_NOT_OK(r % 4 == 2 ? y->AppendNull() : y->Append(fmt::format("y{}", r % 13)));
        if (r % 6 == 3) {
          DELTA_RETURN_NOT_OK(inner->AppendNull());
        } else {
          DELTA_RETURN_NOT_OK(r % 8 == 0 ? z->AppendNull() : z->Append(static_cast<double>(r) / 8.0));
          DELTA_RETURN_NOT_OK(inner->Append());
        }
        DELTA_RETURN_NOT_OK(sb->Append());
      }
      ++c;
    }
    // arr: array<long> with empty lists and null elements
    {
      auto* lb = b->field_as<ListBuilder>(c);
      if (IsNull(r, c)) {
        DELTA_RETURN_NOT_OK(lb->AppendNull());
      } else {
        DELTA_RETURN_NOT_OK(lb->Append());
        auto* vb = static_cast<Int64Builder*>(lb->value_builder());
        for (int j = 0; j < static_cast<int>(r % 4); ++j) {
          DELTA_RETURN_NOT_OK((r + j) % 5 == 0 ? vb->AppendNull() : vb->Append(static_cast<int64_t>(Mix(r, 20 + j))));
        }
      }
      ++c;
    }
    // arr_st: array<struct<a int, b string>>
    {
      auto* lb = b->field_as<ListBuilder>(c);
      if (IsNull(r, c)) {
        DELTA_RETURN_NOT_OK(lb->AppendNull());
      } else {
        DELTA_RETURN_NOT_OK(lb->Append());
        auto* eb = static_cast<StructBuilder*>(lb->value_builder());
        for (int j = 0; j < static_cast<int>(r % 3); ++j) {
          if ((r + j) % 7 == 3) {
            DELTA_RETURN_NOT_OK(eb->AppendNull());
            continue;
          }
          DELTA_RETURN_NOT_OK(static_cast<Int32Builder*>(eb->child(0))->Append(static_cast<int32_t>(j)));
          auto* sb = static_cast<StringBuilder*>(eb->child(1));
          DELTA_RETURN_NOT_OK(j == 1 ? sb->AppendNull() : sb->Append(fmt::format("e{}_{}", r, j)));
          DELTA_RETURN_NOT_OK(eb->Append());
        }
      }
      ++c;
    }
    // m: map<string, int> with null values
    {
      auto* mb = b->field_as<MapBuilder>(c);
      if (IsNull(r, c)) {
        DELTA_RETURN_NOT_OK(mb->AppendNull());
      } else {
        DELTA_RETURN_NOT_OK(mb->Append());
        auto* kb = static_cast<StringBuilder*>(mb->key_builder());
        auto* ib = static_cast<Int32Builder*>(mb->item_builder());
        for (int j = 0; j < static_cast<int>(r % 3); ++j) {
          DELTA_RETURN_NOT_OK(kb->Append(fmt::format("k{}", j)));
          DELTA_RETURN_NOT_OK(j == 2 ? ib->AppendNull() : ib->Append(static_cast<int32_t>(r + j)));
        }
      }
      ++c;
    }
    // partition columns (null every 10th row)
    auto* ps = b->field_as<StringBuilder>(c++);
    DELTA_RETURN_NOT_OK(r % 10 == 9 ? ps->AppendNull() : ps->Append(kPartitions[r % 4]));
    auto* pi = b->field_as<Int32Builder>(c++);
    DELTA_RETURN_NOT_OK(r % 10 == 4 ? pi->AppendNull() : pi->Append(static_cast<int32_t>(r % 3) - 1));
  }
  return b->Finish();
}

Status WriteOne(const std::string& uri, bool partitioned) {
  auto schema = TableSchema();
  for (int commit = 0; commit < 2; ++commit) {
    std::vector<RecordBatchPtr> batches;
    for (int k = 0; k < 2; ++k) {
      DELTA_ASSIGN_OR_RAISE(auto batch, MakeBatch(schema, (commit * 2 + k) * kRowsPerBatch, kRowsPerBatch));
      batches.push_back(std::move(batch));
    }
    auto reader = MakeRecordBatchReader(schema, batches);
    ops::WriteOptions o;
    o.mode = commit == 0 ? ops::SaveMode::kErrorIfExists : ops::SaveMode::kAppend;
    if (partitioned) o.partition_by = {"p_str", "p_int"};
    o.name = partitioned ? "peers_partitioned" : "peers_unpartitioned";
    // Small files, so the unpartitioned table rolls several files per commit.
    o.data.target_file_size = 64 << 10;
    o.data.parquet.max_row_group_rows = 1000;
    DELTA_ASSIGN_OR_RAISE(auto r, ops::WriteTable(uri, *reader, o));
    std::fprintf(stderr, "%s: version %lld, %lld files, %lld rows\n", uri.c_str(), static_cast<long long>(r.version),
                 static_cast<long long>(r.files_added), static_cast<long long>(r.rows));
  }
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(uri));
  table::SnapshotOptions so;
  so.with_stats = true;
  so.with_tombstones = true;
  DELTA_ASSIGN_OR_RAISE(auto snap, table->GetSnapshot(so));
  return txn::WriteCheckpoint(snap).status();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: delta_write_check OUT_DIR\n");
    return 2;
  }
  std::string out = argv[1];
  for (bool partitioned : {false, true}) {
    std::string uri = out + (partitioned ? "/partitioned" : "/unpartitioned");
    Status st = WriteOne(uri, partitioned);
    if (!st.ok()) {
      std::fprintf(stderr, "delta_write_check: %s: %s\n", uri.c_str(), st.ToString().c_str());
      return 1;
    }
  }
  return 0;
}

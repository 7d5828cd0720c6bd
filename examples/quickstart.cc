// The quickstart: build a small table of taxi trips in memory, write it as a Parquet file with
// libdelta's writer, read it back with libdelta's reader, and check that every value survived.
//   quickstart OUT.parquet
#include <cstdio>
#include <string>

#include "delta/columnar/builder.h"
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

Status Run(const std::string& path) {
  constexpr int64_t kRows = 10000;
  DELTA_ASSIGN_OR_RAISE(auto trips, MakeTrips(kRows));

  parquet::WriterProperties props;
  props.compression = parquet::CompressionCodec::SNAPPY;
  props.max_row_group_rows = 4096;
  DELTA_ASSIGN_OR_RAISE(auto out, io::OpenLocalOutput(path));
  DELTA_ASSIGN_OR_RAISE(auto writer, parquet::FileWriter::Open(out, trips->schema, props));
  DELTA_RETURN_NOT_OK(writer->WriteBatch(*trips));
  DELTA_RETURN_NOT_OK(writer->Close());
  std::printf("wrote %lld rows to %s\n", static_cast<long long>(kRows), path.c_str());

  DELTA_ASSIGN_OR_RAISE(auto in, io::OpenLocalFile(path));
  DELTA_ASSIGN_OR_RAISE(auto reader, parquet::FileReader::Open(in));
  DELTA_ASSIGN_OR_RAISE(auto back, reader->ReadAll());
  std::printf("read %lld rows in %d row groups back from %s\n", static_cast<long long>(back->num_rows),
              reader->num_row_groups(), path.c_str());
  for (int c = 0; c < trips->num_columns(); ++c) {
    std::string diff;
    if (!ArrayEquals(*trips->column(c), *back->column(c), &diff)) {
      return Status::Internal("column " + trips->schema->field(c)->name + " differs after the round trip: " + diff);
    }
  }
  std::printf("all %d columns round-tripped exactly\n", trips->num_columns());
  return Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quickstart OUT.parquet\n");
    return 2;
  }
  Status st = Run(argv[1]);
  if (!st.ok()) {
    std::fprintf(stderr, "quickstart: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

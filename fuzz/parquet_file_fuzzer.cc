// libFuzzer target for the whole Parquet read path: the input is one complete file (magic, column
// chunks, Thrift footer). It is opened with FileReader (footer, schema, projection), every row
// group is decoded with all columns on the calling thread (pages, decompression, levels, values,
// record assembly), and the statistics of every column chunk are extracted and compared against
// a literal. Errors are expected and ignored; the fuzzer looks for crashes, sanitizer reports,
// hangs and allocations beyond -malloc_limit_mb.
// Seeds: fuzz/corpus/parquet_file/, written by reader_hostile_test.cc (see fuzz/run.sh).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "delta/columnar/buffer.h"
#include "delta/io/file.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/statistics.h"

namespace {

using delta::parquet::FileReader;

void ReadStatistics(const FileReader& reader) {
  const auto& md = reader.metadata();
  const auto& descr = reader.descriptor();
  for (int rg = 0; rg < reader.num_row_groups(); ++rg) {
    if (static_cast<int>(md.row_groups[static_cast<size_t>(rg)].columns.size()) != descr.num_columns()) continue;
    for (int c = 0; c < descr.num_columns(); ++c) {
      auto stats = delta::parquet::GetChunkStats(md, descr, rg, c);
      if (stats.min) {
        // Compare against the chunk's own minimum: exercises the value decoding of the stats.
        auto r = delta::parquet::MayMatch(descr.column(c), stats, delta::parquet::CompareOp::kEq,
                                          delta::parquet::StatValue(std::string(*stats.min)));
        (void)r;
        auto r2 = delta::parquet::MayMatch(descr.column(c), stats, delta::parquet::CompareOp::kLt,
                                           delta::parquet::StatValue(int64_t{0}));
        (void)r2;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto buffer = delta::columnar::Buffer::Allocate(static_cast<int64_t>(size));
  if (!buffer.ok()) return 0;
  if (size > 0) std::memcpy((*buffer)->mutable_data(), data, size);
  auto file = delta::io::MakeBufferFile(*buffer, "fuzz.parquet");
  delta::parquet::ReaderOptions options;
  options.num_threads = 1;
  auto reader = FileReader::Open(file, options);
  if (!reader.ok()) return 0;
  ReadStatistics(**reader);
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    auto batch = (*reader)->ReadRowGroup(rg);
    (void)batch;
  }
  return 0;
}

// parquet_bench: the deltacpp side of benchmarks/parquet_vs_duckdb. Times our Parquet reader and
// writer on a file and prints one JSON object on stdout (errors go to stderr, exit status 1).
//
//   parquet_bench read FILE [--threads N] [--runs R]
//       Streams every row group of FILE (one batch per row group) and computes
//       sum(id), sum(k), sum(d), sum(byte length of s) from the decoded batches, the same figures
//       as DuckDB's SELECT sum(id), sum(k), sum(d), sum(strlen(s)). Nothing is retained between
//       batches, so the peak RSS beyond the baseline is what the reader itself holds.
//   parquet_bench write IN OUT [--compression snappy|zstd|...] [--threads N] [--runs R]
//                              [--row-group-rows N]
//       Decodes IN into memory (untimed), then times writing those batches to OUT.
//
// Timings are the best of R runs after one untimed warm-up run, wall clock, in seconds;
// cpu_seconds is the smallest CPU time (user + system, all threads) of those runs.
// Thread-safety: a single-threaded program (the reader/writer use their own pools).
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/columnar/array.h"
#include "delta/io/file.h"
#include "delta/parquet/compression/codec.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/util/macros.h"
#include "delta/util/result.h"
#include "delta/util/status.h"

namespace delta::bench {
namespace {

using columnar::ArrayData;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::TypeId;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Current resident set size in bytes (/proc/self/statm field 2, in pages).
int64_t CurrentRss() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

// CPU seconds (user + system) of the process, all threads.
double CpuNow() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// High-water resident set size of the process in bytes: VmHWM from /proc/self/status (which
// ResetPeakRss can reset), or ru_maxrss where that is unavailable.
int64_t PeakRss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atoll(line.c_str() + 6) * 1024;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<int64_t>(ru.ru_maxrss) * 1024;
}

// Sets the high-water mark to the current RSS (Linux >= 4.0: "5" to clear_refs resets VmHWM).
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// Bytes held by the buffers of an array and its children (shared buffers counted once per use).
int64_t ArrayBytes(const ArrayData& a) {
  int64_t n = 0;
  for (const auto& b : a.buffers) {
    if (b) n += b->size();
  }
  for (const auto& c : a.children) n += ArrayBytes(*c);
  return n;
}

int64_t BatchBytes(const RecordBatch& batch) {
  int64_t n = 0;
  for (const auto& c : batch.columns) n += ArrayBytes(*c);
  return n;
}

struct Sums {
  int64_t sum_id = 0;
  int64_t sum_k = 0;
  double sum_d = 0;
  int64_t sum_len_s = 0;
  int64_t rows = 0;
};

// Adds one column of a batch to the sums. Nulls are skipped (as SQL sum() does); the benchmark
// data has none, so the fast paths below are the ones measured.
template <typename T, typename Acc>
void SumFixed(const ArrayData& a, Acc* acc) {
  const T* v = a.values<T>();
  Acc s = 0;
  if (a.null_count == 0) {
    for (int64_t i = 0; i < a.length; ++i) s += static_cast<Acc>(v[i]);
  } else {
    for (int64_t i = 0; i < a.length; ++i) {
      if (a.IsValid(i)) s += static_cast<Acc>(v[i]);
    }
  }
  *acc += s;
}

Status SumLengths(const ArrayData& a, int64_t* acc) {
  if (a.type->id() != TypeId::kString && a.type->id() != TypeId::kBinary) {
    return Status::InvalidArgument(fmt::format("column s: expected a string column, got {}", a.type->ToString()));
  }
  const int32_t* off = a.buffers[1]->data_as<int32_t>() + a.offset;
  if (a.null_count == 0) {
    *acc += static_cast<int64_t>(off[a.length]) - off[0];
  } else {
    for (int64_t i = 0; i < a.length; ++i) {
      if (a.IsValid(i)) *acc += static_cast<int64_t>(off[i + 1]) - off[i];
    }
  }
  return Status::OK();
}

Status AddBatch(const RecordBatch& batch, Sums* sums) {
  const auto& schema = *batch.schema;
  int i_id = schema.GetFieldIndex("id"), i_k = schema.GetFieldIndex("k"), i_d = schema.GetFieldIndex("d"),
      i_s = schema.GetFieldIndex("s");
  if (i_id < 0 || i_k < 0 || i_d < 0 || i_s < 0) {
    return Status::InvalidArgument("the file must have columns id, k, d, s");
  }
  const ArrayData& id = *batch.column(i_id);
  const ArrayData& k = *batch.column(i_k);
  const ArrayData& d = *batch.column(i_d);
  if (id.type->id() != TypeId::kInt64 || k.type->id() != TypeId::kInt32 || d.type->id() != TypeId::kFloat64) {
    return Status::InvalidArgument(fmt::format("unexpected column types: id {}, k {}, d {}", id.type->ToString(),
                                       k.type->ToString(), d.type->ToString()));
  }
  SumFixed<int64_t>(id, &sums->sum_id);
  SumFixed<int32_t>(k, &sums->sum_k);
  SumFixed<double>(d, &sums->sum_d);
  DELTA_RETURN_NOT_OK(SumLengths(*batch.column(i_s), &sums->sum_len_s));
  sums->rows += batch.num_rows;
  return Status::OK();
}

struct Args {
  std::vector<std::string> positional;
  int threads = 1;
  int runs = 3;
  std::string compression = "snappy";
  int64_t row_group_rows = 122880;
};

Result<Args> ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return Status::InvalidArgument(fmt::format("{} needs a value", s));
      return std::string(argv[++i]);
    };
    if (s == "--threads") {
      DELTA_ASSIGN_OR_RAISE(auto v, value());
      a.threads = std::atoi(v.c_str());
    } else if (s == "--runs") {
      DELTA_ASSIGN_OR_RAISE(auto v, value());
      a.runs = std::atoi(v.c_str());
    } else if (s == "--compression") {
      DELTA_ASSIGN_OR_RAISE(a.compression, value());
    } else if (s == "--row-group-rows") {
      DELTA_ASSIGN_OR_RAISE(auto v, value());
      a.row_group_rows = std::atoll(v.c_str());
    } else if (s.rfind("--", 0) == 0) {
      return Status::InvalidArgument(fmt::format("unknown option {}", s));
    } else {
      a.positional.push_back(s);
    }
  }
  if (a.threads < 1 || a.runs < 1 || a.row_group_rows < 1) {
    return Status::InvalidArgument("--threads, --runs and --row-group-rows must be positive");
  }
  return a;
}

// Largest row group of the file: rows, Parquet uncompressed bytes (sum of the column chunks'
// total_uncompressed_size) and compressed bytes.
struct RowGroupSize {
  int64_t rows = 0;
  int64_t uncompressed = 0;
  int64_t compressed = 0;
};

RowGroupSize LargestRowGroup(const parquet::FileMetaData& md) {
  RowGroupSize best;
  for (const auto& rg : md.row_groups) {
    RowGroupSize cur;
    cur.rows = rg.num_rows;
    for (const auto& c : rg.columns) {
      if (!c.meta_data) continue;
      cur.uncompressed += c.meta_data->total_uncompressed_size;
      cur.compressed += c.meta_data->total_compressed_size;
    }
    if (cur.uncompressed > best.uncompressed) best = cur;
  }
  return best;
}

Status RunRead(const Args& args) {
  if (args.positional.size() != 1) return Status::InvalidArgument("usage: parquet_bench read FILE [--threads N] [--runs R]");
  const std::string& path = args.positional[0];

  // Memory baseline: decode row group 0 once with a separate reader so that the code and the
  // libraries' pages are resident, drop it, give free heap back to the OS, then take the current
  // RSS as the baseline and reset the high-water mark. The peak measured over the (untimed)
  // warm-up stream below, minus this baseline, is what streaming the file needs.
  {
    DELTA_ASSIGN_OR_RAISE(auto probe, parquet::FileReader::OpenPath(path, {}));
    if (probe->num_row_groups() > 0) DELTA_RETURN_NOT_OK(probe->ReadRowGroup(0).status());
  }
  malloc_trim(0);
  const int64_t baseline_rss = CurrentRss();
  const bool peak_reset = ResetPeakRss();
  int64_t peak_rss = 0;

  parquet::ReaderOptions options;
  options.num_threads = args.threads;

  Sums sums;
  int64_t max_batch_bytes = 0;
  int64_t num_row_groups = 0;
  RowGroupSize largest;
  double best = std::numeric_limits<double>::infinity();
  double best_cpu = best;
  std::vector<double> times;
  for (int run = 0; run <= args.runs; ++run) {  // run 0 is the warm-up
    const double c0 = CpuNow();
    const double t0 = Now();
    DELTA_ASSIGN_OR_RAISE(auto reader, parquet::FileReader::OpenPath(path, options));
    DELTA_ASSIGN_OR_RAISE(auto batches, reader->GetRecordBatchReader());
    Sums s;
    while (true) {
      DELTA_ASSIGN_OR_RAISE(RecordBatchPtr batch, batches->Next());
      if (!batch) break;
      DELTA_RETURN_NOT_OK(AddBatch(*batch, &s));
      if (run == 0) max_batch_bytes = std::max(max_batch_bytes, BatchBytes(*batch));
    }
    const double t = Now() - t0;
    const double cpu = CpuNow() - c0;
    if (run == 0) {
      peak_rss = PeakRss();
      largest = LargestRowGroup(reader->metadata());
      num_row_groups = reader->num_row_groups();
      sums = s;
    } else {
      times.push_back(t);
      best = std::min(best, t);
      best_cpu = std::min(best_cpu, cpu);
      if (s.sum_id != sums.sum_id || s.sum_len_s != sums.sum_len_s || s.rows != sums.rows) {
        return Status::Internal("the sums differ between runs");
      }
    }
  }
  std::string time_list;
  for (double t : times) time_list += fmt::format("{}{:.6f}", time_list.empty() ? "" : ",", t);
  fmt::print(
      "{{\"sum_id\":\"{}\",\"sum_k\":\"{}\",\"sum_d\":{:.17g},\"sum_len_s\":\"{}\",\"rows\":\"{}\","
      "\"threads\":{},\"seconds\":{:.6f},\"cpu_seconds\":{:.6f},\"times\":[{}],\"baseline_rss\":{},\"peak_rss\":{},\"peak_reset\":{},"
      "\"row_groups\":{},\"max_row_group_rows\":{},\"max_row_group_uncompressed\":{},"
      "\"max_row_group_compressed\":{},\"max_batch_bytes\":{}}}\n",
      sums.sum_id, sums.sum_k, sums.sum_d, sums.sum_len_s, sums.rows, args.threads, best, best_cpu, time_list, baseline_rss,
      peak_rss, peak_reset, num_row_groups, largest.rows, largest.uncompressed, largest.compressed, max_batch_bytes);
  return Status::OK();
}

Status RunWrite(const Args& args) {
  if (args.positional.size() != 2) {
    return Status::InvalidArgument(
        "usage: parquet_bench write IN OUT [--compression C] [--threads N] [--runs R] [--row-group-rows N]");
  }
  const std::string& in = args.positional[0];
  const std::string& out = args.positional[1];
  parquet::WriterProperties props;
  DELTA_RETURN_NOT_OK(parquet::ParseCompression(args.compression, &props.compression, &props.compression_level));
  props.num_threads = args.threads;
  props.max_row_group_rows = args.row_group_rows;

  // The input, decoded into memory before any timing (one batch per row group).
  parquet::ReaderOptions options;
  options.num_threads = 1;
  DELTA_ASSIGN_OR_RAISE(auto reader, parquet::FileReader::OpenPath(in, options));
  DELTA_ASSIGN_OR_RAISE(auto stream, reader->GetRecordBatchReader());
  std::vector<RecordBatchPtr> batches;
  int64_t input_bytes = 0;
  int64_t rows = 0;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(RecordBatchPtr batch, stream->Next());
    if (!batch) break;
    input_bytes += BatchBytes(*batch);
    rows += batch->num_rows;
    batches.push_back(std::move(batch));
  }
  columnar::SchemaPtr schema = reader->projected_schema();
  stream.reset();
  reader.reset();
  const int64_t baseline_rss = CurrentRss();

  double best = std::numeric_limits<double>::infinity();
  double best_cpu = best;
  std::vector<double> times;
  int64_t bytes = 0;
  for (int run = 0; run <= args.runs; ++run) {
    const double c0 = CpuNow();
    const double t0 = Now();
    DELTA_ASSIGN_OR_RAISE(auto sink, io::OpenLocalOutput(out));
    DELTA_ASSIGN_OR_RAISE(auto writer, parquet::FileWriter::Open(sink, schema, props));
    for (const auto& b : batches) DELTA_RETURN_NOT_OK(writer->WriteBatch(*b));
    DELTA_RETURN_NOT_OK(writer->Close());
    const double t = Now() - t0;
    const double cpu = CpuNow() - c0;
    bytes = sink->Tell();
    if (run > 0) {
      times.push_back(t);
      best = std::min(best, t);
      best_cpu = std::min(best_cpu, cpu);
    }
  }
  const int64_t peak_rss = PeakRss();
  std::string time_list;
  for (double t : times) time_list += fmt::format("{}{:.6f}", time_list.empty() ? "" : ",", t);
  fmt::print(
      "{{\"rows\":\"{}\",\"threads\":{},\"compression\":\"{}\",\"seconds\":{:.6f},\"cpu_seconds\":{:.6f},\"times\":[{}],\"bytes\":{},"
      "\"input_bytes\":{},\"baseline_rss\":{},\"peak_rss\":{}}}\n",
      rows, args.threads, args.compression, best, best_cpu, time_list, bytes, input_bytes, baseline_rss, peak_rss);
  return Status::OK();
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: parquet_bench read FILE [--threads N] [--runs R]\n"
                         "       parquet_bench write IN OUT [--compression C] [--threads N] [--runs R] "
                         "[--row-group-rows N]\n");
    return 2;
  }
  auto args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "parquet_bench: %s\n", args.status().ToString().c_str());
    return 2;
  }
  std::string cmd = argv[1];
  Status st;
  if (cmd == "read") {
    st = RunRead(*args);
  } else if (cmd == "write") {
    st = RunWrite(*args);
  } else {
    std::fprintf(stderr, "parquet_bench: unknown command %s\n", cmd.c_str());
    return 2;
  }
  if (!st.ok()) {
    std::fprintf(stderr, "parquet_bench: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace delta::bench

int main(int argc, char** argv) {
  // glibc's malloc hands large freed blocks back to the kernel (mmap threshold, and trimming of
  // the pool threads' arenas), so a multi-threaded scan faults its output buffers in again for
  // every row group. DuckDB, measured alongside, ships its own allocator; keep freed memory
  // in the process here, as an application would. The library itself never tunes malloc.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return delta::bench::Main(argc, argv);
}

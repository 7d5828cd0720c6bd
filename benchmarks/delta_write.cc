// delta_write: the deltacpp side of benchmarks/delta_write.py. Times Delta writes through
// ops::WriteTable and prints one JSON object on stdout (errors go to stderr, exit status 1).
//
//   delta_write bulk IN TABLE [--runs R] [--threads N] [--stream]
//       Decodes the Parquet file IN into memory (untimed), then times writing those batches as a
//       new Delta table at TABLE in one commit (default target file size, snappy, N encoding
//       threads), deleting TABLE between runs. With --stream the batches are decoded from IN
//       while writing (timed too), so the peak RSS is that of a bounded streaming write.
//   delta_write partitioned TABLE [--rows N] [--partitions P] [--runs R] [--threads N]
//       Builds N rows (the bulk schema; k = a scattered partition number below P) in memory
//       (untimed), then times writing them as a new table partitioned by k in one commit, best of
//       R runs after a warm-up. --threads 1 is the sequential path (one partition at a time).
//   delta_write appends TABLE [--count N]
//       Creates TABLE (the bulk schema: id long, k int, d double, s string; default checkpoint
//       interval 10) and times N appends of one row each, every one a full WriteTable call
//       (open the table, load the snapshot, write the file, commit, checkpoint on the interval).
//
// Timings are wall-clock seconds; bulk reports the best of R runs after one untimed warm-up run
// (cpu_seconds: the smallest CPU time of those runs, all threads).
// Thread-safety: a single-threaded program (the writer uses its own pool).
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "delta/columnar/array.h"
#include "delta/columnar/builder.h"
#include "delta/ops/create.h"
#include "delta/ops/write.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/util/macros.h"
#include "delta/util/result.h"
#include "delta/util/status.h"

namespace delta::bench {
namespace {

using columnar::RecordBatchPtr;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double CpuNow() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

int64_t CurrentRss() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

// High-water RSS (VmHWM, resettable through clear_refs), or ru_maxrss.
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

bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

struct Args {
  std::vector<std::string> positional;
  int runs = 2;
  int threads = 2;
  int count = 1000;
  int64_t rows = 2'000'000;
  int partitions = 16;
  bool stream = false;
};

Result<Args> ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 2; i < argc; ++i) {
    std::string s = argv[i];
    auto value = [&]() -> Result<int> {
      if (i + 1 >= argc) return Status::InvalidArgument(fmt::format("{} needs a value", s));
      return std::atoi(argv[++i]);
    };
    if (s == "--runs") {
      DELTA_ASSIGN_OR_RAISE(a.runs, value());
    } else if (s == "--threads") {
      DELTA_ASSIGN_OR_RAISE(a.threads, value());
    } else if (s == "--count") {
      DELTA_ASSIGN_OR_RAISE(a.count, value());
    } else if (s == "--rows") {
      if (i + 1 >= argc) return Status::InvalidArgument("--rows needs a value");
      a.rows = std::atoll(argv[++i]);
    } else if (s == "--partitions") {
      DELTA_ASSIGN_OR_RAISE(a.partitions, value());
    } else if (s == "--stream") {
      a.stream = true;
    } else if (s.rfind("--", 0) == 0) {
      return Status::InvalidArgument(fmt::format("unknown option {}", s));
    } else {
      a.positional.push_back(s);
    }
  }
  if (a.runs < 1 || a.threads < 1 || a.count < 1 || a.rows < 1 || a.partitions < 1) {
    return Status::InvalidArgument("--runs, --threads, --count, --rows and --partitions must be positive");
  }
  return a;
}

// Batches from a Parquet file decoded while the writer consumes them.
class StreamingInput : public columnar::RecordBatchReader {
 public:
  static Result<std::unique_ptr<StreamingInput>> Open(const std::string& path) {
    auto in = std::unique_ptr<StreamingInput>(new StreamingInput());
    parquet::ReaderOptions options;
    options.num_threads = 1;
    DELTA_ASSIGN_OR_RAISE(in->reader_, parquet::FileReader::OpenPath(path, options));
    DELTA_ASSIGN_OR_RAISE(in->stream_, in->reader_->GetRecordBatchReader());
    return in;
  }
  columnar::SchemaPtr schema() const override { return stream_->schema(); }
  Result<RecordBatchPtr> Next() override { return stream_->Next(); }

 private:
  StreamingInput() = default;
  std::unique_ptr<parquet::FileReader> reader_;
  std::unique_ptr<columnar::RecordBatchReader> stream_;
};

Status RunBulk(const Args& args) {
  if (args.positional.size() != 2) return Status::InvalidArgument("usage: delta_write bulk IN TABLE [--runs R]");
  const std::string& in = args.positional[0];
  const std::string& table = args.positional[1];

  std::vector<RecordBatchPtr> batches;
  columnar::SchemaPtr schema;
  int64_t rows = 0;
  if (!args.stream) {
    DELTA_ASSIGN_OR_RAISE(auto input, StreamingInput::Open(in));
    schema = input->schema();
    while (true) {
      DELTA_ASSIGN_OR_RAISE(RecordBatchPtr batch, input->Next());
      if (!batch) break;
      rows += batch->num_rows;
      batches.push_back(std::move(batch));
    }
  }
  malloc_trim(0);
  const int64_t baseline_rss = CurrentRss();
  const bool peak_reset = ResetPeakRss();

  double best = std::numeric_limits<double>::infinity();
  double best_cpu = best;
  std::vector<double> times;
  ops::WriteResult result;
  for (int run = 0; run <= args.runs; ++run) {
    std::error_code ec;
    std::filesystem::remove_all(table, ec);
    ops::WriteOptions o;
    o.mode = ops::SaveMode::kErrorIfExists;
    o.data.num_threads = args.threads;
    const double c0 = CpuNow();
    const double t0 = Now();
    if (args.stream) {
      DELTA_ASSIGN_OR_RAISE(auto input, StreamingInput::Open(in));
      DELTA_ASSIGN_OR_RAISE(result, ops::WriteTable(table, *input, o));
    } else {
      auto input = columnar::MakeRecordBatchReader(schema, batches);
      DELTA_ASSIGN_OR_RAISE(result, ops::WriteTable(table, *input, o));
    }
    const double t = Now() - t0;
    const double cpu = CpuNow() - c0;
    if (run > 0) {
      times.push_back(t);
      best = std::min(best, t);
      best_cpu = std::min(best_cpu, cpu);
    }
  }
  const int64_t peak_rss = PeakRss();
  if (args.stream) rows = result.rows;
  if (result.rows != rows) {
    return Status::Internal(fmt::format("wrote {} rows, expected {}", result.rows, rows));
  }
  std::string time_list;
  for (double t : times) time_list += fmt::format("{}{:.6f}", time_list.empty() ? "" : ",", t);
  fmt::print(
      "{{\"rows\":{},\"threads\":{},\"stream\":{},\"seconds\":{:.6f},\"cpu_seconds\":{:.6f},\"times\":[{}],"
      "\"version\":{},\"files\":{},\"bytes\":{},\"baseline_rss\":{},\"peak_rss\":{},\"peak_reset\":{}}}\n",
      rows, args.threads, args.stream, best, best_cpu, time_list, result.version, result.files_added, result.bytes,
      baseline_rss, peak_rss, peak_reset);
  return Status::OK();
}

columnar::SchemaPtr AppendSchema() {
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("id", columnar::Int64()),
      columnar::MakeField("k", columnar::Int32()),
      columnar::MakeField("d", columnar::Float64()),
      columnar::MakeField("s", columnar::Utf8()),
  });
}

Status RunPartitioned(const Args& args) {
  if (args.positional.size() != 1) return Status::InvalidArgument("usage: delta_write partitioned TABLE [--rows N]");
  const std::string& table = args.positional[0];
  auto schema = AppendSchema();
  std::vector<RecordBatchPtr> batches;
  constexpr int64_t kBatchRows = 65536;
  for (int64_t lo = 0; lo < args.rows; lo += kBatchRows) {
    const int64_t hi = std::min(args.rows, lo + kBatchRows);
    DELTA_ASSIGN_OR_RAISE(auto b, columnar::RecordBatchBuilder::Make(schema));
    for (int64_t i = lo; i < hi; ++i) {
      DELTA_RETURN_NOT_OK(b->field_as<columnar::Int64Builder>(0)->Append(i * 7919 % 1000003));
      // Scattered partition numbers: every batch holds every partition.
      DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(1)->Append(
          static_cast<int32_t>((static_cast<uint64_t>(i) * 2654435761u >> 7) % static_cast<uint64_t>(args.partitions))));
      DELTA_RETURN_NOT_OK(b->field_as<columnar::DoubleBuilder>(2)->Append(static_cast<double>(i % 10007) / 8.0));
      DELTA_RETURN_NOT_OK(b->field_as<columnar::StringBuilder>(3)->Append(fmt::format("row-{}", i % 50021)));
    }
    DELTA_ASSIGN_OR_RAISE(auto batch, b->Finish());
    batches.push_back(std::move(batch));
  }
  double best = std::numeric_limits<double>::infinity();
  double best_cpu = best;
  ops::WriteResult result;
  for (int run = 0; run <= args.runs; ++run) {
    std::error_code ec;
    std::filesystem::remove_all(table, ec);
    ops::WriteOptions o;
    o.mode = ops::SaveMode::kErrorIfExists;
    o.partition_by = {"k"};
    o.data.num_threads = args.threads;
    auto input = columnar::MakeRecordBatchReader(schema, batches);
    const double c0 = CpuNow();
    const double t0 = Now();
    DELTA_ASSIGN_OR_RAISE(result, ops::WriteTable(table, *input, o));
    const double t = Now() - t0;
    const double cpu = CpuNow() - c0;
    if (run > 0) {
      best = std::min(best, t);
      best_cpu = std::min(best_cpu, cpu);
    }
  }
  if (result.rows != args.rows || result.files_added < args.partitions) {
    return Status::Internal(fmt::format("wrote {} rows in {} files, expected {} rows in at least {} files", result.rows,
                                        result.files_added, args.rows, args.partitions));
  }
  std::error_code ec;
  std::filesystem::remove_all(table, ec);
  fmt::print("{{\"rows\":{},\"partitions\":{},\"threads\":{},\"seconds\":{:.6f},\"cpu_seconds\":{:.6f},\"files\":{},"
             "\"bytes\":{},\"peak_rss\":{}}}\n",
             args.rows, args.partitions, args.threads, best, best_cpu, result.files_added, result.bytes, PeakRss());
  return Status::OK();
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

Status RunAppends(const Args& args) {
  if (args.positional.size() != 1) return Status::InvalidArgument("usage: delta_write appends TABLE [--count N]");
  const std::string& table = args.positional[0];
  std::error_code ec;
  std::filesystem::remove_all(table, ec);
  auto schema = AppendSchema();
  ops::CreateOptions co;
  co.schema = schema;
  DELTA_RETURN_NOT_OK(ops::CreateTable(table, co).status());

  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(args.count));
  std::vector<double> checkpoint_ms;
  for (int n = 0; n < args.count; ++n) {
    // The row is built outside the timing: the append is what is measured.
    DELTA_ASSIGN_OR_RAISE(auto b, columnar::RecordBatchBuilder::Make(schema));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int64Builder>(0)->Append(n));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(1)->Append(n % 100));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::DoubleBuilder>(2)->Append(n / 4.0));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::StringBuilder>(3)->Append(fmt::format("s{}", n)));
    DELTA_ASSIGN_OR_RAISE(auto batch, b->Finish());
    auto input = columnar::MakeRecordBatchReader(schema, {batch});
    ops::WriteOptions o;
    o.mode = ops::SaveMode::kAppend;
    const double t0 = Now();
    DELTA_ASSIGN_OR_RAISE(auto r, ops::WriteTable(table, *input, o));
    const double t = (Now() - t0) * 1000.0;
    ms.push_back(t);
    if (r.version % 10 == 0) checkpoint_ms.push_back(t);
    if (r.version != n + 1) return Status::Internal(fmt::format("append {} committed version {}", n, r.version));
  }
  int checkpoints = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(table) / "_delta_log")) {
    if (e.path().filename().string().find(".checkpoint.") != std::string::npos) ++checkpoints;
  }
  double sum = 0;
  for (double t : ms) sum += t;
  // Latency growth with the table's size: the first and the last tenth of the appends.
  const size_t tenth = std::max<size_t>(1, ms.size() / 10);
  const double p50_first = Percentile(std::vector<double>(ms.begin(), ms.begin() + tenth), 0.5);
  const double p50_last = Percentile(std::vector<double>(ms.end() - tenth, ms.end()), 0.5);
  fmt::print(
      "{{\"appends\":{},\"p50_ms\":{:.3f},\"p95_ms\":{:.3f},\"p99_ms\":{:.3f},\"max_ms\":{:.3f},\"mean_ms\":{:.3f},"
      "\"p50_first_tenth_ms\":{:.3f},\"p50_last_tenth_ms\":{:.3f},"
      "\"checkpoint_commit_p50_ms\":{:.3f},\"checkpoints\":{},\"peak_rss\":{}}}\n",
      args.count, Percentile(ms, 0.5), Percentile(ms, 0.95), Percentile(ms, 0.99), Percentile(ms, 1.0),
      sum / static_cast<double>(ms.size()), p50_first, p50_last, checkpoint_ms.empty() ? 0.0 : Percentile(checkpoint_ms, 0.5), checkpoints,
      PeakRss());
  return Status::OK();
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: delta_write bulk IN TABLE [--runs R] [--threads N] [--stream]\n"
                 "       delta_write partitioned TABLE [--rows N] [--partitions P] [--runs R] [--threads N]\n"
                 "       delta_write appends TABLE [--count N]\n");
    return 2;
  }
  auto args = ParseArgs(argc, argv);
  if (!args.ok()) {
    std::fprintf(stderr, "delta_write: %s\n", args.status().ToString().c_str());
    return 2;
  }
  std::string cmd = argv[1];
  Status st;
  if (cmd == "bulk") {
    st = RunBulk(*args);
  } else if (cmd == "partitioned") {
    st = RunPartitioned(*args);
  } else if (cmd == "appends") {
    st = RunAppends(*args);
  } else {
    std::fprintf(stderr, "delta_write: unknown command %s\n", cmd.c_str());
    return 2;
  }
  if (!st.ok()) {
    std::fprintf(stderr, "delta_write: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace delta::bench

int main(int argc, char** argv) {
  // As in parquet_bench: keep freed memory in the process (DuckDB, measured alongside, ships its
  // own allocator). The library itself never tunes malloc.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  return delta::bench::Main(argc, argv);
}

// A writer process for the crash-recovery test: appends small batches to one Delta table through
// ops::WriteTable in a loop until it is killed. Every append holds kRowsPerAppend rows that carry
// a unique (writer, seq, i) id. After WriteTable returns a committed result for seq, the line
// "<writer> <seq> <version>" is appended to a side log and fsync'ed; so every logged seq must be
// in the table, and a seq may be in the table without a log line (killed between the commit and
// the log write).
//
//   crash_writer create TABLE                     creates the table (delta.checkpointInterval=2)
//   crash_writer append TABLE LOG WRITER [MAX]    appends seq 0, 1, ... (at most MAX) until killed
//
// The table is partitioned by `part` (seq % 3) so appends create hive directories as well.
// Exit status 0 after MAX appends; prints the first error and exits 1 otherwise.
// Thread-safety: a single-threaded program.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/columnar/builder.h"
#include "delta/ops/create.h"
#include "delta/ops/write.h"
#include "delta/util/macros.h"

namespace {

using namespace delta;  // NOLINT

constexpr int kRowsPerAppend = 4;

columnar::SchemaPtr RowSchema() {
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("writer", columnar::Int32(), /*nullable=*/false),
      columnar::MakeField("seq", columnar::Int64(), /*nullable=*/false),
      columnar::MakeField("i", columnar::Int32(), /*nullable=*/false),
      columnar::MakeField("payload", columnar::Utf8()),
      columnar::MakeField("part", columnar::Utf8()),
  });
}

Status Create(const std::string& uri) {
  ops::CreateOptions o;
  o.schema = RowSchema();
  o.partition_by = {"part"};
  // A checkpoint after every second commit, so that many kills land while one is being written.
  o.configuration = {{"delta.checkpointInterval", "2"}};
  o.name = "crash_test";
  return ops::CreateTable(uri, o).status();
}

Result<columnar::RecordBatchPtr> MakeBatch(int32_t writer, int64_t seq) {
  auto schema = RowSchema();
  DELTA_ASSIGN_OR_RAISE(auto b, columnar::RecordBatchBuilder::Make(schema));
  std::string part = std::to_string(seq % 3);
  for (int i = 0; i < kRowsPerAppend; ++i) {
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(0)->Append(writer));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int64Builder>(1)->Append(seq));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(2)->Append(i));
    // A few hundred bytes per row, so data files are not trivially small.
    std::string payload = fmt::format("w{}-s{}-i{}-", writer, seq, i);
    payload.append(static_cast<size_t>(100 + (seq * 37 + i) % 200), static_cast<char>('a' + (seq + i) % 26));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::StringBuilder>(3)->Append(payload));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::StringBuilder>(4)->Append(part));
  }
  return b->Finish();
}

// Appends one line to the side log and makes it durable before returning.
Status LogCommitted(int fd, int32_t writer, int64_t seq, int64_t version) {
  std::string line = fmt::format("{} {} {}\n", writer, seq, version);
  ssize_t n = ::write(fd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size())) return Status::IOError("short write to the commit log");
  if (::fsync(fd) != 0) return Status::IOError("fsync of the commit log failed");
  return Status::OK();
}

Status Append(const std::string& uri, const std::string& log_path, int32_t writer, int64_t max_seq) {
  int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError(fmt::format("cannot open {}", log_path));
  auto schema = RowSchema();
  ops::WriteOptions opts;
  opts.mode = ops::SaveMode::kAppend;
  opts.transaction.engine_info = "deltacpp-crash-writer";
  for (int64_t seq = 0; max_seq < 0 || seq < max_seq; ++seq) {
    DELTA_ASSIGN_OR_RAISE(auto batch, MakeBatch(writer, seq));
    auto reader = columnar::MakeRecordBatchReader(schema, {batch});
    auto r = ops::WriteTable(uri, *reader, opts);
    if (!r.ok()) {
      ::close(fd);
      return r.status().WithContext(fmt::format("writer {} seq {}", writer, seq));
    }
    if (r->status != txn::CommitStatus::kCommitted) {
      ::close(fd);
      return Status::Internal(fmt::format("writer {} seq {}: write was skipped", writer, seq));
    }
    DELTA_RETURN_NOT_OK(LogCommitted(fd, writer, seq, r->version));
  }
  ::close(fd);
  return Status::OK();
}

int Usage() {
  std::fprintf(stderr, "usage: crash_writer create TABLE | crash_writer append TABLE LOG WRITER [MAX]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Usage();
  std::string cmd = argv[1];
  Status st;
  if (cmd == "create" && argc == 3) {
    st = Create(argv[2]);
  } else if (cmd == "append" && (argc == 5 || argc == 6)) {
    st = Append(argv[2], argv[3], std::atoi(argv[4]), argc == 6 ? std::atoll(argv[5]) : -1);
  } else {
    return Usage();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "crash_writer: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

// Writer and checker processes for the overwrite-vs-append race test (run_races.sh). The table
// has rows (part string, writer int32, seq int32), partitioned by part (a, b, c, d).
//
//   race_writer create TABLE ISOLATION           new empty table, delta.isolationLevel=ISOLATION
//   race_writer append TABLE WRITER N            N appends of one row (part a..d by turn) through
//                                                ops::WriteTable
//   race_writer overwrite TABLE WRITER N PRED PART
//                                                N overwrites with replaceWhere PRED, each writing
//                                                the one row (PART, WRITER, seq)
//   race_writer check TABLE OUTPUT...            checks the log against the writers' outputs (Check)
//
// Writers print one line per attempt to stdout: "committed WRITER SEQ VERSION" or
// "conflict WRITER SEQ"; a CommitConflict is an expected outcome of a race, any other error
// fails the process (exit 1).
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/ops/write.h"
#include "delta/protocol/actions.h"
#include "delta/scan/scan.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"

namespace {

using namespace delta;  // NOLINT

const char* kParts[] = {"a", "b", "c", "d"};

columnar::SchemaPtr RowSchema() {
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("part", columnar::Utf8()), columnar::MakeField("writer", columnar::Int32()),
      columnar::MakeField("seq", columnar::Int32())});
}

Result<std::shared_ptr<columnar::RecordBatchReader>> OneRow(const std::string& part, int32_t writer, int32_t seq) {
  auto schema = RowSchema();
  DELTA_ASSIGN_OR_RAISE(auto b, columnar::RecordBatchBuilder::Make(schema));
  if (!part.empty()) {
    DELTA_RETURN_NOT_OK(b->field_as<columnar::BinaryBuilder>(0)->Append(part));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(1)->Append(writer));
    DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(2)->Append(seq));
  }
  DELTA_ASSIGN_OR_RAISE(auto batch, b->Finish());
  return columnar::MakeRecordBatchReader(schema, {batch});
}

ops::WriteOptions Options(ops::SaveMode mode) {
  ops::WriteOptions o;
  o.mode = mode;
  o.partition_by = {"part"};
  o.transaction.engine_info = "deltacpp-race-writer";
  o.transaction.max_attempts = 100;  // retryable races (append vs append) must all land
  o.transaction.backoff_base = std::chrono::milliseconds(2);
  o.transaction.backoff_max = std::chrono::milliseconds(50);
  return o;
}

Status Create(const std::string& uri, const std::string& isolation) {
  auto o = Options(ops::SaveMode::kErrorIfExists);
  o.configuration["delta.isolationLevel"] = isolation;
  DELTA_ASSIGN_OR_RAISE(auto empty, OneRow("", 0, 0));
  return ops::WriteTable(uri, *empty, o).status();
}

// One write; a CommitConflict is reported and is not an error.
Status WriteOne(const std::string& uri, ops::WriteOptions o, const std::string& part, int32_t writer, int32_t seq) {
  DELTA_ASSIGN_OR_RAISE(auto in, OneRow(part, writer, seq));
  auto r = ops::WriteTable(uri, *in, o);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kCommitConflict) {
      std::printf("conflict %d %d\n", writer, seq);
      std::fflush(stdout);
      return Status::OK();
    }
    return r.status().WithContext(fmt::format("writer {} seq {}", writer, seq));
  }
  if (r->status != txn::CommitStatus::kCommitted) return Status::Internal("write was skipped");
  std::printf("committed %d %d %lld\n", writer, seq, static_cast<long long>(r->version));
  std::fflush(stdout);
  return Status::OK();
}

// Each row's identity as text.
std::string RowKey(int32_t writer, int32_t seq) { return fmt::format("{}/{}", writer, seq); }

// Rows of the table at `version` (duplicates kept).
Result<std::vector<std::string>> ReadRows(const std::string& uri, int64_t version) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(uri));
  table::SnapshotOptions so;
  so.version = version;
  DELTA_ASSIGN_OR_RAISE(auto snap, t->GetSnapshot(so));
  DELTA_ASSIGN_OR_RAISE(auto scan, scan::ScanBuilder(snap).WithColumns({"part", "writer", "seq"}).Build());
  DELTA_ASSIGN_OR_RAISE(auto reader, scan->Execute());
  std::vector<std::string> out;
  while (true) {
    DELTA_ASSIGN_OR_RAISE(auto b, reader->Next());
    if (!b) break;
    for (int64_t i = 0; i < b->num_rows; ++i) {
      out.push_back(RowKey(b->columns[1]->values<int32_t>()[i], b->columns[2]->values<int32_t>()[i]));
    }
  }
  return out;
}

// Checks the whole history:
//  - versions 0..latest are contiguous and every one opens and reads without duplicate rows;
//  - every file added is either live at the latest version or removed by a later commit whose
//    readVersion is at least the version that added it (the remover read it: nothing committed
//    was removed blindly, the bug class of delta-rs #3622);
//  - each version reads exactly one row per live file (every write adds one one-row file);
//  - per the writers' reports (`outputs`): a write reported committed at version V has its row
//    at V; a write reported as a conflict has its row in no version.
// Prints "checked V versions, ..." and fails with the first violation.
Status Check(const std::string& uri, const std::vector<std::string>& outputs) {
  DELTA_ASSIGN_OR_RAISE(auto t, table::Table::Open(uri));
  DELTA_ASSIGN_OR_RAISE(auto latest, t->GetSnapshot());
  const int64_t last = latest->version();
  struct FileInfo {
    int64_t added = -1;
    int64_t removed = -1;
  };
  std::map<std::string, FileInfo> files;
  int appends = 0, overwrites = 0;
  std::set<std::string> prev_rows;
  std::vector<std::set<std::string>> rows_at;
  for (int64_t v = 0; v <= last; ++v) {
    std::string path = fmt::format("{}/_delta_log/{:020d}.json", uri, v);
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::CorruptData(fmt::format("version {} is missing: {}", v, path));
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    DELTA_ASSIGN_OR_RAISE(auto actions, protocol::ParseJsonActions(text, path));
    std::optional<int64_t> read_version;
    std::string op_mode;
    {
      // The action parser keeps only some commitInfo fields; readVersion is read from the text.
      size_t p = text.find("\"readVersion\":");
      if (p != std::string::npos) read_version = std::strtoll(text.c_str() + p + 14, nullptr, 10);
    }
    if (text.find(R"("mode":"Overwrite")") != std::string::npos) op_mode = "Overwrite";
    for (const auto& a : actions) {
      if (const auto* add = std::get_if<protocol::Add>(&a)) {
        if (files.count(add->path)) return Status::CorruptData(fmt::format("version {} adds {} again", v, add->path));
        files[add->path].added = v;
      } else if (const auto* rm = std::get_if<protocol::Remove>(&a)) {
        auto it = files.find(rm->path);
        if (it == files.end() || it->second.removed >= 0) {
          return Status::CorruptData(fmt::format("version {} removes {}, which is not live", v, rm->path));
        }
        if (!read_version || *read_version < it->second.added) {
          return Status::CorruptData(fmt::format(
              "version {} (readVersion {}) removes {} added at version {}, which it never read: a committed row "
              "was lost",
              v, read_version ? std::to_string(*read_version) : "none", rm->path, it->second.added));
        }
        it->second.removed = v;
      }
    }
    if (v > 0) (op_mode.find("Overwrite") != std::string::npos ? overwrites : appends)++;
    DELTA_ASSIGN_OR_RAISE(auto rows, ReadRows(uri, v));
    std::set<std::string> row_set(rows.begin(), rows.end());
    if (row_set.size() != rows.size()) return Status::CorruptData(fmt::format("version {} has duplicate rows", v));
    size_t live = 0;
    for (const auto& [p, info] : files) live += info.removed < 0 ? 1 : 0;
    if (live != rows.size()) {
      return Status::CorruptData(fmt::format("version {} reads {} rows from {} live one-row files", v, rows.size(), live));
    }
    rows_at.push_back(row_set);
    prev_rows = std::move(row_set);
  }
  int reported_commits = 0, reported_conflicts = 0;
  for (const auto& out : outputs) {
    std::ifstream in(out);
    std::string kind;
    int32_t writer, seq;
    while (in >> kind >> writer >> seq) {
      const std::string key = RowKey(writer, seq);
      if (kind == "committed") {
        long long v;
        if (!(in >> v) || v < 1 || v > last) return Status::CorruptData(fmt::format("{}: bad committed line", out));
        if (!rows_at[static_cast<size_t>(v)].count(key)) {
          return Status::CorruptData(fmt::format("writer {} seq {} reported committed at {}, but its row is not there",
                                                 writer, seq, v));
        }
        ++reported_commits;
      } else if (kind == "conflict") {
        for (int64_t v = 0; v <= last; ++v) {
          if (rows_at[static_cast<size_t>(v)].count(key)) {
            return Status::CorruptData(
                fmt::format("writer {} seq {} got CommitConflict, but its row is in version {}", writer, seq, v));
          }
        }
        ++reported_conflicts;
      } else {
        return Status::CorruptData(fmt::format("{}: unexpected line '{}'", out, kind));
      }
    }
  }
  if (reported_commits != last) {
    return Status::CorruptData(fmt::format("the writers reported {} commits, the log has {}", reported_commits, last));
  }
  std::printf("checked %lld versions (%d appends, %d overwrites, %d conflicts reported), %zu live rows\n",
              static_cast<long long>(last + 1), appends, overwrites, reported_conflicts, prev_rows.size());
  return Status::OK();
}

int Usage() {
  std::fprintf(stderr,
               "usage: race_writer create TABLE ISOLATION | append TABLE WRITER N |"
               " overwrite TABLE WRITER N PRED PART | check TABLE OUTPUT...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Usage();
  std::string cmd = argv[1];
  std::string uri = argv[2];
  Status st;
  if (cmd == "create" && argc == 4) {
    st = Create(uri, argv[3]);
  } else if (cmd == "append" && argc == 5) {
    int32_t writer = std::atoi(argv[3]), n = std::atoi(argv[4]);
    for (int32_t seq = 0; seq < n && st.ok(); ++seq) {
      st = WriteOne(uri, Options(ops::SaveMode::kAppend), kParts[(writer + seq) % 4], writer, seq);
    }
  } else if (cmd == "overwrite" && argc == 7) {
    int32_t writer = std::atoi(argv[3]), n = std::atoi(argv[4]);
    auto o = Options(ops::SaveMode::kOverwrite);
    o.replace_where = argv[5];
    for (int32_t seq = 0; seq < n && st.ok(); ++seq) st = WriteOne(uri, o, argv[6], writer, seq);
  } else if (cmd == "check") {
    st = Check(uri, std::vector<std::string>(argv + 3, argv + argc));
  } else {
    return Usage();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "race_writer %s: %s\n", cmd.c_str(), st.ToString().c_str());
    return 1;
  }
  return 0;
}

// A writer process for the multi-process concurrency test: appends N one-row commits to one
// Delta table, each row (writer, seq), each commit a blind append of one tiny Parquet file
// through Transaction (put-if-absent, conflict check, retry). Several of these run at once
// against the same table; the test script then checks the log and the rows.
//
//   concurrent_writer create TABLE            creates the (empty) table at version 0
//   concurrent_writer append TABLE WRITER N   appends rows (WRITER, 0..N-1), one commit each
//
// Exit status 0 when every commit landed; prints the first error and exits 1 otherwise.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/protocol/actions.h"
#include "delta/schema/schema_json.h"
#include "delta/storage/uri.h"
#include "delta/table/table.h"
#include "delta/txn/transaction.h"
#include "delta/util/macros.h"

namespace {

using namespace delta;  // NOLINT

columnar::SchemaPtr RowSchema() {
  return std::make_shared<columnar::Schema>(std::vector<columnar::FieldPtr>{
      columnar::MakeField("writer", columnar::Int32()),
      columnar::MakeField("seq", columnar::Int32()),
  });
}

Status Create(const std::string& uri) {
  DELTA_ASSIGN_OR_RAISE(auto root, storage::ResolveUri(uri));
  DELTA_ASSIGN_OR_RAISE(auto txn, txn::Transaction::BeginCreate(root));
  protocol::Metadata m;
  m.id = fmt::format("00000000-0000-4000-8000-{:012x}", static_cast<uint64_t>(getpid()));
  m.schema_string = schema::SchemaToJson(*RowSchema());
  m.created_time = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  txn->UpdateProtocol(protocol::Protocol{1, 2, std::nullopt, std::nullopt});
  txn->UpdateMetadata(std::move(m));
  return txn->Commit().status();
}

// Writes the one-row data file of (writer, seq) and returns its add action.
Result<protocol::Add> WriteRow(const storage::Location& root, int32_t writer, int32_t seq) {
  auto schema = RowSchema();
  DELTA_ASSIGN_OR_RAISE(auto b, columnar::RecordBatchBuilder::Make(schema));
  DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(0)->Append(writer));
  DELTA_RETURN_NOT_OK(b->field_as<columnar::Int32Builder>(1)->Append(seq));
  DELTA_ASSIGN_OR_RAISE(auto batch, b->Finish());
  std::string name = fmt::format("w{}-s{}-p{}.parquet", writer, seq, getpid());
  std::string key = root.Child(name).key;
  DELTA_ASSIGN_OR_RAISE(auto out, root.store->OpenWrite(key));
  DELTA_ASSIGN_OR_RAISE(auto fw, parquet::FileWriter::Open(std::move(out), schema));
  DELTA_RETURN_NOT_OK(fw->WriteBatch(*batch));
  DELTA_RETURN_NOT_OK(fw->Close());
  DELTA_ASSIGN_OR_RAISE(auto meta, root.store->Head(key));
  protocol::Add add;
  add.path = name;
  add.size = meta.size;
  add.modification_time = meta.last_modified_ms;
  add.data_change = true;
  add.stats = R"({"numRecords":1})";
  return add;
}

Status Append(const std::string& uri, int32_t writer, int32_t n) {
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(uri));
  table::SnapshotOptions so;
  so.with_stats = false;  // a blind append reads nothing
  DELTA_ASSIGN_OR_RAISE(auto snap, table->GetSnapshot(so));
  txn::TransactionOptions opts;
  opts.engine_info = "deltacpp-concurrent-writer";
  opts.max_attempts = 200;  // eight writers on two cores: many lost races, all retryable
  opts.backoff_base = std::chrono::milliseconds(2);
  opts.backoff_max = std::chrono::milliseconds(100);
  int retries = 0;
  for (int32_t seq = 0; seq < n; ++seq) {
    DELTA_ASSIGN_OR_RAISE(auto add, WriteRow(table->location(), writer, seq));
    DELTA_ASSIGN_OR_RAISE(snap, snap->Refresh());
    DELTA_ASSIGN_OR_RAISE(auto t, txn::Transaction::Begin(snap, opts));
    t->SetBlindAppend(true);
    t->SetOperation("WRITE", {{"mode", "\"Append\""}});
    t->AddFiles({std::move(add)});
    auto r = t->Commit();
    if (!r.ok()) return r.status().WithContext(fmt::format("writer {} seq {}", writer, seq));
    if (r->status != txn::CommitStatus::kCommitted) {
      return Status::Internal(fmt::format("writer {} seq {}: commit was skipped", writer, seq));
    }
    retries += r->attempts - 1;
  }
  std::fprintf(stderr, "writer %d: %d commits, %d retries\n", writer, n, retries);
  return Status::OK();
}

int Usage() {
  std::fprintf(stderr, "usage: concurrent_writer create TABLE | concurrent_writer append TABLE WRITER N\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Usage();
  std::string cmd = argv[1];
  Status st;
  if (cmd == "create" && argc == 3) {
    st = Create(argv[2]);
  } else if (cmd == "append" && argc == 5) {
    st = Append(argv[2], std::atoi(argv[3]), std::atoi(argv[4]));
  } else {
    return Usage();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "concurrent_writer: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

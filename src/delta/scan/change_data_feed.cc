#include "delta/scan/change_data_feed.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "delta/columnar/builder.h"
#include "delta/columnar/scalar.h"
#include "delta/log/log_segment.h"
#include "delta/scan/scan.h"
#include "delta/schema/schema_json.h"
#include "delta/schema/type_widening.h"
#include "delta/storage/path.h"
#include "delta/util/macros.h"

namespace delta::scan {

namespace p = delta::protocol;
using columnar::ArrayPtr;
using columnar::RecordBatch;
using columnar::RecordBatchPtr;
using columnar::SchemaPtr;

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// PROTOCOL.md "Writer Requirements for Change Data Feed": change data is only guaranteed while
// delta.enableChangeDataFeed is true (the property is a boolean; Spark accepts any case).
bool CdfEnabled(const p::StringMap& configuration) {
  auto it = configuration.find("delta.enableChangeDataFeed");
  return it != configuration.end() && EqualsIgnoreCase(it->second, "true");
}

Status CheckCdfEnabled(const p::StringMap& configuration, int64_t version, const std::string& table_uri) {
  if (CdfEnabled(configuration)) return Status::OK();
  return Status::Unsupported(fmt::format(
      "change data feed is not enabled at version {} of {} (table property delta.enableChangeDataFeed is not 'true')",
      version, table_uri));
}

// Rows written under `older` are returned in the end version's schema, so every column of
// `older` must still be there (same name) with the same type or a type widening of it, and must
// not have become non-nullable (its old rows may hold nulls). New columns read as nulls, so they
// must be nullable. This is the "can read as" rule of delta-kernel-rs, stated for top-level
// columns; nested types must be equal or widenable as a whole.
Status CheckReadableAs(const columnar::Schema& older, const columnar::Schema& end, int64_t version,
                       int64_t end_version) {
  std::vector<bool> matched(static_cast<size_t>(end.num_fields()), false);
  for (const auto& f : older.fields()) {
    int idx = -1;
    for (int i = 0; i < end.num_fields(); ++i) {
      if (EqualsIgnoreCase(end.field(i)->name, f->name)) {
        idx = i;
        break;
      }
    }
    if (idx < 0) {
      return Status::Unsupported(fmt::format(
          "change data feed: column '{}' of the schema at version {} is not in the schema of end version {} "
          "(dropped or renamed); read a range that does not cross the schema change",
          f->name, version, end_version));
    }
    matched[static_cast<size_t>(idx)] = true;
    const columnar::Field& e = *end.field(idx);
    if (!f->type->Equals(*e.type) && !schema::IsWideningAllowed(*f->type, *e.type)) {
      return Status::Unsupported(fmt::format(
          "change data feed: column '{}' is {} at version {} but {} at end version {}", f->name,
          f->type->ToString(), version, e.type->ToString(), end_version));
    }
    if (f->nullable && !e.nullable) {
      return Status::Unsupported(fmt::format(
          "change data feed: column '{}' is nullable at version {} but not at end version {} (nullability tightened)",
          f->name, version, end_version));
    }
  }
  for (int i = 0; i < end.num_fields(); ++i) {
    if (!matched[static_cast<size_t>(i)] && !end.field(i)->nullable) {
      return Status::Unsupported(fmt::format(
          "change data feed: non-nullable column '{}' of end version {} does not exist at version {}",
          end.field(i)->name, end_version, version));
    }
  }
  return Status::OK();
}

p::Add AddFromRemove(const p::Remove& r) {
  p::Add a;
  a.path = r.path;
  a.partition_values = r.partition_values;
  a.size = r.size.value_or(0);
  a.data_change = r.data_change;
  a.deletion_vector = r.deletion_vector;
  return a;
}

p::Add AddFromCdc(const p::AddCdcFile& c) {
  p::Add a;
  a.path = c.path;
  a.partition_values = c.partition_values;
  a.size = c.size;
  a.data_change = c.data_change;
  return a;
}

// Resolves the file actions of one commit into change files (rules in the header; the
// deletion-vector pairing follows delta-kernel-rs table_changes).
Status ResolveCommit(std::vector<p::Action>& actions, int64_t version, int64_t timestamp_ms, bool partitioned,
                     std::vector<ChangeFile>* out) {
  bool has_cdc = false;
  for (const auto& a : actions) {
    if (std::holds_alternative<p::AddCdcFile>(a)) {
      has_cdc = true;
      break;
    }
  }
  auto make = [&](std::string change_type, p::Add file) {
    ChangeFile cf;
    cf.commit_version = version;
    cf.commit_timestamp_ms = timestamp_ms;
    cf.change_type = std::move(change_type);
    cf.file = std::move(file);
    return cf;
  };
  if (has_cdc) {
    // PROTOCOL.md "Change Data Files": when a commit has cdc actions they hold all its changes;
    // its add/remove actions must not be read as changes.
    for (auto& a : actions) {
      if (auto* c = std::get_if<p::AddCdcFile>(&a)) out->push_back(make("", AddFromCdc(*c)));
    }
    return Status::OK();
  }
  std::unordered_map<std::string, const p::Remove*> removes;
  std::unordered_set<std::string> add_paths;
  for (const auto& a : actions) {
    if (auto* add = std::get_if<p::Add>(&a)) {
      if (add->data_change) add_paths.insert(add->path);
    } else if (auto* rm = std::get_if<p::Remove>(&a)) {
      if (rm->data_change) removes[rm->path] = rm;
    }
  }
  for (const auto& a : actions) {
    const auto* rm = std::get_if<p::Remove>(&a);
    if (!rm || !rm->data_change || add_paths.count(rm->path)) continue;
    if (partitioned && rm->partition_values.empty()) {
      return Status::Unsupported(fmt::format(
          "change data feed: remove of {} in version {} has no partitionValues (no extended file metadata), so the "
          "deleted rows cannot be given their partition values",
          rm->path, version));
    }
    out->push_back(make("delete", AddFromRemove(*rm)));
  }
  for (auto& a : actions) {
    auto* add = std::get_if<p::Add>(&a);
    if (!add || !add->data_change) continue;
    auto it = removes.find(add->path);
    if (it == removes.end()) {
      out->push_back(make("insert", std::move(*add)));
      continue;
    }
    // The same file removed and re-added in one commit: only its deletion vector changed.
    // Rows deleted by the new DV and not the old are deletes; rows deleted by the old DV and not
    // the new (restored) are inserts.
    const auto& old_dv = it->second->deletion_vector;
    const auto& new_dv = add->deletion_vector;
    if (old_dv && new_dv && old_dv->UniqueId() == new_dv->UniqueId()) continue;
    p::Add file = *add;
    file.deletion_vector.reset();
    if (new_dv && new_dv->cardinality > 0) {
      ChangeFile cf = make("delete", file);
      cf.selection = ChangeRowSelection::kDvChanges;
      cf.rows_in = new_dv;
      cf.rows_not_in = old_dv;
      out->push_back(std::move(cf));
    }
    if (old_dv && old_dv->cardinality > 0) {
      ChangeFile cf = make("insert", file);
      cf.selection = ChangeRowSelection::kDvChanges;
      cf.rows_in = old_dv;
      cf.rows_not_in = new_dv;
      out->push_back(std::move(cf));
    }
  }
  return Status::OK();
}

}  // namespace

Result<ChangeDataFeedPlan> PlanChangeDataFeed(const std::shared_ptr<table::Table>& table,
                                              const ChangeDataFeedOptions& options) {
  if (!table) return Status::InvalidArgument("change data feed without a table");
  const int64_t start = options.start_version;
  if (start < 0) return Status::InvalidArgument(fmt::format("change data feed start version {} is negative", start));
  storage::Location log_root = table->location().Child("_delta_log");
  DELTA_ASSIGN_OR_RAISE(auto commits, log::ListAllCommits(log_root));
  if (commits.empty()) {
    // An absent table (NotFound from the segment) or a checkpoint-only log.
    DELTA_ASSIGN_OR_RAISE(auto seg, log::BuildLogSegment(table->location()));
    (void)seg;
    return Status::NotFound(fmt::format("no commit files in {}: the change data feed needs them", log_root.uri()));
  }
  const int64_t latest = commits.back().version;
  if (start > latest) {
    return Status::InvalidArgument(fmt::format(
        "change data feed start version {} is beyond the latest version {} of {}", start, latest, table->uri()));
  }
  const int64_t end = options.end_version.value_or(latest);
  if (end > latest) {
    return Status::InvalidArgument(fmt::format(
        "change data feed end version {} is beyond the latest version {} of {}", end, latest, table->uri()));
  }
  if (start > end) {
    return Status::InvalidArgument(
        fmt::format("change data feed start version {} is after the end version {}", start, end));
  }
  std::vector<log::LogFile> range;
  for (const auto& c : commits) {
    if (c.version >= start && c.version <= end) range.push_back(c);
  }
  for (int64_t v = start, i = 0; v <= end; ++v, ++i) {
    if (static_cast<size_t>(i) >= range.size() || range[static_cast<size_t>(i)].version != v) {
      return Status::NotFound(fmt::format("change data feed: commit {} is no longer in {} (log cleaned up)", v,
                                          log_root.uri()));
    }
  }

  table::SnapshotOptions so;
  so.with_stats = false;
  so.version = end;
  DELTA_ASSIGN_OR_RAISE(auto end_snap, table->GetSnapshot(so));
  DELTA_RETURN_NOT_OK(end_snap->CheckReadSupported());
  table::SnapshotPtr start_snap = end_snap;
  if (start != end) {
    so.version = start;
    DELTA_ASSIGN_OR_RAISE(start_snap, table->GetSnapshot(so));
  }
  // Fail early on the range's ends (as delta-kernel-rs does); metadata changes inside the range
  // are checked commit by commit below.
  DELTA_RETURN_NOT_OK(CheckCdfEnabled(start_snap->configuration(), start, table->uri()));
  DELTA_RETURN_NOT_OK(CheckCdfEnabled(end_snap->configuration(), end, table->uri()));
  const columnar::Schema& end_schema = *end_snap->schema();
  DELTA_RETURN_NOT_OK(CheckReadableAs(*start_snap->schema(), end_schema, start, end));

  ChangeDataFeedPlan plan;
  plan.end_snapshot = end_snap;
  plan.start_version = start;
  plan.end_version = end;
  const bool partitioned = !end_snap->partition_columns().empty();
  p::ParseOptions po;
  po.keep_stats = false;
  for (const auto& c : range) {
    storage::Location loc{log_root.store, c.meta.key};
    DELTA_ASSIGN_OR_RAISE(auto buf, loc.store->Get(loc.key));
    DELTA_ASSIGN_OR_RAISE(auto actions, p::ParseJsonActions(std::string_view(reinterpret_cast<const char*>(buf->data()),
                                                                             static_cast<size_t>(buf->size())),
                                                            loc.uri(), po));
    // PROTOCOL.md "In-Commit Timestamps": the commit's timestamp is inCommitTimestamp of its
    // commitInfo when the feature is on; otherwise the commit file's modification time.
    int64_t ts = c.meta.last_modified_ms;
    std::optional<int64_t> ict;
    for (const auto& a : actions) {
      if (const auto* md = std::get_if<p::Metadata>(&a)) {
        DELTA_RETURN_NOT_OK(CheckCdfEnabled(md->configuration, c.version, table->uri()));
        if (!md->schema_string.empty()) {
          auto schema = schema::ParseSchemaJson(md->schema_string);
          if (!schema.ok()) return schema.status().WithContext(fmt::format("schema of version {}", c.version));
          DELTA_RETURN_NOT_OK(CheckReadableAs(**schema, end_schema, c.version, end));
        }
      } else if (const auto* ci = std::get_if<p::CommitInfo>(&a)) {
        if (ci->in_commit_timestamp) {
          ict = ci->in_commit_timestamp;
        } else if (ci->timestamp && options.timestamp_source == CommitTimestampSource::kCommitInfo) {
          ts = *ci->timestamp;
        }
      }
    }
    if (ict) ts = *ict;
    DELTA_RETURN_NOT_OK(ResolveCommit(actions, c.version, ts, partitioned, &plan.files));
  }
  return plan;
}

namespace {

// Where each output column comes from.
struct OutputColumn {
  enum Kind { kTable, kChangeType, kVersion, kTimestamp } kind = kTable;
  int table_index = 0;  // into the scan's output
};

struct FeedState {
  ChangeDataFeedPlan plan;
  std::shared_ptr<Scan> scan;
  std::vector<OutputColumn> outputs;
  SchemaPtr schema;
  columnar::FieldPtr change_type_field;
};

Result<std::vector<RecordBatchPtr>> ReadChangeFile(const FeedState& st, const ChangeFile& cf) {
  const table::SnapshotPtr& snap = st.plan.end_snapshot;
  ScanFile sf;
  sf.add = &cf.file;
  if (!snap->partition_columns().empty()) {
    DELTA_ASSIGN_OR_RAISE(sf.partition_values, snap->PartitionValues(cf.file));
  }
  ReadFileOptions ro;
  const bool is_cdc = cf.change_type.empty();
  if (is_cdc) ro.extra_file_columns.push_back(st.change_type_field);
  std::optional<dv::DeletedRows> rows_in, rows_not_in;
  if (cf.selection == ChangeRowSelection::kDvChanges) {
    ro.apply_deletion_vector = false;
    if (!cf.rows_in) return Status::Internal("deletion-vector change without a deletion vector");
    DELTA_ASSIGN_OR_RAISE(auto in, LoadDeletionVector(snap->table_root(), *cf.rows_in, cf.file.path));
    rows_in = std::move(in);
    if (cf.rows_not_in) {
      DELTA_ASSIGN_OR_RAISE(auto not_in, LoadDeletionVector(snap->table_root(), *cf.rows_not_in, cf.file.path));
      rows_not_in = std::move(not_in);
    }
    ro.row_mask = [&rows_in, &rows_not_in](int64_t first, int64_t n, uint8_t* keep) -> Status {
      const size_t nbytes = static_cast<size_t>((n + 7) / 8);
      std::vector<uint8_t> not_in_new(nbytes, 0xFF), not_in_old(nbytes, 0xFF);
      rows_in->ClearDeleted(static_cast<uint64_t>(first), n, not_in_new.data());
      if (rows_not_in) rows_not_in->ClearDeleted(static_cast<uint64_t>(first), n, not_in_old.data());
      for (size_t i = 0; i < nbytes; ++i) keep[i] &= static_cast<uint8_t>(~not_in_new[i] & not_in_old[i]);
      return Status::OK();
    };
  }
  auto read = st.scan->ReadFile(sf, ro);
  if (!read.ok()) {
    return read.status().WithContext(fmt::format("change data feed version {}", cf.commit_version));
  }
  const int num_table = st.scan->schema()->num_fields();
  std::vector<RecordBatchPtr> out;
  out.reserve(read->size());
  for (const auto& b : *read) {
    if (b->num_rows == 0) continue;
    const int64_t n = b->num_rows;
    ArrayPtr change_type;
    if (is_cdc) {
      change_type = b->columns[static_cast<size_t>(num_table)];
      if (change_type->GetNullCountConst() != 0) {
        return Status::CorruptData(fmt::format(
            "change data file {} of version {} has rows without a _change_type (missing column or null values)",
            cf.file.path, cf.commit_version));
      }
    }
    auto ob = std::make_shared<RecordBatch>();
    ob->schema = st.schema;
    ob->num_rows = n;
    ob->columns.reserve(st.outputs.size());
    for (const auto& oc : st.outputs) {
      switch (oc.kind) {
        case OutputColumn::kTable:
          ob->columns.push_back(b->columns[static_cast<size_t>(oc.table_index)]);
          break;
        case OutputColumn::kChangeType:
          if (!change_type) {
            DELTA_ASSIGN_OR_RAISE(change_type, columnar::MakeArrayFromScalar(columnar::Scalar::String(cf.change_type), n));
          }
          ob->columns.push_back(change_type);
          break;
        case OutputColumn::kVersion: {
          DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayFromScalar(columnar::Scalar::Int64(cf.commit_version), n));
          ob->columns.push_back(std::move(arr));
          break;
        }
        case OutputColumn::kTimestamp: {
          auto scalar = columnar::Scalar::Int(columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC"),
                                              cf.commit_timestamp_ms * 1000);
          DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayFromScalar(scalar, n));
          ob->columns.push_back(std::move(arr));
          break;
        }
      }
    }
    out.push_back(std::move(ob));
  }
  return out;
}

// Streams the change files in commit order, reading up to files_in_flight ahead.
class ChangeDataFeedReader final : public columnar::RecordBatchReader {
 public:
  ChangeDataFeedReader(std::shared_ptr<const FeedState> state, int in_flight)
      : state_(std::move(state)), in_flight_(std::max(1, in_flight)) {}
  ~ChangeDataFeedReader() override {
    for (auto& f : pending_) {
      if (f.valid()) f.wait();
    }
  }
  SchemaPtr schema() const override { return state_->schema; }

  Result<RecordBatchPtr> Next() override {
    while (true) {
      if (!current_.empty()) {
        RecordBatchPtr b = std::move(current_.front());
        current_.pop_front();
        return b;
      }
      Fill();
      if (pending_.empty()) return RecordBatchPtr();
      auto res = pending_.front().get();
      pending_.pop_front();
      if (!res.ok()) return res.status();
      for (auto& b : *res) current_.push_back(std::move(b));
      Fill();
    }
  }

 private:
  void Fill() {
    const auto& files = state_->plan.files;
    while (pending_.size() < static_cast<size_t>(in_flight_) && next_ < files.size()) {
      const ChangeFile* cf = &files[next_++];
      auto st = state_;
      pending_.push_back(std::async(std::launch::async, [st, cf]() { return ReadChangeFile(*st, *cf); }));
    }
  }

  std::shared_ptr<const FeedState> state_;
  int in_flight_;
  size_t next_ = 0;
  std::deque<std::future<Result<std::vector<RecordBatchPtr>>>> pending_;
  std::deque<RecordBatchPtr> current_;
};

}  // namespace

Result<std::unique_ptr<columnar::RecordBatchReader>> ReadChangeDataFeed(const std::shared_ptr<table::Table>& table,
                                                                        const ChangeDataFeedOptions& options) {
  DELTA_ASSIGN_OR_RAISE(auto plan, PlanChangeDataFeed(table, options));
  auto state = std::make_shared<FeedState>();
  const columnar::Schema& table_schema = *plan.end_snapshot->schema();

  // Split the requested columns into table columns (read through the scan) and change columns.
  std::vector<std::string> table_columns;
  std::vector<std::pair<OutputColumn::Kind, std::string>> requested;
  auto change_kind = [](const std::string& c) -> std::optional<OutputColumn::Kind> {
    if (EqualsIgnoreCase(c, kChangeTypeColumn)) return OutputColumn::kChangeType;
    if (EqualsIgnoreCase(c, kCommitVersionColumn)) return OutputColumn::kVersion;
    if (EqualsIgnoreCase(c, kCommitTimestampColumn)) return OutputColumn::kTimestamp;
    return std::nullopt;
  };
  if (options.columns.empty()) {
    for (const auto& f : table_schema.fields()) {
      table_columns.push_back(f->name);
      requested.emplace_back(OutputColumn::kTable, f->name);
    }
    requested.emplace_back(OutputColumn::kChangeType, kChangeTypeColumn);
    requested.emplace_back(OutputColumn::kVersion, kCommitVersionColumn);
    requested.emplace_back(OutputColumn::kTimestamp, kCommitTimestampColumn);
  } else {
    for (const auto& c : options.columns) {
      // A table column of that name wins over the change column (Delta forbids such names when
      // CDF is enabled, so this only matters for odd tables).
      bool in_table = false;
      for (const auto& f : table_schema.fields()) in_table = in_table || EqualsIgnoreCase(f->name, c);
      auto k = change_kind(c);
      if (k && !in_table) {
        requested.emplace_back(*k, c);
      } else {
        table_columns.push_back(c);
        requested.emplace_back(OutputColumn::kTable, c);
      }
    }
  }
  // A scan needs at least one column; read the first when only change columns are wanted.
  bool table_projection_empty = table_columns.empty();
  if (table_projection_empty && table_schema.num_fields() > 0) table_columns.push_back(table_schema.field(0)->name);
  DELTA_ASSIGN_OR_RAISE(state->scan, ScanBuilder(plan.end_snapshot)
                                         .WithColumns(table_columns)
                                         .WithThreads(options.num_threads)
                                         .Build());
  state->change_type_field = columnar::MakeField(kChangeTypeColumn, columnar::Utf8(), true);
  std::vector<columnar::FieldPtr> fields;
  int next_table = 0;
  for (const auto& [kind, name] : requested) {
    OutputColumn oc;
    oc.kind = kind;
    switch (kind) {
      case OutputColumn::kTable:
        oc.table_index = next_table++;
        fields.push_back(state->scan->schema()->field(oc.table_index));
        break;
      case OutputColumn::kChangeType:
        fields.push_back(columnar::MakeField(kChangeTypeColumn, columnar::Utf8(), false));
        break;
      case OutputColumn::kVersion:
        fields.push_back(columnar::MakeField(kCommitVersionColumn, columnar::Int64(), false));
        break;
      case OutputColumn::kTimestamp:
        fields.push_back(
            columnar::MakeField(kCommitTimestampColumn, columnar::Timestamp(columnar::TimeUnit::kMicro, "UTC"), false));
        break;
    }
    state->outputs.push_back(oc);
  }
  state->schema = std::make_shared<columnar::Schema>(std::move(fields));
  state->plan = std::move(plan);
  return std::unique_ptr<columnar::RecordBatchReader>(new ChangeDataFeedReader(state, options.files_in_flight));
}

}  // namespace delta::scan

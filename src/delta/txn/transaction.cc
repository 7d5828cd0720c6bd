#include "delta/txn/transaction.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <utility>

#include "delta/log/log_segment.h"
#include "delta/protocol/action_json.h"
#include "delta/protocol/table_features.h"
#include "delta/txn/checkpoint.h"
#include "delta/txn/conflict_checker.h"
#include "delta/util/macros.h"

namespace delta::txn {

namespace p = protocol;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng([] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }());
  return rng;
}

// A random (version 4) UUID for commitInfo.txnId.
std::string NewUuid() {
  uint64_t hi = Rng()(), lo = Rng()();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                      // version 4
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);          // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFULL);
}

bool ConfigTrue(const p::Metadata& m, const std::string& key) {
  auto it = m.configuration.find(key);
  if (it == m.configuration.end()) return false;
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  return v == "true";
}

constexpr const char* kEnableIct = "delta.enableInCommitTimestamps";
constexpr const char* kIctEnablementVersion = "delta.inCommitTimestampEnablementVersion";
constexpr const char* kIctEnablementTimestamp = "delta.inCommitTimestampEnablementTimestamp";

// Writer features whose rules only bite when the table uses them: a legacy protocol (writer
// version 2..6) implies them all, but a table without invariants in its schema, CHECK constraints,
// generation expressions or identity columns needs no enforcement (PROTOCOL.md "Column
// Invariants", "CHECK Constraints", "Generated Columns", "Identity Columns").
bool FeatureInUse(std::string_view feature, const p::Metadata& m) {
  auto schema_has = [&](std::string_view key) { return m.schema_string.find(key) != std::string::npos; };
  if (feature == "invariants") return schema_has("delta.invariants");
  if (feature == "generatedColumns") return schema_has("delta.generationExpression");
  if (feature == "identityColumns") return schema_has("delta.identity.");
  if (feature == "checkConstraints") {
    auto it = m.configuration.lower_bound("delta.constraints.");
    return it != m.configuration.end() && it->first.rfind("delta.constraints.", 0) == 0;
  }
  return true;
}

// protocol::CheckWriteSupported, except that features from the list above that the metadata
// does not use are no obstacle. Invariants and CHECK constraints are write-supported: the rows
// are checked by ops::WriteTable (ops/constraints.h); callers committing data through a
// Transaction directly must run ops::ConstraintChecker themselves. Generated columns are
// write-supported the same way: ops::WriteTable computes / checks them (ops/generated_columns.h)
// and direct callers must run ops::GeneratedColumns. Identity columns stay refused while in use.
Status CheckWritable(const p::Protocol& proto, const p::Metadata& meta) {
  Status st = p::CheckWriteSupported(proto);
  if (st.ok() || st.code() != StatusCode::kUnsupported) return st;
  DELTA_RETURN_NOT_OK(p::CheckReadSupported(proto));
  if (proto.min_writer_version > 7) return st;
  std::vector<std::string_view> needed;
  if (proto.min_writer_version == 7) {
    if (proto.writer_features) needed.assign(proto.writer_features->begin(), proto.writer_features->end());
  } else {
    for (const auto& f : p::KnownFeatures()) {
      if (p::IsFeatureEnabled(proto, f.name)) needed.push_back(f.name);
    }
  }
  for (std::string_view name : needed) {
    const p::TableFeature* f = p::FindFeature(name);
    if (f == nullptr) return Status::Unsupported(fmt::format("table requires unknown writer feature '{}'", name));
    if (!f->write_supported && FeatureInUse(name, meta)) {
      return Status::Unsupported(
          fmt::format("table requires writer feature '{}', which this writer does not support", name));
    }
  }
  return Status::OK();
}

}  // namespace

struct Transaction::Impl {
  table::SnapshotPtr read_snapshot;
  storage::Location table_root;
  TransactionOptions options;

  std::vector<p::Add> adds;
  std::vector<p::Remove> removes;
  std::vector<p::AddCdcFile> cdc_files;
  std::optional<p::Metadata> metadata;
  std::optional<p::Protocol> protocol;
  std::vector<p::DomainMetadata> domains;
  // One per application id (an ingest commit carries one per source partition).
  std::vector<p::SetTransaction> app_txns;
  std::string operation = "WRITE";
  std::map<std::string, std::string> operation_parameters;
  std::map<std::string, std::string> operation_metrics;

  expr::ExprPtr read_predicate;
  bool blind_append = false;
  std::optional<IsolationLevel> isolation;
  bool commit_called = false;
  std::string txn_id = NewUuid();

  bool is_create() const { return read_snapshot == nullptr; }
  int64_t read_version() const { return is_create() ? -1 : read_snapshot->version(); }
  const p::Metadata* effective_metadata() const {
    if (metadata) return &*metadata;
    return is_create() ? nullptr : &read_snapshot->metadata();
  }
  const p::Protocol* effective_protocol() const {
    if (protocol) return &*protocol;
    return is_create() ? nullptr : &read_snapshot->protocol();
  }
  IsolationLevel isolation_level() const {
    if (isolation) return *isolation;
    // Table property delta.isolationLevel (Spark accepts "Serializable" / "WriteSerializable").
    if (const p::Metadata* m = effective_metadata()) {
      auto it = m->configuration.find("delta.isolationLevel");
      if (it != m->configuration.end() && it->second == "Serializable") return IsolationLevel::kSerializable;
    }
    return IsolationLevel::kWriteSerializable;
  }
  // A transaction that removes files has read them: it can be blind only while it only adds.
  bool effective_blind() const { return blind_append && removes.empty() && !metadata && !protocol; }

  Status Validate() const;
  p::CommitInfo BuildCommitInfo(std::optional<int64_t> ict) const;
  std::string Serialize(int64_t version, std::optional<int64_t> ict) const;
  void MaybeCheckpoint(int64_t version) const;
};

Status Transaction::Impl::Validate() const {
  // Ours, and Spark's fields of other types than string (its readers would fail on a string).
  static constexpr std::string_view kOwnFields[] = {
      "inCommitTimestamp", "timestamp",     "operation",        "operationParameters", "readVersion",
      "isolationLevel",    "isBlindAppend", "operationMetrics", "engineInfo",          "txnId",
      "version",           "job",           "notebook",         "tags"};
  for (const auto& [k, v] : options.commit_metadata) {
    if (k.empty() || std::find(std::begin(kOwnFields), std::end(kOwnFields), k) != std::end(kOwnFields)) {
      return Status::InvalidArgument(
          fmt::format("commit metadata key '{}' is empty or names a commitInfo field the writer sets itself "
                      "(or one Spark reads as another type than string)",
                      k));
    }
  }
  const p::Protocol* proto = effective_protocol();
  const p::Metadata* meta = effective_metadata();
  if (is_create() && (!protocol || !metadata)) {
    return Status::InvalidArgument("creating a table needs a protocol and a metaData action");
  }
  DELTA_RETURN_NOT_OK(p::ValidateProtocol(*proto));
  DELTA_RETURN_NOT_OK(CheckWritable(*proto, *meta));
  // PROTOCOL.md "Append-only Tables": with delta.appendOnly=true no data may be removed.
  if (ConfigTrue(*meta, "delta.appendOnly")) {
    for (const auto& r : removes) {
      if (r.data_change) {
        return Status::InvalidArgument(
            fmt::format("table is append-only (delta.appendOnly=true): cannot remove data file {}", r.path));
      }
    }
  }
  // PROTOCOL.md "In-Commit Timestamps": the table feature must be supported for the property.
  if (ConfigTrue(*meta, kEnableIct) && !p::IsFeatureEnabled(*proto, "inCommitTimestamp")) {
    return Status::InvalidArgument(
        "delta.enableInCommitTimestamps=true needs the writer feature inCommitTimestamp in the protocol");
  }
  return Status::OK();
}

p::CommitInfo Transaction::Impl::BuildCommitInfo(std::optional<int64_t> ict) const {
  // PROTOCOL.md "Commit Provenance Information": free-form, we write what Spark writes.
  p::CommitInfo ci;
  ci.timestamp = ict ? *ict : NowMs();
  ci.in_commit_timestamp = ict;
  ci.operation = operation;
  ci.operation_parameters = operation_parameters;
  if (!is_create()) ci.read_version = read_version();
  ci.isolation_level = isolation_level() == IsolationLevel::kSerializable ? "Serializable" : "WriteSerializable";
  ci.is_blind_append = effective_blind();
  ci.operation_metrics = operation_metrics;
  ci.engine_info = options.engine_info;
  ci.txn_id = txn_id;
  ci.custom = options.commit_metadata;
  return ci;
}

std::string Transaction::Impl::Serialize(int64_t version, std::optional<int64_t> ict) const {
  std::vector<p::Action> actions;
  actions.reserve(4 + domains.size() + removes.size() + adds.size() + cdc_files.size());
  // Order: commitInfo first (required with in-commit timestamps), then protocol, metaData, txn,
  // domainMetadata, removes, adds, cdc.
  actions.emplace_back(BuildCommitInfo(ict));
  if (protocol) actions.emplace_back(*protocol);
  if (metadata) {
    p::Metadata m = *metadata;
    // Enabling in-commit timestamps on an existing table records where they start
    // (PROTOCOL.md "In-Commit Timestamps", "Recommendations for Enabling").
    bool was_enabled = !is_create() && ConfigTrue(read_snapshot->metadata(), kEnableIct);
    if (ict && !is_create() && !was_enabled && version > 0) {
      m.configuration[kIctEnablementVersion] = std::to_string(version);
      m.configuration[kIctEnablementTimestamp] = std::to_string(*ict);
    }
    actions.emplace_back(std::move(m));
  }
  for (const auto& staged : app_txns) {
    p::SetTransaction t = staged;
    t.last_updated = NowMs();
    actions.emplace_back(std::move(t));
  }
  for (const auto& d : domains) actions.emplace_back(d);
  int64_t now = NowMs();
  for (const auto& r : removes) {
    p::Remove copy = r;
    if (!copy.deletion_timestamp) copy.deletion_timestamp = now;
    actions.emplace_back(std::move(copy));
  }
  for (const auto& a : adds) actions.emplace_back(a);
  for (const auto& c : cdc_files) actions.emplace_back(c);
  return p::ActionsToJson(actions);
}

void Transaction::Impl::MaybeCheckpoint(int64_t version) const {
  if (!options.checkpoint_on_interval || version <= 0) return;
  int64_t interval = 10;
  if (const p::Metadata* m = effective_metadata()) {
    auto it = m->configuration.find("delta.checkpointInterval");
    if (it != m->configuration.end()) {
      try {
        interval = std::stoll(it->second);
      } catch (...) {
        interval = 10;
      }
    }
  }
  if (interval <= 0 || version % interval != 0) return;
  // The commit has succeeded: a failed checkpoint only costs readers time, so it is reported
  // and otherwise ignored (the next interval, or any writer, can write one).
  Status st = [&]() -> Status {
    DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(table_root.uri()));
    table::SnapshotOptions so;
    so.version = version;
    so.with_stats = true;
    so.with_tombstones = true;
    DELTA_ASSIGN_OR_RAISE(auto snap, table->GetSnapshot(so));
    DELTA_RETURN_NOT_OK(WriteCheckpoint(snap).status());
    // PROTOCOL.md "Metadata Cleanup"; Spark cleans up after each checkpoint unless
    // delta.enableExpiredLogCleanup is false. Also removes stale temporary files of crashed
    // writes (CleanupExpiredLogs).
    auto it = snap->configuration().find("delta.enableExpiredLogCleanup");
    if (it != snap->configuration().end()) {
      std::string v = it->second;
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      if (v == "false") return Status::OK();
    }
    return CleanupExpiredLogs(snap).status();
  }();
  if (!st.ok()) {
    std::fprintf(stderr, "deltacpp: warning: checkpoint or log cleanup of %s at version %lld failed: %s\n", table_root.uri().c_str(),
                 static_cast<long long>(version), st.ToString().c_str());
  }
}

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::~Transaction() = default;

Result<std::unique_ptr<Transaction>> Transaction::Begin(table::SnapshotPtr read_snapshot, TransactionOptions options) {
  if (!read_snapshot) return Status::InvalidArgument("Transaction::Begin needs a snapshot (use BeginCreate for a new table)");
  DELTA_RETURN_NOT_OK_CTX(CheckWritable(read_snapshot->protocol(), read_snapshot->metadata()),
                          fmt::format("cannot write to {}", read_snapshot->table_root().uri()));
  auto impl = std::make_unique<Impl>();
  impl->table_root = read_snapshot->table_root();
  impl->read_snapshot = std::move(read_snapshot);
  impl->options = std::move(options);
  return std::unique_ptr<Transaction>(new Transaction(std::move(impl)));
}

Result<std::unique_ptr<Transaction>> Transaction::BeginCreate(storage::Location table_root, TransactionOptions options) {
  if (!table_root.store) return Status::InvalidArgument("BeginCreate: table location has no store");
  auto impl = std::make_unique<Impl>();
  impl->table_root = std::move(table_root);
  impl->options = std::move(options);
  impl->operation = "CREATE TABLE";
  return std::unique_ptr<Transaction>(new Transaction(std::move(impl)));
}

const table::SnapshotPtr& Transaction::read_snapshot() const { return impl_->read_snapshot; }

void Transaction::AddFiles(std::vector<p::Add> files) {
  if (impl_->adds.empty()) {
    impl_->adds = std::move(files);
  } else {
    impl_->adds.insert(impl_->adds.end(), std::make_move_iterator(files.begin()), std::make_move_iterator(files.end()));
  }
}
void Transaction::RemoveFiles(std::vector<p::Remove> files) {
  impl_->removes.insert(impl_->removes.end(), std::make_move_iterator(files.begin()),
                        std::make_move_iterator(files.end()));
}
void Transaction::AddCdcFiles(std::vector<p::AddCdcFile> files) {
  impl_->cdc_files.insert(impl_->cdc_files.end(), std::make_move_iterator(files.begin()),
                          std::make_move_iterator(files.end()));
}
void Transaction::UpdateMetadata(p::Metadata metadata) { impl_->metadata = std::move(metadata); }
void Transaction::UpdateProtocol(p::Protocol protocol) { impl_->protocol = std::move(protocol); }
void Transaction::SetDomainMetadata(p::DomainMetadata domain) {
  for (auto& d : impl_->domains) {
    if (d.domain == domain.domain) {
      d = std::move(domain);
      return;
    }
  }
  impl_->domains.push_back(std::move(domain));
}
void Transaction::SetApplicationTransaction(std::string app_id, int64_t version) {
  p::SetTransaction t;
  t.app_id = std::move(app_id);
  t.version = version;
  for (auto& existing : impl_->app_txns) {
    if (existing.app_id == t.app_id) {
      existing = std::move(t);
      return;
    }
  }
  impl_->app_txns.push_back(std::move(t));
}
void Transaction::SetOperation(std::string operation, std::map<std::string, std::string> parameters) {
  impl_->operation = std::move(operation);
  impl_->operation_parameters = std::move(parameters);
}
void Transaction::SetOperationMetrics(std::map<std::string, std::string> metrics) {
  impl_->operation_metrics = std::move(metrics);
}
void Transaction::RecordReadPredicate(expr::ExprPtr predicate) { impl_->read_predicate = std::move(predicate); }
void Transaction::SetBlindAppend(bool blind) { impl_->blind_append = blind; }
void Transaction::SetIsolationLevel(IsolationLevel level) { impl_->isolation = level; }

Result<CommitResult> Transaction::Commit() {
  Impl& t = *impl_;
  if (t.commit_called) return Status::InvalidArgument("this transaction has already been committed");
  t.commit_called = true;
  DELTA_RETURN_NOT_OK(t.Validate());

  CommitResult result;
  // PROTOCOL.md "Transaction Identifiers": a write whose (appId, version) is already in the table
  // is skipped.
  // With several application ids, the write is skipped only when every one is already there; a
  // partly committed set means another writer owns some of them now, which is a conflict.
  if (!t.app_txns.empty() && !t.is_create()) {
    size_t done = 0;
    const p::SetTransaction* first_done = nullptr;
    for (const auto& st : t.app_txns) {
      auto v = t.read_snapshot->TransactionVersion(st.app_id);
      if (v && *v >= st.version) {
        ++done;
        if (!first_done) first_done = &st;
      }
    }
    if (done == t.app_txns.size()) {
      result.status = CommitStatus::kSkipped;
      result.version = t.read_version();
      result.attempts = 0;
      return result;
    }
    if (done > 0) {
      return Status::CommitConflict(fmt::format(
          "the table at version {} already holds a transaction version >= {} for appId '{}' (concurrent "
          "transaction for that appId), while other appIds of this commit are new",
          t.read_version(), first_done->version, first_done->app_id));
    }
  }

  const storage::Location log_root = t.table_root.Child("_delta_log");
  const bool ict_enabled = ConfigTrue(*t.effective_metadata(), kEnableIct);
  // The previous commit's timestamp: in-commit timestamp when the read snapshot has them, else the
  // commit file time (what readers compare against when ICT gets enabled by this commit).
  std::optional<int64_t> prev_ts;
  if (!t.is_create()) prev_ts = t.read_snapshot->timestamp_ms();

  int64_t version = t.read_version() + 1;
  int64_t checked_up_to = t.read_version();
  std::unique_ptr<ConflictChecker> checker;
  const int max_attempts = std::max(1, t.options.max_attempts);

  for (int attempt = 1;; ++attempt) {
    std::optional<int64_t> ict;
    if (ict_enabled) {
      // PROTOCOL.md "In-Commit Timestamps": strictly greater than the previous commit's.
      int64_t now = NowMs();
      ict = prev_ts ? std::max(now, *prev_ts + 1) : now;
    }
    std::string body = t.Serialize(version, ict);
    storage::Location commit = log_root.Child(log::CommitFileName(version));
    Status put = commit.store->PutIfAbsent(
        commit.key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(body.data()), body.size()));
    if (put.ok()) {
      result.status = CommitStatus::kCommitted;
      result.version = version;
      result.attempts = attempt;
      t.MaybeCheckpoint(version);
      return result;
    }
    if (put.code() != StatusCode::kAlreadyExists) {
      return put.WithContext(fmt::format("writing commit {}", commit.uri()));
    }
    if (t.is_create()) {
      return Status::AlreadyExists(fmt::format("table {} already exists (version 0 is committed)", t.table_root.uri()));
    }
    if (attempt >= max_attempts) {
      return Status::CommitConflict(fmt::format("gave up committing to {} after {} attempts: version {} was taken",
                                                t.table_root.uri(), attempt, version));
    }

    // The race was lost: read every commit that won and decide whether ours still applies.
    if (!checker) {
      TransactionSummary s;
      s.read_snapshot = t.read_snapshot;
      s.isolation = t.isolation_level();
      s.blind_append = t.effective_blind();
      s.read_predicate = t.read_predicate;
      for (const auto& r : t.removes) {
        s.removed_paths.insert(r.path);
        s.removes_data = s.removes_data || r.data_change;
      }
      s.metadata_changed = t.metadata.has_value();
      for (const auto& st : t.app_txns) s.app_ids.insert(st.app_id);
      for (const auto& d : t.domains) s.domains.insert(d.domain);
      DELTA_ASSIGN_OR_RAISE(checker, ConflictChecker::Make(std::move(s)));
    }
    DELTA_ASSIGN_OR_RAISE(auto winners, log::ListCommitsAfter(log_root, checked_up_to));
    if (winners.empty() || winners.front().version != checked_up_to + 1 || winners.back().version < version) {
      // The listing lags behind the put (eventually consistent stores): read the taken version
      // directly next round.
      winners.clear();
      for (int64_t v = checked_up_to + 1; v <= version; ++v) {
        storage::Location loc = log_root.Child(log::CommitFileName(v));
        DELTA_ASSIGN_OR_RAISE(auto meta, loc.store->Head(loc.key));
        log::LogFile f;
        f.meta = meta;
        f.version = v;
        winners.push_back(std::move(f));
      }
    }
    for (const auto& w : winners) {
      DELTA_ASSIGN_OR_RAISE(auto buf, log_root.store->Get(w.meta.key));
      std::string_view text(reinterpret_cast<const char*>(buf->data()), buf->size());
      DELTA_ASSIGN_OR_RAISE(auto actions, p::ParseJsonActions(text, w.meta.key));
      result.conflicts_checked.push_back(w.version);
      std::optional<int64_t> winner_ict;
      size_t covered = 0;
      for (const auto& a : actions) {
        if (const auto* ci = std::get_if<p::CommitInfo>(&a)) winner_ict = ci->in_commit_timestamp;
        // Idempotence again: a concurrent writer may have committed our (appId, version).
        if (const auto* st = std::get_if<p::SetTransaction>(&a)) {
          for (const auto& ours : t.app_txns) {
            if (st->app_id == ours.app_id && st->version >= ours.version) ++covered;
          }
        }
      }
      if (!t.app_txns.empty() && covered == t.app_txns.size()) {
        result.status = CommitStatus::kSkipped;
        result.version = w.version;
        result.attempts = attempt;
        return result;
      }
      DELTA_RETURN_NOT_OK(checker->Check(w.version, actions));
      int64_t ts = winner_ict.value_or(w.meta.last_modified_ms);
      prev_ts = prev_ts ? std::max(*prev_ts, ts) : ts;
      checked_up_to = w.version;
    }
    version = checked_up_to + 1;

    // Exponential backoff with full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
    int64_t cap = t.options.backoff_base.count();
    for (int i = 1; i < attempt && cap < t.options.backoff_max.count(); ++i) cap *= 2;
    cap = std::min<int64_t>(cap, t.options.backoff_max.count());
    if (cap > 0) {
      std::uniform_int_distribution<int64_t> dist(0, cap);
      std::this_thread::sleep_for(std::chrono::milliseconds(dist(Rng())));
    }
  }
}

}  // namespace delta::txn

// Transactions: optimistic concurrency on the Delta log (PROTOCOL.md "Optimistic Concurrency
// Control"). A transaction reads one snapshot, stages actions, and commits version N+1 with the
// store's put-if-absent. A lost race is a value, not an exception: the transaction reads the
// winning commits, runs the conflict checker (Spark's rules under the table's isolation level)
// and, when no logical conflict exists, retries at the next version with backoff, up to a bound.
//
//   DELTA_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(snapshot));
//   txn->AddFiles(std::move(adds));
//   txn->SetOperation("WRITE", {{"mode", "\"Append\""}});
//   DELTA_ASSIGN_OR_RAISE(CommitResult r, txn->Commit());
//
// Thread-safety: a Transaction is used by one thread. Any number of transactions, in one or many
// processes, may commit to one table concurrently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/expr/expression.h"
#include "delta/protocol/actions.h"
#include "delta/table/table.h"
#include "delta/util/result.h"

namespace delta::txn {

enum class IsolationLevel { kSerializable, kWriteSerializable };

struct TransactionOptions {
  /// Commit attempts before giving up with CommitConflict (the first attempt included). Retries
  /// only happen when the winners do not conflict logically, so a high bound costs nothing but
  /// time under contention; with many writers on a slow store (8 processes on one S3 table) 15
  /// attempts were seen to run out.
  int max_attempts = 100;
  /// Backoff between attempts: base * 2^(attempt-1), capped, with full jitter.
  std::chrono::milliseconds backoff_base{10};
  std::chrono::milliseconds backoff_max{1000};
  /// engineInfo written in commitInfo.
  std::string engine_info = "deltacpp";
  /// Extra top-level string fields of commitInfo (e.g. {"userMetadata": "nightly load"}). A key
  /// that names a field we write ourselves (timestamp, operation, ...) or one Spark reads as
  /// another type (version, job, notebook, tags) is InvalidArgument at Commit().
  std::map<std::string, std::string> commit_metadata;
  /// Write a checkpoint after committing when the new version is a multiple of
  /// delta.checkpointInterval (default 10). Failures to checkpoint do not fail the commit.
  bool checkpoint_on_interval = true;
};

enum class CommitStatus {
  kCommitted,  // the actions are in the log at `version`
  kSkipped,    // idempotent write: the app transaction version was already committed
};

struct CommitResult {
  CommitStatus status = CommitStatus::kCommitted;
  /// The committed version (kCommitted) or the table version observed (kSkipped).
  int64_t version = -1;
  /// Attempts made (1 = no race).
  int attempts = 1;
  /// Versions committed by others that this transaction was checked against.
  std::vector<int64_t> conflicts_checked;
  /// The snapshot after the commit, when it was cheap to build (else null).
  table::SnapshotPtr snapshot;
};

class Transaction {
 public:
  /// Starts a transaction on `read_snapshot` (its version is the read version). Refuses tables
  /// whose protocol needs a writer feature we do not implement (Unsupported naming it).
  static Result<std::unique_ptr<Transaction>> Begin(table::SnapshotPtr read_snapshot,
                                                    TransactionOptions options = {});
  /// Starts a transaction that creates a table (no snapshot yet: version 0). The caller must
  /// stage a protocol and a metaData action. Commit fails with AlreadyExists when version 0 exists.
  static Result<std::unique_ptr<Transaction>> BeginCreate(storage::Location table_root,
                                                          TransactionOptions options = {});
  ~Transaction();

  /// The snapshot read (null for a create).
  const table::SnapshotPtr& read_snapshot() const;

  // ---- Staging ----
  void AddFiles(std::vector<protocol::Add> files);
  void RemoveFiles(std::vector<protocol::Remove> files);
  void AddCdcFiles(std::vector<protocol::AddCdcFile> files);
  void UpdateMetadata(protocol::Metadata metadata);
  void UpdateProtocol(protocol::Protocol protocol);
  void SetDomainMetadata(protocol::DomainMetadata domain);
  /// Idempotent writes (PROTOCOL.md "Transaction Identifiers"): when the table already holds
  /// txn version >= `version` for `app_id`, Commit() returns kSkipped and writes nothing.
  /// May be called for several app ids (one txn action each; a second call for the same id
  /// replaces the first). Then Commit() is kSkipped only when every id is already committed at
  /// >= its version; when only some are, it fails with CommitConflict naming the appId.
  void SetApplicationTransaction(std::string app_id, int64_t version);
  /// commitInfo.operation and operationParameters (values are JSON texts).
  void SetOperation(std::string operation, std::map<std::string, std::string> parameters = {});
  void SetOperationMetrics(std::map<std::string, std::string> metrics);

  // ---- What this transaction read (for the conflict checker) ----
  /// The transaction depends on the files matching this predicate (over partition and data
  /// columns; files are compared by partition values and statistics). Unset + not blind: the
  /// whole table was read.
  void RecordReadPredicate(expr::ExprPtr predicate);
  /// Appends that read nothing (isBlindAppend).
  void SetBlindAppend(bool blind);
  void SetIsolationLevel(IsolationLevel level);

  /// Commits. Outcomes: kCommitted; kSkipped (idempotent); errors: CommitConflict naming the
  /// conflicting version and the rule ("concurrent append into a partition this transaction
  /// read", "metadata changed", "protocol changed", "concurrent delete of a file this
  /// transaction removes", "concurrent transaction for appId X") or after max_attempts;
  /// AlreadyExists for a create whose table exists; IOError from the store. A transaction
  /// commits at most once; a second Commit() is InvalidArgument.
  Result<CommitResult> Commit();

  struct Impl;

 private:
  explicit Transaction(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace delta::txn

// The conflict checker of optimistic concurrency (PROTOCOL.md "Optimistic Concurrency Control"):
// after a transaction lost the race for version N, every commit that won (N, N+1, ...) is checked
// against what the transaction read and what it wants to write. The rules follow Delta Spark's
// under the isolation levels Serializable and WriteSerializable:
//   - a winning protocol or metaData action conflicts with everything;
//   - a winning txn action for an appId this transaction also sets conflicts;
//   - winning domainMetadata for a domain this transaction also sets conflicts;
//   - winning adds (dataChange=true) that this transaction would have read (they match its read
//     predicate, or it read the whole table) conflict, unless this transaction is a blind append;
//     under WriteSerializable only when the winner was not itself a blind append, or this
//     transaction changes the metadata or removes files (an append racing an append is always
//     serialisable);
//   - winning removes (dataChange=true) of files this transaction read conflict (delete-read);
//   - winning removes of files this transaction also removes conflict (delete-delete).
// Thread-safety: a ConflictChecker belongs to the one thread committing its transaction.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "delta/expr/expression.h"
#include "delta/protocol/actions.h"
#include "delta/table/table.h"
#include "delta/txn/transaction.h"
#include "delta/util/result.h"

namespace delta::scan {
class FileSkipping;
}

namespace delta::txn {

/// What the losing transaction read and stages (borrowed: must outlive the checker).
struct TransactionSummary {
  /// The snapshot the transaction read (never null: a create never retries).
  table::SnapshotPtr read_snapshot;
  IsolationLevel isolation = IsolationLevel::kWriteSerializable;
  /// isBlindAppend: the transaction read nothing and only adds files.
  bool blind_append = false;
  /// The read predicate (logical column names); null = the whole table was read.
  expr::ExprPtr read_predicate;
  /// Paths of the files this transaction removes (as written in the log).
  std::set<std::string> removed_paths;
  /// True when some staged remove has dataChange=true (the transaction rewrites data).
  bool removes_data = false;
  /// True when the transaction stages a metaData action (then concurrent blind appends are
  /// checked under WriteSerializable too: they were written against the old metadata).
  bool metadata_changed = false;
  /// App ids of the txn actions staged.
  std::set<std::string> app_ids;
  /// Domains of the domainMetadata actions staged.
  std::set<std::string> domains;
};

class ConflictChecker {
 public:
  /// Prepares the read-predicate matching. A predicate that does not bind against the read schema
  /// is treated as "read the whole table" (conservative: more conflicts, never fewer).
  static Result<std::unique_ptr<ConflictChecker>> Make(TransactionSummary summary);
  ~ConflictChecker();

  /// OK when the transaction can be committed after `winning_actions` (the content of the
  /// winning commit `winning_version`); CommitConflict naming the version and the rule otherwise.
  Status Check(int64_t winning_version, const std::vector<protocol::Action>& winning_actions) const;

 private:
  ConflictChecker() = default;
  /// Whether this transaction would have read a file with these partition values and statistics.
  bool MayHaveRead(const protocol::Add& file) const;
  /// The read snapshot's add for a path, or nullptr.
  const protocol::Add* FindReadFile(const std::string& path) const;

  TransactionSummary summary_;
  bool whole_table_ = true;
  std::unique_ptr<scan::FileSkipping> skipping_;
  mutable std::unordered_map<std::string, size_t> read_index_;  // built on first use
  mutable bool read_index_built_ = false;
};

}  // namespace delta::txn

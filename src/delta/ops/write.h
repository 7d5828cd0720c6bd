// Writing a stream of record batches to a Delta table: create it when absent, append, overwrite
// (all of it, or the rows matching a replaceWhere predicate), with schema enforcement and schema
// evolution (merge / overwrite), idempotent application transactions and one atomic commit.
// On any failure the data files written are deleted and the table is left unchanged.
// Thread-safety: WriteTable may be called from many threads / processes on one table at once;
// commits are serialised by the transaction's optimistic concurrency control.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/storage/object_store.h"
#include "delta/txn/data_file_writer.h"
#include "delta/txn/transaction.h"
#include "delta/util/result.h"

namespace delta::ops {

enum class SaveMode { kAppend, kOverwrite, kErrorIfExists, kIgnore };
enum class SchemaMode { kNone, kMerge, kOverwrite };

/// "append", "overwrite", "error" (also "errorifexists"), "ignore"; InvalidArgument otherwise.
Result<SaveMode> ParseSaveMode(std::string_view text);

struct WriteOptions {
  SaveMode mode = SaveMode::kErrorIfExists;
  /// Partition columns for a table created by this write; when the table exists they must match
  /// its partition columns (InvalidArgument otherwise).
  std::vector<std::string> partition_by;
  /// Overwrite only the rows matching this predicate (expr/parser.h syntax); every input row must
  /// match it (InvalidArgument naming the row otherwise). Only with SaveMode::kOverwrite.
  std::optional<std::string> replace_where;
  SchemaMode schema_mode = SchemaMode::kNone;
  /// Table properties of a table created by this write (ignored for an existing table).
  std::map<std::string, std::string> configuration;
  std::optional<std::string> name, description;
  /// Idempotent write (PROTOCOL.md "Transaction Identifiers"): (appId, version).
  std::optional<std::pair<std::string, int64_t>> app_transaction;
  /// Data file settings; the table's delta.targetFileSize / dataSkipping* properties override.
  txn::DataWriteOptions data;
  txn::TransactionOptions transaction;
  /// Called after each input batch with the rows and bytes written so far.
  std::function<void(int64_t rows, int64_t bytes)> progress;
};

struct WriteResult {
  /// kSkipped: nothing written (ignore mode on an existing table, or an app transaction version
  /// already committed).
  txn::CommitStatus status = txn::CommitStatus::kCommitted;
  /// The committed version, or the table's version when skipped.
  int64_t version = -1;
  int64_t files_added = 0;
  int64_t files_removed = 0;
  /// Input rows written (rows rewritten by a data-predicate replaceWhere are not counted).
  int64_t rows = 0;
  /// Bytes of the data files added.
  int64_t bytes = 0;
};

/// Writes every batch of `input` to the table at `uri`.
/// Errors: AlreadyExists (kErrorIfExists on an existing table); InvalidArgument for schema
/// mismatches (naming the column and both types), NULL in a NOT NULL column (naming the column),
/// rows outside replace_where, partition columns differing from the table's, schema_mode
/// kOverwrite without SaveMode::kOverwrite, overwrite of an append-only table; Unsupported for a
/// table needing a writer feature we lack; CommitConflict when a concurrent commit conflicts;
/// errors of the input reader as they are.
Result<WriteResult> WriteTable(const std::string& uri, columnar::RecordBatchReader& input, const WriteOptions& options,
                               const storage::StorageOptions& storage = {});

}  // namespace delta::ops

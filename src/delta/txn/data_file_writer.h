// Writing the data files of a commit: record batches in the table's logical schema go to
// Parquet files under the table root, hive-style partition directories
// (PROTOCOL.md "Partition Value Serialization", values URL-encoded, nulls as
// __HIVE_DEFAULT_PARTITION__), files rolled at a target size, physical names and field ids under
// column mapping, and one add action per file with statistics (numRecords, minValues, maxValues,
// nullCount for the first delta.dataSkippingNumIndexedCols columns or
// delta.dataSkippingStatsColumns; long strings truncated as readers expect).
// Schema enforcement happens here: a batch whose types do not match the table is
// InvalidArgument naming the column and both types; a null in a non-nullable column is
// InvalidArgument naming the column (and the row within the batch).
// Memory is bounded by the open files (one per partition being written, at most
// max_open_files; the largest is flushed first beyond that), not by the input size.
// Partitioned tables: the partitions of each input batch are written by num_threads threads,
// one partition per task (in waves of at most max_open_files partitions), each file encoded by
// one thread; a partition's files hold its rows in input order and are byte-identical to those
// of a one-thread write; the first error of any partition fails the write.
// Thread-safety: one writer per thread (it uses its own threads inside); Finish/Abort once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/parquet/writer/properties.h"
#include "delta/protocol/actions.h"
#include "delta/schema/column_mapping.h"
#include "delta/storage/uri.h"
#include "delta/util/result.h"

namespace delta::txn {

struct DataWriteOptions {
  /// delta.targetFileSize (bytes of compressed Parquet); default 100 MiB.
  int64_t target_file_size = 100LL << 20;
  /// delta.dataSkippingNumIndexedCols (default 32; -1 = all) and delta.dataSkippingStatsColumns
  /// (comma-separated column names; when set it wins).
  int num_indexed_cols = 32;
  std::optional<std::vector<std::string>> stats_columns;
  /// Parquet settings (codec snappy by default, row group size, dictionary...).
  parquet::WriterProperties parquet;
  /// Open partition files at once before the largest is closed.
  int max_open_files = 64;
  /// Threads encoding: column chunks of a file (unpartitioned tables), or partitions' files
  /// (partitioned tables). 1 writes everything on the calling thread.
  int num_threads = 2;
  /// Prepended to every data file name ("<prefix>part-NNNNN-<uuid>-c000...parquet"), so that a
  /// writer can later find the files it left behind (e.g. an ingest worker that was killed).
  std::string file_name_prefix;
};

/// Reads the writer-relevant table properties (delta.targetFileSize,
/// delta.dataSkippingNumIndexedCols, delta.dataSkippingStatsColumns) over `base`.
/// InvalidArgument naming a malformed property.
Result<DataWriteOptions> DataWriteOptionsFromConfiguration(const std::map<std::string, std::string>& configuration,
                                                           DataWriteOptions base = {});

class DataFileWriter {
 public:
  /// `logical_schema` is the table schema (Delta names; partition columns included);
  /// `partition_columns` in partition order. Under column mapping the files use physical names
  /// (and field ids in id mode) and the add actions key partition values by physical name.
  static Result<std::unique_ptr<DataFileWriter>> Make(storage::Location table_root,
                                                      columnar::SchemaPtr logical_schema,
                                                      std::vector<std::string> partition_columns,
                                                      schema::ColumnMappingMode mode, DataWriteOptions options = {});
  virtual ~DataFileWriter() = default;

  /// Writes a batch whose schema has the table's columns by name (any order; extra columns are
  /// InvalidArgument, missing nullable columns are written as nulls).
  virtual Status Write(const columnar::RecordBatch& batch) = 0;
  /// Closes every file; returns one add action per file written (dataChange = true).
  virtual Result<std::vector<protocol::Add>> Finish() = 0;
  /// Deletes every file written so far (after a failure, or when the commit did not happen).
  virtual Status Abort() = 0;
  /// Rows and bytes written so far (for progress and summaries).
  virtual int64_t rows_written() const = 0;
  virtual int64_t bytes_written() const = 0;
};

}  // namespace delta::txn

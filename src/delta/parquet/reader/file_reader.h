// The public Parquet reader: opens a file (footer, schema), projects columns, selects row groups
// (explicitly or from min/max statistics) and decodes row groups into columnar RecordBatches,
// optionally decoding column chunks in parallel and prefetching the next row group while the
// caller consumes the current one.
//
// Thread-safety: a FileReader may be used from one thread at a time; the RecordBatchReader it
// hands out keeps the reader's state alive and is itself single-threaded. Internally the column
// chunks of a row group are decoded concurrently on the reader's own ThreadPool.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/io/file.h"
#include "delta/parquet/schema.h"
#include "delta/parquet/statistics.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

struct ReaderOptions {
  /// Columns to read: top-level names or dotted nested paths of Parquet names ("a.b.c"); empty
  /// means all. Unknown names make Open fail with InvalidArgument.
  std::vector<std::string> columns;
  /// Row groups to read (indices into the footer); empty means all.
  std::vector<int> row_groups;
  /// Threads decoding column chunks (and prefetching the next row group when streaming).
  int num_threads = 1;
  /// Row-group skipping: row groups whose statistics prove that no row satisfies every predicate
  /// (AND) are not read. Rows of the row groups that are read are NOT filtered.
  std::vector<ColumnPredicate> filters;
  /// Optional extra row-group test (true = read it), applied after `filters`.
  std::function<bool(const FileMetaData&, int row_group)> row_group_filter;
};

/// Reads and decodes the footer of a Parquet file with one speculative read of the tail (and,
/// for files larger than that read, four bytes at the head). CorruptData "not a Parquet file
/// (bad magic)" / bad footer length / malformed metadata, Unsupported for encrypted footers;
/// every message names the file.
Result<FileMetaData> ReadFileMetaData(const io::RandomAccessFile& file);

class FileReader {
 public:
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  /// Opens `file`: reads the footer, builds the schema, resolves the projection and the row-group
  /// selection. Errors: see ReadFileMetaData; InvalidArgument for unknown columns, out-of-range
  /// row groups or predicates that do not fit their column; Unsupported for schema types we
  /// cannot represent (e.g. decimal precision > 38, naming the column).
  static Result<std::unique_ptr<FileReader>> Open(io::RandomAccessFilePtr file, ReaderOptions options = {});
  /// Opens a local file by path.
  static Result<std::unique_ptr<FileReader>> OpenPath(const std::string& path, ReaderOptions options = {});

  const FileMetaData& metadata() const;
  const SchemaDescriptor& descriptor() const;
  /// The full columnar schema of the file.
  columnar::SchemaPtr schema() const;
  /// The schema of the batches this reader produces (after projection).
  columnar::SchemaPtr projected_schema() const;
  int num_row_groups() const;
  /// Total rows of the file (sum over row groups).
  int64_t num_rows() const;
  /// Row groups selected by the options (what the batch reader and ReadAll read), in order.
  const std::vector<int>& selected_row_groups() const;

  /// Decodes row group i (0 <= i < num_row_groups(), whether selected or not) with the
  /// projection. Errors name the column, row group and file.
  Result<columnar::RecordBatchPtr> ReadRowGroup(int i);
  /// Streams the selected row groups, one batch per row group; at most the current and the next
  /// row group are being decoded at any time.
  Result<std::unique_ptr<columnar::RecordBatchReader>> GetRecordBatchReader();
  /// All selected row groups concatenated into one batch.
  Result<columnar::RecordBatchPtr> ReadAll();

  struct Impl;

 private:
  explicit FileReader(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace delta::parquet

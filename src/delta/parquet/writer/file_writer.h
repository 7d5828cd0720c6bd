// The Parquet file writer: columnar RecordBatches in, a Parquet file out (apache/parquet-format
// README.md "File Format": magic, row groups of column chunks, Thrift footer, footer length,
// magic). Rows are buffered per row group; a row group is closed when it reaches
// max_row_group_rows rows or about max_row_group_bytes encoded bytes, on FlushRowGroup(), or on
// Close().
// Thread-safety: a FileWriter is used from one thread at a time. With num_threads > 1 it
// encodes the column chunks of a row group on its own thread pool internally.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "delta/columnar/array.h"
#include "delta/io/file.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/parquet/writer/properties.h"
#include "delta/util/result.h"

namespace delta {
class ThreadPool;
}

namespace delta::parquet {

namespace writer {
struct ParquetSchema;
class ColumnChunkWriter;
}  // namespace writer

class FileWriter {
 public:
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// Starts a file on `out` (writes the leading magic). The writer shares ownership of `out` and
  /// closes it in Close(). InvalidArgument/Unsupported when the schema cannot be written to
  /// Parquet (see writer/schema_writer.h) or a column encoding does not fit its type; IOError
  /// from the stream.
  static Result<std::unique_ptr<FileWriter>> Open(io::OutputStreamPtr out, columnar::SchemaPtr schema,
                                                  WriterProperties props = {});

  /// Appends the rows of `batch` (any length, sliced batches included). InvalidArgument when its
  /// schema differs from the writer's (names, types, nullability) or a non-nullable column holds
  /// nulls; IOError from the stream. After an error the writer is unusable (every later call
  /// returns the same error) and the file is incomplete.
  Status WriteBatch(const columnar::RecordBatch& batch);

  /// Closes the current row group (no-op when it is empty).
  Status FlushRowGroup();

  /// Flushes, writes the footer and closes the stream. Idempotent.
  Status Close();

  /// The footer written by Close() (nullptr before).
  const FileMetaData* metadata() const;

  /// Rows written so far (buffered ones included).
  int64_t num_rows() const { return num_rows_; }

 private:
  FileWriter();
  Status WriteRows(const columnar::RecordBatch& batch, int64_t offset, int64_t length);
  Status Fail(Status st);
  // The pool for a piece of `rows` rows, or null to work on the calling thread.
  ThreadPool* PoolFor(int64_t rows);

  io::OutputStreamPtr out_;
  columnar::SchemaPtr schema_;
  WriterProperties props_;
  std::unique_ptr<writer::ParquetSchema> pschema_;
  std::vector<std::unique_ptr<writer::ColumnChunkWriter>> columns_;
  std::unique_ptr<ThreadPool> pool_;  // started by PoolFor on the first large enough piece
  FileMetaData metadata_;
  int64_t num_rows_ = 0;
  int64_t row_group_rows_ = 0;
  bool closed_ = false;
  Status error_;
};

/// Writes `batch` as a complete Parquet file at `path` (created or truncated).
Status WriteParquetFile(const std::string& path, const columnar::RecordBatch& batch,
                        const WriterProperties& props = {});

}  // namespace delta::parquet

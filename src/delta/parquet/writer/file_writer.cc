#include "delta/parquet/writer/file_writer.h"

#include <fmt/format.h>

#include <algorithm>

#include "delta/parquet/thrift/parquet_serde.h"
#include "delta/parquet/writer/column_writer.h"
#include "delta/parquet/writer/schema_writer.h"
#include "delta/util/macros.h"
#include "delta/util/thread_pool.h"

namespace delta::parquet {

using columnar::ArrayData;
using columnar::TypeId;

namespace {

constexpr char kMagic[] = "PAR1";
// Batches are fed to the column writers in slices of this many rows, so that the row group byte
// limit is checked often enough and parallel column encoding has work of a useful size.
constexpr int64_t kSliceRows = 1 << 17;

// Checks that an array's type matches the schema field and that non-nullable fields (at every
// level) hold no nulls where they are reachable. Only structure and top-level nulls are
// checked cheaply; nested nulls in non-nullable children are caught by validity counts.
Status CheckNoNulls(const ArrayData& a, const columnar::Field& f, const std::string& path) {
  if (!f.nullable && a.type->id() != TypeId::kNull && !a.buffers.empty() && a.buffers[0] && a.length > 0) {
    if (bit_util::CountSetBits(a.buffers[0]->data(), a.offset, a.length) != a.length) {
      return Status::InvalidArgument(fmt::format("column '{}' is not nullable but holds nulls", path));
    }
  }
  return Status::OK();
}

}  // namespace

FileWriter::FileWriter() = default;
FileWriter::~FileWriter() = default;

Status FileWriter::Fail(Status st) {
  if (!st.ok() && error_.ok()) error_ = st;
  return st;
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(io::OutputStreamPtr out, columnar::SchemaPtr schema,
                                                     WriterProperties props) {
  if (!out || !schema) return Status::InvalidArgument("FileWriter::Open needs an output stream and a schema");
  if (props.data_page_size <= 0 || props.data_page_row_limit <= 0 || props.max_row_group_rows <= 0 ||
      props.max_row_group_bytes <= 0) {
    return Status::InvalidArgument("writer page and row group limits must be positive");
  }
  std::unique_ptr<FileWriter> w(new FileWriter());
  w->out_ = std::move(out);
  w->schema_ = std::move(schema);
  w->props_ = std::move(props);
  DELTA_ASSIGN_OR_RAISE(auto ps, writer::ToParquetSchema(*w->schema_));
  w->pschema_ = std::make_unique<writer::ParquetSchema>(std::move(ps));
  for (const auto& leaf : w->pschema_->leaves) {
    DELTA_ASSIGN_OR_RAISE(auto cw, writer::MakeColumnChunkWriter(leaf, w->props_));
    w->columns_.push_back(std::move(cw));
  }
  DELTA_RETURN_NOT_OK(w->out_->Write(kMagic, 4));
  w->metadata_.schema = w->pschema_->elements;
  return w;
}

Status FileWriter::WriteBatch(const columnar::RecordBatch& batch) {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("FileWriter::WriteBatch after Close");
  if (!batch.schema || (batch.schema != schema_ && !batch.schema->Equals(*schema_))) {
    // Field metadata may legitimately differ (e.g. a batch built without field ids); compare
    // names, types and nullability.
    bool ok = batch.schema && batch.schema->num_fields() == schema_->num_fields();
    for (int i = 0; ok && i < schema_->num_fields(); ++i) {
      const auto& a = *batch.schema->field(i);
      const auto& b = *schema_->field(i);
      ok = a.name == b.name && a.nullable == b.nullable && a.type->Equals(*b.type);
    }
    if (!ok) {
      return Status::InvalidArgument(fmt::format("batch schema {} does not match the writer's schema {}",
                                                 batch.schema ? batch.schema->ToString() : "<none>", schema_->ToString()));
    }
  }
  if (batch.num_columns() != schema_->num_fields()) {
    return Status::InvalidArgument(
        fmt::format("batch has {} columns, schema has {} fields", batch.num_columns(), schema_->num_fields()));
  }
  for (int i = 0; i < batch.num_columns(); ++i) {
    const auto& c = batch.column(i);
    if (!c || c->length != batch.num_rows) {
      return Status::InvalidArgument(fmt::format("column {} has {} rows, the batch {}", i, c ? c->length : -1, batch.num_rows));
    }
    if (!c->type->Equals(*schema_->field(i)->type)) {
      return Status::InvalidArgument(fmt::format("column {} has type {}, the schema says {}", i, c->type->ToString(),
                                                 schema_->field(i)->type->ToString()));
    }
    DELTA_RETURN_NOT_OK(CheckNoNulls(*c, *schema_->field(i), schema_->field(i)->name));
  }
  int64_t pos = 0;
  while (pos < batch.num_rows) {
    const int64_t room = props_.max_row_group_rows - row_group_rows_;
    const int64_t n = std::min({batch.num_rows - pos, room, kSliceRows});
    DELTA_RETURN_NOT_OK(Fail(WriteRows(batch, pos, n)));
    pos += n;
    int64_t bytes = 0;
    for (const auto& c : columns_) bytes += c->EstimatedSize();
    if (row_group_rows_ >= props_.max_row_group_rows || bytes >= props_.max_row_group_bytes) {
      DELTA_RETURN_NOT_OK(FlushRowGroup());
    }
  }
  return Status::OK();
}

ThreadPool* FileWriter::PoolFor(int64_t rows) {
  // Small pieces of work (a file of a few rows: small appends) cost less on the calling thread
  // than a hand-off; the threads are started on the first piece worth them.
  constexpr int64_t kMinParallelRows = 4096;
  if (props_.num_threads <= 1 || columns_.size() <= 1 || rows < kMinParallelRows) return nullptr;
  if (!pool_) pool_ = std::make_unique<ThreadPool>(props_.num_threads);
  return pool_.get();
}

Status FileWriter::WriteRows(const columnar::RecordBatch& batch, int64_t offset, int64_t length) {
  // Zero-copy slices; each leaf column writer shreds its own top-level column.
  std::vector<columnar::ArrayPtr> cols(static_cast<size_t>(batch.num_columns()));
  for (int i = 0; i < batch.num_columns(); ++i) {
    const auto& c = batch.column(i);
    cols[static_cast<size_t>(i)] = (offset == 0 && length == c->length) ? c : c->Slice(offset, length);
  }
  const auto& leaves = pschema_->leaves;
  auto write_one = [&](int64_t k) -> Status {
    const auto& leaf = leaves[static_cast<size_t>(k)];
    return columns_[static_cast<size_t>(k)]->Write(*cols[static_cast<size_t>(leaf.top_level_field)]);
  };
  if (ThreadPool* pool = PoolFor(length)) {
    DELTA_RETURN_NOT_OK(pool->ParallelFor(static_cast<int64_t>(columns_.size()), write_one));
  } else {
    for (int64_t k = 0; k < static_cast<int64_t>(columns_.size()); ++k) DELTA_RETURN_NOT_OK(write_one(k));
  }
  row_group_rows_ += length;
  num_rows_ += length;
  return Status::OK();
}

Status FileWriter::FlushRowGroup() {
  if (!error_.ok()) return error_;
  if (closed_) return Status::InvalidArgument("FileWriter::FlushRowGroup after Close");
  if (row_group_rows_ == 0) return Status::OK();
  std::vector<writer::FinishedChunk> chunks(columns_.size());
  auto finish_one = [&](int64_t k) -> Status {
    return columns_[static_cast<size_t>(k)]->Finish(&chunks[static_cast<size_t>(k)]);
  };
  if (ThreadPool* pool = PoolFor(row_group_rows_)) {
    DELTA_RETURN_NOT_OK(Fail(pool->ParallelFor(static_cast<int64_t>(columns_.size()), finish_one)));
  } else {
    for (int64_t k = 0; k < static_cast<int64_t>(columns_.size()); ++k) DELTA_RETURN_NOT_OK(Fail(finish_one(k)));
  }
  RowGroup rg;
  rg.num_rows = row_group_rows_;
  rg.ordinal = static_cast<int16_t>(std::min<size_t>(metadata_.row_groups.size(), INT16_MAX));
  rg.file_offset = out_->Tell();
  int64_t total_compressed = 0;
  // Chunks are written in schema order (README.md "File Format"); offsets become absolute.
  for (auto& chunk : chunks) {
    const int64_t base = out_->Tell();
    DELTA_RETURN_NOT_OK(Fail(out_->Write(chunk.dictionary_page)));
    for (const auto& piece : chunk.data_pages) DELTA_RETURN_NOT_OK(Fail(out_->Write(piece)));
    ColumnChunk cc;
    cc.file_offset = base;
    ColumnMetaData m = std::move(chunk.meta);
    m.data_page_offset += base;
    if (m.dictionary_page_offset) *m.dictionary_page_offset += base;
    rg.total_byte_size += m.total_uncompressed_size;
    total_compressed += m.total_compressed_size;
    cc.meta_data = std::move(m);
    rg.columns.push_back(std::move(cc));
  }
  rg.total_compressed_size = total_compressed;
  metadata_.row_groups.push_back(std::move(rg));
  metadata_.num_rows += row_group_rows_;
  row_group_rows_ = 0;
  return Status::OK();
}

Status FileWriter::Close() {
  if (closed_) return error_;
  if (!error_.ok()) return error_;
  DELTA_RETURN_NOT_OK(FlushRowGroup());
  metadata_.version = props_.data_page_v2 ? 2 : 1;
  metadata_.created_by = props_.created_by;
  metadata_.key_value_metadata.clear();
  for (const auto& [k, v] : props_.key_value_metadata) metadata_.key_value_metadata.push_back({k, v});
  // TYPE_ORDER for every leaf: min_value/max_value follow the logical type's sort order.
  metadata_.column_orders.assign(pschema_->leaves.size(), ColumnOrder{true});
  std::string footer;
  SerializeFileMetaData(metadata_, &footer);
  const uint32_t len = static_cast<uint32_t>(footer.size());
  footer.append(reinterpret_cast<const char*>(&len), 4);
  footer.append(kMagic, 4);
  DELTA_RETURN_NOT_OK(Fail(out_->Write(footer)));
  DELTA_RETURN_NOT_OK(Fail(out_->Close()));
  closed_ = true;
  return Status::OK();
}

const FileMetaData* FileWriter::metadata() const { return closed_ ? &metadata_ : nullptr; }

Status WriteParquetFile(const std::string& path, const columnar::RecordBatch& batch, const WriterProperties& props) {
  DELTA_ASSIGN_OR_RAISE(auto out, io::OpenLocalOutput(path));
  DELTA_ASSIGN_OR_RAISE(auto w, FileWriter::Open(out, batch.schema, props));
  DELTA_RETURN_NOT_OK(w->WriteBatch(batch));
  return w->Close();
}

}  // namespace delta::parquet

// Parquet file reader (README.md "File format": magic, footer length, FileMetaData).
#include "delta/parquet/reader/file_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "delta/columnar/builder.h"
#include "delta/io/read_hints.h"
#include "delta/parquet/reader/assembly.h"
#include "delta/parquet/reader/column_reader.h"
#include "delta/parquet/thrift/parquet_serde.h"
#include "delta/util/bit_util.h"
#include "delta/util/macros.h"
#include "delta/util/thread_pool.h"

namespace delta::parquet {

namespace {

constexpr int64_t kFooterSpeculativeRead = 64 * 1024;
constexpr char kMagic[] = "PAR1";
constexpr char kEncryptedMagic[] = "PARE";

void CollectLeaves(const FieldNode& node, std::vector<int>* out) {
  if (node.kind == FieldNode::kPrimitive) {
    out->push_back(node.leaf_index);
    return;
  }
  for (const auto& c : node.children) CollectLeaves(c, out);
}

}  // namespace

Result<FileMetaData> ReadFileMetaData(const io::RandomAccessFile& file) {
  const std::string& path = file.path();
  const int64_t size = file.size();
  if (size < 12) {
    return Status::CorruptData(fmt::format("not a Parquet file (bad magic): only {} bytes (file {})", size, path));
  }
  const int64_t tail_len = std::min(size, kFooterSpeculativeRead);
  std::vector<uint8_t> tail(static_cast<size_t>(tail_len));
  DELTA_RETURN_NOT_OK(file.ReadAt(size - tail_len, tail_len, tail.data()));
  const uint8_t* end = tail.data() + tail_len;
  if (std::memcmp(end - 4, kEncryptedMagic, 4) == 0) {
    return Status::Unsupported(fmt::format("encrypted Parquet footers are not supported (file {})", path));
  }
  uint8_t head[4];
  if (tail_len == size) {
    std::memcpy(head, tail.data(), 4);
  } else {
    DELTA_RETURN_NOT_OK(file.ReadAt(0, 4, head));
  }
  if (std::memcmp(end - 4, kMagic, 4) != 0 || std::memcmp(head, kMagic, 4) != 0) {
    return Status::CorruptData(fmt::format("not a Parquet file (bad magic) (file {})", path));
  }
  const int64_t footer_len = bit_util::LoadLE<uint32_t>(end - 8);
  if (footer_len > size - 12) {
    return Status::CorruptData(
        fmt::format("Parquet footer length {} exceeds the file size {} (file {})", footer_len, size, path));
  }
  const uint8_t* footer;
  std::vector<uint8_t> big;
  if (footer_len + 8 <= tail_len) {
    footer = end - 8 - footer_len;
  } else {
    big.resize(static_cast<size_t>(footer_len));
    DELTA_RETURN_NOT_OK(file.ReadAt(size - 8 - footer_len, footer_len, big.data()));
    footer = big.data();
  }
  auto md = DeserializeFileMetaData(footer, footer_len);
  if (!md.ok()) return md.status().WithPrefix("cannot decode the Parquet footer").WithContext("file " + path);
  return md;
}

// ------------------------------------------------------------------ reader state

namespace {

// The column chunks of one row group being decoded (on the pool or inline).
struct RowGroupJob {
  int row_group = 0;
  std::vector<reader::LeafData> leaves;  // indexed by leaf index
  std::vector<Status> statuses;          // parallel to the needed leaves
  std::mutex mu;
  std::condition_variable cv;
  int64_t remaining = 0;

  void Wait() {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [this] { return remaining == 0; });
  }
};

}  // namespace

struct FileReader::Impl {
  io::RandomAccessFilePtr file;
  ReaderOptions options;
  FileMetaData md;
  SchemaDescriptorPtr descr;
  ColumnarSchema full;
  ColumnarSchema projected;
  std::vector<int> selected;
  std::vector<int> needed_leaves;  // leaves under the projected fields
  std::vector<char> keep_levels;   // per leaf index
  int64_t total_rows = 0;
  // Declared last: destroyed first, so queued tasks drain while the state above is alive.
  std::unique_ptr<ThreadPool> pool;

  std::string FileContext() const { return "file " + file->path(); }

  Status ReadLeaf(int rg, int leaf, reader::LeafData* out) {
    const RowGroup& group = md.row_groups[static_cast<size_t>(rg)];
    reader::ColumnChunkReadOptions o;
    o.keep_levels = keep_levels[static_cast<size_t>(leaf)] != 0;
    o.row_group = rg;
    o.num_rows = group.num_rows;
    const FieldNode* node = FindLeafNode(leaf);
    if (!node) return Status::Internal("projected leaf has no field node");
    DELTA_ASSIGN_OR_RAISE(*out, reader::ReadColumnChunk(*file, group.columns[static_cast<size_t>(leaf)],
                                                        descr->column(leaf), *node, o));
    return Status::OK();
  }

  const FieldNode* FindLeafNode(int leaf) const {
    for (const auto& f : projected.fields) {
      if (const FieldNode* n = FindIn(f, leaf)) return n;
    }
    return nullptr;
  }
  static const FieldNode* FindIn(const FieldNode& node, int leaf) {
    if (node.kind == FieldNode::kPrimitive) return node.leaf_index == leaf ? &node : nullptr;
    for (const auto& c : node.children)
      if (const FieldNode* n = FindIn(c, leaf)) return n;
    return nullptr;
  }

  Status CheckRowGroup(int rg) const {
    if (rg < 0 || rg >= static_cast<int>(md.row_groups.size())) {
      return Status::InvalidArgument(
          fmt::format("row group {} out of range (file has {}) ({})", rg, md.row_groups.size(), FileContext()));
    }
    const RowGroup& group = md.row_groups[static_cast<size_t>(rg)];
    if (static_cast<int>(group.columns.size()) != descr->num_columns()) {
      return Status::CorruptData(fmt::format("row group {} has {} column chunks but the schema has {} leaf columns ({})", rg,
                                             group.columns.size(), descr->num_columns(), FileContext()));
    }
    if (group.num_rows < 0) {
      return Status::CorruptData(fmt::format("row group {} has negative num_rows ({})", rg, FileContext()));
    }
    return Status::OK();
  }

  // Starts decoding row group rg: on the pool when there is one, else inline.
  // Tells a file that can coalesce reads (a remote object) which column chunks this row group
  // needs, before the leaves are read one by one (possibly on several threads).
  void HintRowGroup(int rg) const {
    const auto* hints = dynamic_cast<const io::ReadAheadHints*>(file.get());
    if (!hints || needed_leaves.size() <= 1) return;
    const RowGroup& group = md.row_groups[static_cast<size_t>(rg)];
    std::vector<io::ByteRange> ranges;
    ranges.reserve(needed_leaves.size());
    for (int leaf : needed_leaves) {
      if (static_cast<size_t>(leaf) >= group.columns.size()) return;
      const auto& chunk = group.columns[static_cast<size_t>(leaf)];
      if (chunk.file_path || !chunk.meta_data) return;  // the column reader reports these
      const auto& meta = *chunk.meta_data;
      int64_t start = meta.data_page_offset;
      if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 && *meta.dictionary_page_offset < start) {
        start = *meta.dictionary_page_offset;
      }
      const int64_t len = meta.total_compressed_size;
      if (start < 4 || len <= 0 || start > file->size() || len > file->size() - start) return;
      ranges.push_back({start, len});
    }
    hints->WillNeed(ranges);
  }

  std::shared_ptr<RowGroupJob> Launch(int rg) {
    HintRowGroup(rg);
    auto job = std::make_shared<RowGroupJob>();
    job->row_group = rg;
    job->leaves.resize(static_cast<size_t>(descr->num_columns()));
    job->statuses.resize(needed_leaves.size());
    job->remaining = static_cast<int64_t>(needed_leaves.size());
    if (!pool || needed_leaves.size() <= 1) {
      for (size_t i = 0; i < needed_leaves.size(); ++i) {
        const int leaf = needed_leaves[i];
        job->statuses[i] = ReadLeaf(rg, leaf, &job->leaves[static_cast<size_t>(leaf)]);
      }
      job->remaining = 0;
      return job;
    }
    for (size_t i = 0; i < needed_leaves.size(); ++i) {
      // Tasks hold the job (not the reader): the batch reader waits for pending jobs before the
      // reader state can go away.
      pool->Submit([this, job, i] {
        const int leaf = needed_leaves[i];
        Status st = ReadLeaf(job->row_group, leaf, &job->leaves[static_cast<size_t>(leaf)]);
        std::lock_guard<std::mutex> lock(job->mu);
        job->statuses[i] = std::move(st);
        if (--job->remaining == 0) job->cv.notify_all();
      });
    }
    return job;
  }

  Result<columnar::RecordBatchPtr> Finish(const std::shared_ptr<RowGroupJob>& job) {
    job->Wait();
    for (const auto& st : job->statuses) DELTA_RETURN_NOT_OK(st);
    const int rg = job->row_group;
    const int64_t rows = md.row_groups[static_cast<size_t>(rg)].num_rows;
    std::vector<const reader::LeafData*> leaves(job->leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) leaves[i] = &job->leaves[i];
    auto batch = std::make_shared<columnar::RecordBatch>();
    batch->schema = projected.schema;
    batch->num_rows = rows;
    for (const auto& f : projected.fields) {
      auto arr = reader::AssembleField(f, leaves, rows);
      if (!arr.ok()) {
        return arr.status().WithContext(fmt::format("row group {}, {}", rg, FileContext()));
      }
      batch->columns.push_back(arr.MoveValueUnsafe());
    }
    return batch;
  }

  Result<columnar::RecordBatchPtr> Read(int rg) {
    DELTA_RETURN_NOT_OK(CheckRowGroup(rg));
    return Finish(Launch(rg));
  }
};

namespace {

class FileBatchReader final : public columnar::RecordBatchReader {
 public:
  explicit FileBatchReader(std::shared_ptr<FileReader::Impl> impl) : impl_(std::move(impl)) {}
  ~FileBatchReader() override {
    if (pending_) pending_->Wait();
  }
  columnar::SchemaPtr schema() const override { return impl_->projected.schema; }
  Result<columnar::RecordBatchPtr> Next() override {
    const auto& rgs = impl_->selected;
    if (next_ >= rgs.size()) return columnar::RecordBatchPtr();
    std::shared_ptr<RowGroupJob> job = std::move(pending_);
    pending_.reset();
    if (!job) {
      DELTA_RETURN_NOT_OK(impl_->CheckRowGroup(rgs[next_]));
      job = impl_->Launch(rgs[next_]);
    }
    ++next_;
    // Prefetch the next row group while the caller works on this one (bounded: one ahead).
    if (impl_->pool && next_ < rgs.size() && impl_->CheckRowGroup(rgs[next_]).ok()) {
      pending_ = impl_->Launch(rgs[next_]);
    }
    return impl_->Finish(job);
  }

 private:
  std::shared_ptr<FileReader::Impl> impl_;
  size_t next_ = 0;
  std::shared_ptr<RowGroupJob> pending_;
};

}  // namespace

FileReader::FileReader(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
FileReader::~FileReader() = default;

Result<std::unique_ptr<FileReader>> FileReader::Open(io::RandomAccessFilePtr file, ReaderOptions options) {
  if (!file) return Status::InvalidArgument("FileReader::Open: null file");
  auto impl = std::make_shared<Impl>();
  impl->file = file;
  const std::string ctx = "file " + file->path();
  DELTA_ASSIGN_OR_RAISE(impl->md, ReadFileMetaData(*file));
  {
    auto d = SchemaDescriptor::Make(impl->md.schema);
    if (!d.ok()) return d.status().WithContext(ctx);
    impl->descr = d.MoveValueUnsafe();
  }
  {
    auto s = ToColumnarSchema(*impl->descr, impl->md.key_value_metadata);
    if (!s.ok()) return s.status().WithContext(ctx);
    impl->full = s.MoveValueUnsafe();
  }
  {
    auto p = ProjectSchema(impl->full, *impl->descr, options.columns);
    if (!p.ok()) return p.status().WithContext(ctx);
    impl->projected = p.MoveValueUnsafe();
  }
  impl->keep_levels.assign(static_cast<size_t>(impl->descr->num_columns()), 0);
  for (const auto& f : impl->projected.fields) {
    std::vector<int> leaves;
    CollectLeaves(f, &leaves);
    for (int l : leaves) {
      impl->needed_leaves.push_back(l);
      impl->keep_levels[static_cast<size_t>(l)] = f.kind != FieldNode::kPrimitive;
    }
  }
  for (const auto& rg : impl->md.row_groups) impl->total_rows += rg.num_rows;
  // Row-group selection: explicit list, then statistics, then the custom test.
  const int n = static_cast<int>(impl->md.row_groups.size());
  std::vector<int> selected;
  if (options.row_groups.empty()) {
    for (int i = 0; i < n; ++i) selected.push_back(i);
  } else {
    for (int i : options.row_groups) {
      if (i < 0 || i >= n) {
        return Status::InvalidArgument(fmt::format("row group {} out of range (file has {}) ({})", i, n, ctx));
      }
      selected.push_back(i);
    }
  }
  if (!options.filters.empty()) {
    auto keep = SelectRowGroups(impl->md, options.filters);
    if (!keep.ok()) return keep.status().WithContext(ctx);
    std::vector<int> filtered;
    for (int i : selected)
      if (std::binary_search(keep->begin(), keep->end(), i)) filtered.push_back(i);
    selected = std::move(filtered);
  }
  if (options.row_group_filter) {
    std::vector<int> filtered;
    for (int i : selected)
      if (options.row_group_filter(impl->md, i)) filtered.push_back(i);
    selected = std::move(filtered);
  }
  impl->selected = std::move(selected);
  if (options.num_threads > 1) impl->pool = std::make_unique<ThreadPool>(options.num_threads);
  impl->options = std::move(options);
  return std::unique_ptr<FileReader>(new FileReader(std::move(impl)));
}

Result<std::unique_ptr<FileReader>> FileReader::OpenPath(const std::string& path, ReaderOptions options) {
  DELTA_ASSIGN_OR_RAISE(auto file, io::OpenLocalFile(path));
  return Open(std::move(file), std::move(options));
}

const FileMetaData& FileReader::metadata() const { return impl_->md; }
const SchemaDescriptor& FileReader::descriptor() const { return *impl_->descr; }
columnar::SchemaPtr FileReader::schema() const { return impl_->full.schema; }
columnar::SchemaPtr FileReader::projected_schema() const { return impl_->projected.schema; }
int FileReader::num_row_groups() const { return static_cast<int>(impl_->md.row_groups.size()); }
int64_t FileReader::num_rows() const { return impl_->total_rows; }
const std::vector<int>& FileReader::selected_row_groups() const { return impl_->selected; }

Result<columnar::RecordBatchPtr> FileReader::ReadRowGroup(int i) { return impl_->Read(i); }

Result<std::unique_ptr<columnar::RecordBatchReader>> FileReader::GetRecordBatchReader() {
  return std::unique_ptr<columnar::RecordBatchReader>(new FileBatchReader(impl_));
}

Result<columnar::RecordBatchPtr> FileReader::ReadAll() {
  DELTA_ASSIGN_OR_RAISE(auto stream, GetRecordBatchReader());
  std::vector<columnar::RecordBatchPtr> batches;
  for (;;) {
    DELTA_ASSIGN_OR_RAISE(auto b, stream->Next());
    if (!b) break;
    batches.push_back(std::move(b));
  }
  if (batches.size() == 1) return batches[0];
  if (batches.empty()) {
    auto out = std::make_shared<columnar::RecordBatch>();
    out->schema = impl_->projected.schema;
    for (const auto& f : impl_->projected.schema->fields()) {
      DELTA_ASSIGN_OR_RAISE(auto arr, columnar::MakeArrayOfNulls(f->type, 0));
      out->columns.push_back(std::move(arr));
    }
    return out;
  }
  return columnar::ConcatenateBatches(batches);
}

}  // namespace delta::parquet

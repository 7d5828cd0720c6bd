// Hostile-input tests of the Parquet reader: valid files written by our writer are corrupted
// surgically (the footer and page headers are located by parsing, never by hard-coded offsets)
// and every corruption must end in a CorruptData (or Unsupported) error that names the file and,
// for column-level damage, the column, without crashing or allocating from a declared size the
// file cannot back (a replaced operator new / aligned_alloc records the largest allocation).
// Also the generator and check of the seed corpus of fuzz/parquet_file_fuzzer.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/io/file.h"
#include "delta/parquet/compression/codec.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/thrift/parquet_serde.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/util/bit_util.h"
#include "support/matchers.h"

// ------------------------------------------------------------------ allocation watch
// Records the largest single heap allocation while a watch is active, so that the tests can
// prove a hostile declared size was rejected before anything was allocated for it. Replacing
// the global allocation functions is allowed ([replacement.functions]); aligned_alloc is what
// columnar::Buffer uses.

namespace {
std::atomic<bool> g_watch_active{false};
std::atomic<size_t> g_largest_allocation{0};

void NoteAllocation(size_t n) {
  if (!g_watch_active.load(std::memory_order_relaxed)) return;
  size_t cur = g_largest_allocation.load(std::memory_order_relaxed);
  while (n > cur && !g_largest_allocation.compare_exchange_weak(cur, n, std::memory_order_relaxed)) {
  }
}

void* CheckedMalloc(size_t n) {
  NoteAllocation(n);
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
}  // namespace

void* operator new(size_t n) { return CheckedMalloc(n); }
void* operator new[](size_t n) { return CheckedMalloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

extern "C" void* aligned_alloc(size_t alignment, size_t size) {
  NoteAllocation(size);
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  void* p = nullptr;
  if (posix_memalign(&p, alignment, size == 0 ? 1 : size) != 0) return nullptr;
  return p;
}

namespace delta::parquet {
namespace {

using columnar::ArrayBuilder;
using columnar::MakeField;
using columnar::RecordBatchPtr;
using columnar::TypeId;
using columnar::TypePtr;
using ::testing::HasSubstr;

constexpr char kFileName[] = "hostile.parquet";
// No hostile file in these tests may make the reader allocate more than this in one piece.
constexpr size_t kAllocationBudget = size_t{64} << 20;

class AllocationWatch {
 public:
  AllocationWatch() {
    g_largest_allocation.store(0);
    g_watch_active.store(true);
  }
  ~AllocationWatch() { g_watch_active.store(false); }
  size_t largest() const { return g_largest_allocation.load(); }
};

// ------------------------------------------------------------------ building valid files

// Appends a deterministic value number i of type t (null every 5th row when nullable).
Status AppendValue(ArrayBuilder* b, const TypePtr& t, int i, bool nullable) {
  if (nullable && i % 5 == 4) return b->AppendNull();
  switch (t->id()) {
    case TypeId::kBool: return static_cast<columnar::BooleanBuilder*>(b)->Append(i % 3 == 0);
    case TypeId::kInt8: return static_cast<columnar::Int8Builder*>(b)->Append(static_cast<int8_t>(i - 3));
    case TypeId::kInt16: return static_cast<columnar::Int16Builder*>(b)->Append(static_cast<int16_t>(i * 300));
    case TypeId::kUInt8: return static_cast<columnar::UInt8Builder*>(b)->Append(static_cast<uint8_t>(250 + i % 6));
    case TypeId::kUInt16: return static_cast<columnar::UInt16Builder*>(b)->Append(static_cast<uint16_t>(65530 + i % 6));
    case TypeId::kUInt32: return static_cast<columnar::UInt32Builder*>(b)->Append(4294967290u + static_cast<uint32_t>(i % 6));
    case TypeId::kUInt64: return static_cast<columnar::UInt64Builder*>(b)->Append(~uint64_t{0} - static_cast<uint64_t>(i));
    case TypeId::kInt32:
    case TypeId::kDate32:
    case TypeId::kTime32: return static_cast<columnar::Int32Builder*>(b)->Append(i % 3);
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kTime64: return static_cast<columnar::Int64Builder*>(b)->Append(int64_t{1} << 40 | (i * 7));
    case TypeId::kFloat32: return static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(i) * 0.25f);
    case TypeId::kFloat64: return static_cast<columnar::DoubleBuilder*>(b)->Append(static_cast<double>(i % 4) - 1.5);
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kLargeString:
    case TypeId::kLargeBinary:
      return static_cast<columnar::BinaryBuilder*>(b)->Append("val" + std::to_string(i % 4));
    case TypeId::kFixedSizeBinary:
      return static_cast<columnar::FixedSizeBinaryBuilder*>(b)->Append(
          std::string(static_cast<size_t>(t->byte_width()), static_cast<char>('a' + i % 3)));
    case TypeId::kDecimal128:
      return static_cast<columnar::Decimal128Builder*>(b)->Append(static_cast<__int128>(i * 101 - 300));
    case TypeId::kStruct: {
      auto* sb = static_cast<columnar::StructBuilder*>(b);
      for (int c = 0; c < sb->num_children(); ++c) {
        const auto& f = t->children()[static_cast<size_t>(c)];
        DELTA_RETURN_NOT_OK(AppendValue(sb->child(c), f->type, i + c, f->nullable));
      }
      return sb->Append(true);
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      auto* lb = static_cast<columnar::ListBuilder*>(b);
      DELTA_RETURN_NOT_OK(lb->Append(true));
      const auto& f = t->children()[0];
      for (int j = 0; j < i % 3; ++j) DELTA_RETURN_NOT_OK(AppendValue(lb->value_builder(), f->type, i + j, f->nullable));
      return Status::OK();
    }
    case TypeId::kMap: {
      auto* mb = static_cast<columnar::MapBuilder*>(b);
      DELTA_RETURN_NOT_OK(mb->Append(true));
      const auto& entries = t->children()[0]->type;
      for (int j = 0; j < i % 3; ++j) {
        DELTA_RETURN_NOT_OK(static_cast<columnar::BinaryBuilder*>(mb->key_builder())->Append("k" + std::to_string(j)));
        DELTA_RETURN_NOT_OK(AppendValue(mb->item_builder(), entries->children()[1]->type, i + j, true));
      }
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("AppendValue: unsupported type " + t->ToString());
  }
}

RecordBatchPtr MakeBatch(const std::vector<columnar::FieldPtr>& fields, int rows) {
  auto schema = std::make_shared<columnar::Schema>(fields);
  auto builder = columnar::RecordBatchBuilder::Make(schema).ValueOrDie();
  for (int c = 0; c < schema->num_fields(); ++c) {
    for (int i = 0; i < rows; ++i) {
      Status st = AppendValue(builder->field(c), fields[static_cast<size_t>(c)]->type, i,
                              fields[static_cast<size_t>(c)]->nullable);
      if (!st.ok()) {
        ADD_FAILURE() << st.ToString();
        return nullptr;
      }
    }
  }
  return builder->Finish().ValueOrDie();
}

// id: int64 (plain-ish, many distinct), k: int32 required with 3 distinct values (a dictionary
// of 3), s: nullable strings, d: nullable doubles.
std::vector<columnar::FieldPtr> FlatFields() {
  return {MakeField("id", columnar::Int64(), false), MakeField("k", columnar::Int32(), false),
          MakeField("s", columnar::Utf8(), true), MakeField("d", columnar::Float64(), true)};
}

std::vector<columnar::FieldPtr> NestedFields() {
  return {MakeField("l", columnar::List(columnar::Int32()), true),
          MakeField("st", columnar::Struct({MakeField("a", columnar::Int32(), true), MakeField("b", columnar::Utf8(), true)}),
                    true),
          MakeField("m", columnar::Map(columnar::Utf8(), columnar::Int64()), true)};
}

std::string WriteFile(const RecordBatchPtr& batch, const WriterProperties& props) {
  auto out = std::make_shared<io::BufferOutputStream>();
  auto w = FileWriter::Open(out, batch->schema, props).ValueOrDie();
  Status st = w->WriteBatch(*batch);
  if (st.ok()) st = w->Close();
  if (!st.ok()) {
    ADD_FAILURE() << st.ToString();
    return "";
  }
  return std::string(out->TakeBuffer().ValueOrDie()->view());
}

WriterProperties Props(CompressionCodec codec, bool v2 = false) {
  WriterProperties p;
  p.compression = codec;
  p.data_page_v2 = v2;
  return p;
}

std::string FlatFile(CompressionCodec codec = CompressionCodec::UNCOMPRESSED, bool v2 = false, int rows = 100) {
  return WriteFile(MakeBatch(FlatFields(), rows), Props(codec, v2));
}

// ------------------------------------------------------------------ locating the structures

struct Parsed {
  FileMetaData md;
  int64_t footer_offset = 0;  // where the Thrift footer starts
};

Parsed Parse(const std::string& f) {
  Parsed p;
  const auto* d = reinterpret_cast<const uint8_t*>(f.data());
  const int64_t len = bit_util::LoadLE<uint32_t>(d + f.size() - 8);
  p.footer_offset = static_cast<int64_t>(f.size()) - 8 - len;
  p.md = DeserializeFileMetaData(d + p.footer_offset, len).ValueOrDie();
  return p;
}

struct PageLoc {
  int64_t header_offset = 0;
  int64_t data_offset = 0;
  PageHeader header;
  int64_t end() const { return data_offset + header.compressed_page_size; }
};

int64_t ChunkStart(const ColumnMetaData& m) {
  int64_t start = m.data_page_offset;
  if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 && *m.dictionary_page_offset < start) {
    start = *m.dictionary_page_offset;
  }
  return start;
}

std::vector<PageLoc> Pages(const std::string& f, const ColumnMetaData& m) {
  std::vector<PageLoc> out;
  const auto* d = reinterpret_cast<const uint8_t*>(f.data());
  int64_t pos = ChunkStart(m);
  const int64_t end = pos + m.total_compressed_size;
  while (pos < end) {
    PageLoc loc;
    loc.header_offset = pos;
    int64_t consumed = 0;
    loc.header = DeserializePageHeader(d + pos, end - pos, &consumed).ValueOrDie();
    loc.data_offset = pos + consumed;
    pos = loc.end();
    out.push_back(loc);
  }
  return out;
}

const ColumnMetaData& Meta(const Parsed& p, int col, int rg = 0) {
  return *p.md.row_groups[static_cast<size_t>(rg)].columns[static_cast<size_t>(col)].meta_data;
}

// The first page of the given type in a column chunk.
PageLoc FindPage(const std::string& f, int col, PageType type, int rg = 0) {
  for (const auto& p : Pages(f, Meta(Parse(f), col, rg)))
    if (p.header.type == type) return p;
  ADD_FAILURE() << "no page of type " << PageTypeName(type) << " in column " << col;
  return {};
}

// The file bytes before the footer followed by the serialised `md`, its length and the magic.
std::string Rebuild(const std::string& body, const FileMetaData& md) {
  std::string footer;
  SerializeFileMetaData(md, &footer);
  std::string out = body + footer;
  uint8_t len[4];
  bit_util::StoreLE<uint32_t>(len, static_cast<uint32_t>(footer.size()));
  out.append(reinterpret_cast<const char*>(len), 4);
  return out + "PAR1";
}

std::string WithFooter(const std::string& f, const FileMetaData& md) {
  return Rebuild(f.substr(0, static_cast<size_t>(Parse(f).footer_offset)), md);
}

// Replaces page `page` of column chunk (rg, col) by `header` + `payload` (header written as
// given: the caller decides whether its sizes tell the truth) and shifts every later offset in
// the footer so the rest of the file stays valid.
std::string ReplacePage(const std::string& f, int col, const PageLoc& page, const PageHeader& header,
                        const std::string& payload, int rg = 0) {
  Parsed p = Parse(f);
  std::string bytes;
  SerializePageHeader(header, &bytes);
  bytes += payload;
  const int64_t old_begin = page.header_offset, old_end = page.end();
  const int64_t delta = static_cast<int64_t>(bytes.size()) - (old_end - old_begin);
  std::string body = f.substr(0, static_cast<size_t>(old_begin)) + bytes +
                     f.substr(static_cast<size_t>(old_end), static_cast<size_t>(p.footer_offset - old_end));
  auto shift = [&](int64_t& off) {
    if (off >= old_end) off += delta;
  };
  for (auto& group : p.md.row_groups) {
    if (group.file_offset) shift(*group.file_offset);
    for (auto& chunk : group.columns) {
      shift(chunk.file_offset);
      auto& m = *chunk.meta_data;
      shift(m.data_page_offset);
      if (m.dictionary_page_offset) shift(*m.dictionary_page_offset);
    }
  }
  auto& m = *p.md.row_groups[static_cast<size_t>(rg)].columns[static_cast<size_t>(col)].meta_data;
  m.total_compressed_size += delta;
  m.total_uncompressed_size += delta;
  return Rebuild(body, p.md);
}

// A page whose header keeps its type and counts but whose sizes describe `payload` exactly.
std::string ReplacePayload(const std::string& f, int col, const PageLoc& page, const std::string& payload) {
  PageHeader h = page.header;
  h.compressed_page_size = static_cast<int32_t>(payload.size());
  h.uncompressed_page_size = static_cast<int32_t>(payload.size());
  h.crc.reset();
  return ReplacePage(f, col, page, h, payload);
}

std::string Uleb(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v);
  return out;
}

// ------------------------------------------------------------------ reading and checking

Result<RecordBatchPtr> ReadBytes(const std::string& bytes, int num_threads = 1) {
  DELTA_ASSIGN_OR_RAISE(auto buf, columnar::Buffer::CopyOf(bytes));
  ReaderOptions options;
  options.num_threads = num_threads;
  DELTA_ASSIGN_OR_RAISE(auto reader, FileReader::Open(io::MakeBufferFile(buf, kFileName), options));
  return reader->ReadAll();
}

Status ReadStatus(const std::string& bytes, int num_threads = 1) { return ReadBytes(bytes, num_threads).status(); }

// The error is `code`, names the file and, when given, the column.
::testing::AssertionResult Rejected(const Status& st, const std::string& column = "",
                                    StatusCode code = StatusCode::kCorruptData) {
  if (st.ok()) return ::testing::AssertionFailure() << "unexpectedly read successfully";
  if (st.code() != code) return ::testing::AssertionFailure() << "wrong code: " << st.ToString();
  if (st.message().find(kFileName) == std::string::npos) {
    return ::testing::AssertionFailure() << "message does not name the file: " << st.ToString();
  }
  if (!column.empty() && st.message().find("column " + column) == std::string::npos) {
    return ::testing::AssertionFailure() << "message does not name column " << column << ": " << st.ToString();
  }
  return ::testing::AssertionSuccess() << st.ToString();
}

// Reads `bytes` under the allocation watch; the read must be rejected as above.
::testing::AssertionResult RejectedCheaply(const std::string& bytes, const std::string& column = "",
                                           StatusCode code = StatusCode::kCorruptData) {
  Status st;
  size_t largest = 0;
  {
    AllocationWatch watch;
    st = ReadStatus(bytes);
    largest = watch.largest();
  }
  auto r = Rejected(st, column, code);
  if (!r) return r;
  if (largest > kAllocationBudget) {
    return ::testing::AssertionFailure() << "allocated " << largest << " bytes at once for: " << st.ToString();
  }
  return r;
}

int ColumnIndex(const std::string& f, const std::string& path) {
  const Parsed p = Parse(f);
  for (size_t i = 0; i < p.md.row_groups[0].columns.size(); ++i) {
    const auto& names = p.md.row_groups[0].columns[i].meta_data->path_in_schema;
    std::string dotted;
    for (const auto& n : names) dotted += (dotted.empty() ? "" : ".") + n;
    if (dotted == path) return static_cast<int>(i);
  }
  ADD_FAILURE() << "no column " << path;
  return 0;
}

// ------------------------------------------------------------------ the control

TEST(ReaderHostile, UnmodifiedFilesRead) {
  for (auto codec : {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY, CompressionCodec::ZSTD}) {
    for (bool v2 : {false, true}) {
      const std::string f = FlatFile(codec, v2);
      ASSERT_OK_AND_ASSIGN(auto batch, ReadBytes(f));
      ASSERT_EQ(batch->num_rows, 100);
      EXPECT_EQ(batch->column(0)->GetFixed(99).size(), 8u);
      EXPECT_EQ(bit_util::LoadLE<int64_t>(batch->column(0)->GetFixed(99).data()), int64_t{1} << 40 | (99 * 7));
    }
  }
  const std::string nested = WriteFile(MakeBatch(NestedFields(), 50), Props(CompressionCodec::GZIP));
  ASSERT_OK_AND_ASSIGN(auto batch, ReadBytes(nested));
  EXPECT_EQ(batch->num_rows, 50);
}

// ------------------------------------------------------------------ truncation and framing

TEST(ReaderHostile, TruncatedAtEveryOffset) {
  for (auto codec : {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY}) {
    const std::string f = FlatFile(codec, false, 20);
    for (size_t n = 0; n < f.size(); ++n) {
      ASSERT_TRUE(RejectedCheaply(f.substr(0, n))) << "truncated to " << n << " of " << f.size();
    }
  }
}

TEST(ReaderHostile, DataCutOutBeforeTheFooter) {
  // The footer survives but the column chunks it points to are shortened or gone; footer bytes
  // now stand where page bytes were. Where a chunk reaches past the shortened file the read must
  // fail; elsewhere the damage may hit only value bytes (no checksums), so the read must either
  // succeed or fail cleanly, and most reads must fail.
  const std::string f = FlatFile(CompressionCodec::SNAPPY, false, 20);
  const Parsed p = Parse(f);
  const int64_t footer = p.footer_offset;
  int64_t chunks_end = 0;
  for (const auto& c : p.md.row_groups[0].columns) {
    chunks_end = std::max(chunks_end, ChunkStart(*c.meta_data) + c.meta_data->total_compressed_size);
  }
  ASSERT_GT(chunks_end, 100);
  int failures = 0;
  for (int64_t keep = 0; keep < chunks_end; ++keep) {
    const std::string cut = f.substr(0, static_cast<size_t>(keep)) + f.substr(static_cast<size_t>(footer));
    AllocationWatch watch;
    const Status st = ReadStatus(cut);
    ASSERT_LE(watch.largest(), kAllocationBudget) << "keep " << keep;
    if (chunks_end > static_cast<int64_t>(cut.size())) ASSERT_FALSE(st.ok()) << "keep " << keep;
    if (st.ok()) continue;
    ++failures;
    ASSERT_TRUE(Rejected(st)) << "keep " << keep;
  }
  EXPECT_GT(failures, chunks_end * 9 / 10);
}

TEST(ReaderHostile, WrongMagic) {
  const std::string f = FlatFile();
  std::string head = f;
  head[3] = '2';
  EXPECT_TRUE(RejectedCheaply(head));
  std::string tail = f;
  tail[tail.size() - 1] = 'X';
  EXPECT_TRUE(RejectedCheaply(tail));
  std::string encrypted = f;
  encrypted[encrypted.size() - 1] = 'E';
  EXPECT_TRUE(RejectedCheaply(encrypted, "", StatusCode::kUnsupported));
  EXPECT_TRUE(RejectedCheaply(""));
  EXPECT_TRUE(RejectedCheaply("PAR1PAR1"));
  EXPECT_TRUE(RejectedCheaply(std::string("PAR1\0\0\0\0PAR1", 12)));
}

TEST(ReaderHostile, FooterLengthBeyondTheFile) {
  const std::string f = FlatFile();
  for (uint32_t len : {static_cast<uint32_t>(f.size() - 11), static_cast<uint32_t>(f.size()), 0x7FFFFFFFu, 0xFFFFFFFFu}) {
    std::string g = f;
    bit_util::StoreLE<uint32_t>(reinterpret_cast<uint8_t*>(g.data() + g.size() - 8), len);
    ASSERT_TRUE(RejectedCheaply(g)) << len;
  }
  // A zero-length footer holds no FileMetaData.
  std::string zero = f;
  bit_util::StoreLE<uint32_t>(reinterpret_cast<uint8_t*>(zero.data() + zero.size() - 8), 0);
  EXPECT_TRUE(RejectedCheaply(zero));
}

// ------------------------------------------------------------------ Thrift

TEST(ReaderHostile, CorruptFooterThrift) {
  const std::string f = FlatFile(CompressionCodec::SNAPPY);
  const Parsed p = Parse(f);
  const int64_t footer_len = static_cast<int64_t>(f.size()) - 8 - p.footer_offset;
  // All 0xFF: field headers with impossible types.
  std::string ff = f;
  std::memset(ff.data() + p.footer_offset, 0xFF, static_cast<size_t>(footer_len));
  EXPECT_TRUE(RejectedCheaply(ff));
  // The footer cut in half (and the length field telling the truth about the cut).
  const std::string body = f.substr(0, static_cast<size_t>(p.footer_offset));
  std::string half = body + f.substr(static_cast<size_t>(p.footer_offset), static_cast<size_t>(footer_len / 2));
  uint8_t len[4];
  bit_util::StoreLE<uint32_t>(len, static_cast<uint32_t>(footer_len / 2));
  half.append(reinterpret_cast<const char*>(len), 4);
  half += "PAR1";
  EXPECT_TRUE(RejectedCheaply(half));
  // Every single-byte corruption: either still a readable file or a clean error naming it.
  int failures = 0;
  for (int64_t i = 0; i < footer_len; ++i) {
    for (uint8_t x : {0xFF, 0x80, 0x01}) {
      std::string g = f;
      g[static_cast<size_t>(p.footer_offset + i)] ^= static_cast<char>(x);
      AllocationWatch watch;
      const Status st = ReadStatus(g);
      ASSERT_LE(watch.largest(), kAllocationBudget) << "byte " << i;
      if (st.ok()) continue;
      ++failures;
      ASSERT_THAT(st.message(), HasSubstr(kFileName)) << st.ToString();
      ASSERT_TRUE(st.IsCorruptData() || st.IsUnsupported() || st.IsInvalidArgument()) << st.ToString();
    }
  }
  EXPECT_GT(failures, footer_len / 2);
}

TEST(ReaderHostile, CorruptPageHeaderThrift) {
  const std::string f = FlatFile(CompressionCodec::SNAPPY);
  const int col = ColumnIndex(f, "s");
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  std::string g = f;
  std::memset(g.data() + page.header_offset, 0xFF, static_cast<size_t>(page.data_offset - page.header_offset));
  EXPECT_TRUE(RejectedCheaply(g, "s"));
  // Every single-byte corruption of the header: readable or a clean error naming file + column.
  for (int64_t i = page.header_offset; i < page.data_offset; ++i) {
    for (uint8_t x : {0xFF, 0x80, 0x01, 0x10}) {
      std::string h = f;
      h[static_cast<size_t>(i)] ^= static_cast<char>(x);
      AllocationWatch watch;
      const Status st = ReadStatus(h);
      ASSERT_LE(watch.largest(), kAllocationBudget) << "byte " << i;
      if (st.ok()) continue;
      ASSERT_THAT(st.message(), HasSubstr(kFileName)) << st.ToString();
      ASSERT_THAT(st.message(), HasSubstr("column s")) << st.ToString();
      ASSERT_TRUE(st.IsCorruptData() || st.IsUnsupported()) << st.ToString();
    }
  }
}

TEST(ReaderHostile, SchemaNumChildrenRunsPastTheEnd) {
  const std::string f = FlatFile();
  FileMetaData md = Parse(f).md;
  md.schema[0].num_children = 100;
  EXPECT_TRUE(RejectedCheaply(WithFooter(f, md)));
  md.schema[0].num_children = 0x7FFFFFFF;
  EXPECT_TRUE(RejectedCheaply(WithFooter(f, md)));
  // A nested group claiming more children than there are elements after it.
  const std::string n = WriteFile(MakeBatch(NestedFields(), 10), Props(CompressionCodec::UNCOMPRESSED));
  FileMetaData nmd = Parse(n).md;
  for (auto& e : nmd.schema) {
    if (e.name == "st") e.num_children = 1000;
  }
  EXPECT_TRUE(RejectedCheaply(WithFooter(n, nmd)));
  // Fewer schema elements than the root announces.
  FileMetaData short_md = Parse(f).md;
  short_md.schema.pop_back();
  EXPECT_TRUE(RejectedCheaply(WithFooter(f, short_md)));
}

// ------------------------------------------------------------------ footer offsets and counts

TEST(ReaderHostile, ColumnChunkOutsideTheFile) {
  const std::string f = FlatFile();
  const int col = ColumnIndex(f, "d");
  const int64_t size = static_cast<int64_t>(f.size());
  struct Case {
    int64_t data_offset;
    int64_t total_compressed;
  };
  for (const Case& c : {Case{size + 100, 10}, Case{-5, 10}, Case{0, 10}, Case{4, size * 4},
                        Case{int64_t{1} << 62, 10}, Case{4, int64_t{1} << 62}, Case{4, -1}}) {
    FileMetaData md = Parse(f).md;
    auto& m = *md.row_groups[0].columns[static_cast<size_t>(col)].meta_data;
    m.data_page_offset = c.data_offset;
    m.dictionary_page_offset.reset();
    m.total_compressed_size = c.total_compressed;
    EXPECT_TRUE(RejectedCheaply(WithFooter(f, md), "d")) << c.data_offset << " +" << c.total_compressed;
  }
}

TEST(ReaderHostile, HugeDeclaredCounts) {
  const std::string f = FlatFile();
  const int col = ColumnIndex(f, "d");
  {  // the chunk claims more values than its pages hold
    FileMetaData md = Parse(f).md;
    md.row_groups[0].columns[static_cast<size_t>(col)].meta_data->num_values = int64_t{1} << 40;
    EXPECT_TRUE(RejectedCheaply(WithFooter(f, md), "d"));
  }
  {  // the row group claims more rows than the chunks hold
    FileMetaData md = Parse(f).md;
    md.row_groups[0].num_rows = int64_t{1} << 40;
    md.num_rows = int64_t{1} << 40;
    EXPECT_TRUE(RejectedCheaply(WithFooter(f, md)));
  }
  {  // negative counts
    FileMetaData md = Parse(f).md;
    md.row_groups[0].num_rows = -1;
    EXPECT_TRUE(RejectedCheaply(WithFooter(f, md)));
  }
}

// ------------------------------------------------------------------ pages

TEST(ReaderHostile, DictionaryIndexOutOfRange) {
  const std::string f = FlatFile(CompressionCodec::UNCOMPRESSED);
  const int col = ColumnIndex(f, "k");
  const PageLoc dict = FindPage(f, col, PageType::DICTIONARY_PAGE);
  ASSERT_EQ(dict.header.dictionary_page_header->num_values, 3);
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  const int n = page.header.data_page_header->num_values;
  ASSERT_EQ(n, 100);
  // k is required: the page is just the index bit width and one RLE run of n copies.
  auto run = [&](int bit_width, uint8_t index) {
    std::string payload(1, static_cast<char>(bit_width));
    payload += Uleb(static_cast<uint64_t>(n) << 1);
    payload.push_back(static_cast<char>(index));
    return ReplacePayload(f, col, page, payload);
  };
  // The control: index 2 is the third dictionary value (k = i % 3 + ..., so 2 for i = 2).
  ASSERT_OK_AND_ASSIGN(auto batch, ReadBytes(run(2, 2)));
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(bit_util::LoadLE<int32_t>(batch->column(1)->GetFixed(i).data()), 2);
  EXPECT_TRUE(RejectedCheaply(run(2, 3), "k"));
  EXPECT_TRUE(RejectedCheaply(run(8, 255), "k"));
  // A bit-packed run of indices with one out of range.
  std::string packed(1, '\x02');
  packed += Uleb((static_cast<uint64_t>(n + 7) / 8) << 1 | 1);
  std::string bits(static_cast<size_t>((n + 7) / 8 * 2), '\0');
  bits[5] = '\x0C';  // index 20 (bits 40..41) = 3
  EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, packed + bits), "k"));
}

TEST(ReaderHostile, MaliciousIndexBitWidth) {
  const std::string f = FlatFile(CompressionCodec::UNCOMPRESSED);
  const int col = ColumnIndex(f, "k");
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  for (int bw : {33, 40, 64, 255}) {
    std::string payload(1, static_cast<char>(bw));
    payload += Uleb(100 << 1);
    payload += std::string(8, '\0');
    EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, payload), "k")) << bw;
  }
  // Bit width 0 with indices beyond... is index 0 everywhere: valid, the first dictionary value.
  std::string zero(1, '\0');
  zero += Uleb(100 << 1);
  ASSERT_OK_AND_ASSIGN(auto batch, ReadBytes(ReplacePayload(f, col, page, zero)));
  EXPECT_EQ(bit_util::LoadLE<int32_t>(batch->column(1)->GetFixed(50).data()), 0);
  // A huge bit-packed group count behind a legal width.
  std::string groups(1, '\x02');
  groups += Uleb((uint64_t{1} << 28) << 1 | 1);
  EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, groups), "k"));
}

TEST(ReaderHostile, LevelsOutOfRangeOrTruncated) {
  const std::string f = FlatFile(CompressionCodec::UNCOMPRESSED);
  const int col = ColumnIndex(f, "d");
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  const std::string& file = f;
  const std::string values = file.substr(static_cast<size_t>(page.data_offset), static_cast<size_t>(page.header.compressed_page_size));
  const int32_t old_levels = bit_util::LoadLE<int32_t>(reinterpret_cast<const uint8_t*>(values.data()));
  const std::string after_levels = values.substr(4 + static_cast<size_t>(old_levels));
  auto with_levels = [&](const std::string& rle) {
    std::string payload(4, '\0');
    bit_util::StoreLE<int32_t>(reinterpret_cast<uint8_t*>(payload.data()), static_cast<int32_t>(rle.size()));
    return ReplacePayload(f, col, page, payload + rle + after_levels);
  };
  // Definition level 5 where the maximum is 1 (an RLE run of 100 fives, bit width 1 is what the
  // reader uses, so a value byte of 5 is out of range).
  EXPECT_TRUE(RejectedCheaply(with_levels(Uleb(100 << 1) + "\x05"), "d"));
  // A bit-packed run claiming 2^24 groups of 8 levels in two bytes.
  EXPECT_TRUE(RejectedCheaply(with_levels(Uleb((uint64_t{1} << 24) << 1 | 1) + "\xFF\xFF"), "d"));
  // Level length field larger than the page.
  std::string big(4, '\0');
  bit_util::StoreLE<int32_t>(reinterpret_cast<uint8_t*>(big.data()), 1 << 30);
  EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, big + after_levels), "d"));
  bit_util::StoreLE<int32_t>(reinterpret_cast<uint8_t*>(big.data()), -4);
  EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, big + after_levels), "d"));
}

TEST(ReaderHostile, NumValuesInconsistentWithLevels) {
  const std::string f = FlatFile(CompressionCodec::UNCOMPRESSED);
  const int col = ColumnIndex(f, "d");
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  for (int32_t n : {101, 99, 0, -1, 0x7FFFFFFF}) {
    PageHeader h = page.header;
    h.data_page_header->num_values = n;
    const std::string payload =
        f.substr(static_cast<size_t>(page.data_offset), static_cast<size_t>(page.header.compressed_page_size));
    EXPECT_TRUE(RejectedCheaply(ReplacePage(f, col, page, h, payload), "d")) << n;
  }
  // v2: num_nulls beyond num_values, level lengths beyond the page.
  const std::string v2 = FlatFile(CompressionCodec::SNAPPY, true);
  const int col2 = ColumnIndex(v2, "d");
  const PageLoc p2 = FindPage(v2, col2, PageType::DATA_PAGE_V2);
  const std::string payload2 =
      v2.substr(static_cast<size_t>(p2.data_offset), static_cast<size_t>(p2.header.compressed_page_size));
  {
    PageHeader h = p2.header;
    h.data_page_header_v2->num_nulls = h.data_page_header_v2->num_values + 1;
    EXPECT_TRUE(RejectedCheaply(ReplacePage(v2, col2, p2, h, payload2), "d"));
  }
  {
    PageHeader h = p2.header;
    h.data_page_header_v2->definition_levels_byte_length = h.compressed_page_size + 1;
    EXPECT_TRUE(RejectedCheaply(ReplacePage(v2, col2, p2, h, payload2), "d"));
  }
  {
    PageHeader h = p2.header;
    h.data_page_header_v2->num_values = 0x7FFFFFFF;
    EXPECT_TRUE(RejectedCheaply(ReplacePage(v2, col2, p2, h, payload2), "d"));
  }
}

// A page (and its chunk) announcing far more values than its bytes hold: the reader must notice
// before it allocates room for the announced count.
std::string WithPageCount(const std::string& f, int col, PageType type, int32_t n) {
  const PageLoc page = FindPage(f, col, type);
  PageHeader h = page.header;
  if (h.data_page_header) h.data_page_header->num_values = n;
  if (h.data_page_header_v2) {
    h.data_page_header_v2->num_values = n;
    h.data_page_header_v2->num_rows = n;
  }
  const std::string payload =
      f.substr(static_cast<size_t>(page.data_offset), static_cast<size_t>(page.header.compressed_page_size));
  const std::string g = ReplacePage(f, col, page, h, payload);
  FileMetaData md = Parse(g).md;
  md.row_groups[0].columns[static_cast<size_t>(col)].meta_data->num_values = n;
  return WithFooter(g, md);
}

TEST(ReaderHostile, DeclaredValueCountBeyondTheBytes) {
  constexpr int32_t kHuge = 1 << 26;
  WriterProperties props = Props(CompressionCodec::UNCOMPRESSED);
  props.column_encodings["id"] = Encoding::PLAIN;
  for (bool v2 : {false, true}) {
    props.data_page_v2 = v2;
    const std::string f = WriteFile(MakeBatch(FlatFields(), 100), props);
    const PageType type = v2 ? PageType::DATA_PAGE_V2 : PageType::DATA_PAGE;
    // Definition levels (d is nullable): an RLE stream of 100 levels cannot hold 2^26.
    EXPECT_TRUE(RejectedCheaply(WithPageCount(f, ColumnIndex(f, "d"), type, kHuge), "d")) << v2;
    // Dictionary indices of a required column.
    EXPECT_TRUE(RejectedCheaply(WithPageCount(f, ColumnIndex(f, "k"), type, kHuge), "k")) << v2;
    // PLAIN values of a required column: 800 bytes are not 2^26 int64s.
    EXPECT_TRUE(RejectedCheaply(WithPageCount(f, ColumnIndex(f, "id"), type, kHuge), "id")) << v2;
  }
  // Repetition levels of a list.
  const std::string n = WriteFile(MakeBatch(NestedFields(), 40), Props(CompressionCodec::UNCOMPRESSED));
  EXPECT_TRUE(RejectedCheaply(WithPageCount(n, ColumnIndex(n, "l.list.element"), PageType::DATA_PAGE, kHuge),
                              "l.list.element"));
}

// A dictionary page announcing more values than its bytes can hold: int64 values take 8 bytes
// each, so 1 MiB of page cannot hold 8 Mi of them (nor may the reader allocate 64 MiB for them).
TEST(ReaderHostile, DictionaryCountBeyondTheBytes) {
  const std::string f = FlatFile(CompressionCodec::UNCOMPRESSED);
  const int col = ColumnIndex(f, "id");
  const PageLoc dict = FindPage(f, col, PageType::DICTIONARY_PAGE);
  const std::string payload((size_t{1} << 20) + 4096, '\0');
  PageHeader h = dict.header;
  h.compressed_page_size = h.uncompressed_page_size = static_cast<int32_t>(payload.size());
  h.dictionary_page_header->num_values = static_cast<int32_t>(payload.size() * 8);
  EXPECT_TRUE(RejectedCheaply(ReplacePage(f, col, dict, h, payload), "id"));
  h.dictionary_page_header->num_values = static_cast<int32_t>(payload.size() / 8 + 1);
  EXPECT_TRUE(RejectedCheaply(ReplacePage(f, col, dict, h, payload), "id"));
}

TEST(ReaderHostile, PageSizesBeyondTheChunk) {
  for (auto codec : {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY}) {
    const std::string f = FlatFile(codec);
    const int col = ColumnIndex(f, "s");
    const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
    const std::string payload =
        f.substr(static_cast<size_t>(page.data_offset), static_cast<size_t>(page.header.compressed_page_size));
    for (int32_t size : {page.header.compressed_page_size + 1, 1 << 30, 0x7FFFFFFF, -1}) {
      PageHeader h = page.header;
      h.compressed_page_size = size;
      EXPECT_TRUE(RejectedCheaply(ReplacePage(f, col, page, h, payload), "s")) << size;
      h = page.header;
      h.uncompressed_page_size = size;
      EXPECT_TRUE(RejectedCheaply(ReplacePage(f, col, page, h, payload), "s")) << size;
    }
  }
}

// A page that decompresses to far more than it declares, and one that declares 2 GB.
TEST(ReaderHostile, DecompressionBombs) {
  for (auto codec : {CompressionCodec::ZSTD, CompressionCodec::GZIP, CompressionCodec::SNAPPY, CompressionCodec::BROTLI,
                     CompressionCodec::LZ4_RAW}) {
    const std::string f = FlatFile(codec);
    const int col = ColumnIndex(f, "id");
    const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
    std::string bomb;
    const std::string zeros(size_t{1} << 20, '\0');
    ASSERT_OK(Compress(codec, reinterpret_cast<const uint8_t*>(zeros.data()), static_cast<int64_t>(zeros.size()), &bomb));
    PageHeader h = page.header;
    h.compressed_page_size = static_cast<int32_t>(bomb.size());
    // Declared small, real 1 MiB: the decompressor must stop at the declared size.
    EXPECT_TRUE(RejectedCheaply(ReplacePage(f, col, page, h, bomb), "id")) << CodecName(codec);
    // Declared 2 GiB, with the chunk's total_uncompressed_size backing the claim.
    h.uncompressed_page_size = 0x7FFFFFFF;
    std::string g = ReplacePage(f, col, page, h, bomb);
    FileMetaData md = Parse(g).md;
    md.row_groups[0].columns[static_cast<size_t>(col)].meta_data->total_uncompressed_size = int64_t{1} << 40;
    EXPECT_TRUE(RejectedCheaply(WithFooter(g, md), "id")) << CodecName(codec);
    // Declared 2 GiB with a tiny payload.
    const std::string tiny = bomb.substr(0, std::min<size_t>(bomb.size(), 16));
    h.compressed_page_size = static_cast<int32_t>(tiny.size());
    g = ReplacePage(f, col, page, h, tiny);
    md = Parse(g).md;
    md.row_groups[0].columns[static_cast<size_t>(col)].meta_data->total_uncompressed_size = int64_t{1} << 40;
    EXPECT_TRUE(RejectedCheaply(WithFooter(g, md), "id")) << CodecName(codec);
  }
}

// The bound on declared page sizes must not refuse real pages of extreme compression ratio.
TEST(ReaderHostile, HighlyCompressiblePagesStillRead) {
  std::vector<columnar::FieldPtr> fields = {MakeField("z", columnar::Int64(), false)};
  auto schema = std::make_shared<columnar::Schema>(fields);
  const int64_t rows = 400000;  // one 3.2 MB PLAIN page of zeros
  auto zeros = columnar::Buffer::Allocate(rows * 8, true).ValueOrDie();
  auto arr = std::make_shared<columnar::ArrayData>();
  arr->type = columnar::Int64();
  arr->length = rows;
  arr->buffers = {nullptr, zeros};
  auto batch = columnar::MakeRecordBatch(schema, {arr}).ValueOrDie();
  for (auto codec : {CompressionCodec::SNAPPY, CompressionCodec::GZIP, CompressionCodec::ZSTD, CompressionCodec::BROTLI,
                     CompressionCodec::LZ4_RAW}) {
    WriterProperties props = Props(codec);
    props.dictionary_enabled = false;
    props.data_page_row_limit = rows;
    props.data_page_size = int64_t{16} << 20;
    const std::string f = WriteFile(batch, props);
    const PageLoc page = FindPage(f, 0, PageType::DATA_PAGE);
    ASSERT_GE(page.header.uncompressed_page_size, rows * 8) << CodecName(codec);
    ASSERT_OK_AND_ASSIGN(auto back, ReadBytes(f));
    ASSERT_EQ(back->num_rows, rows);
    EXPECT_EQ(bit_util::LoadLE<int64_t>(back->column(0)->GetFixed(rows - 1).data()), 0);
  }
}

TEST(ReaderHostile, DeltaBinaryPackedHugeMiniblockCount) {
  WriterProperties props = Props(CompressionCodec::UNCOMPRESSED);
  props.column_encodings["id"] = Encoding::DELTA_BINARY_PACKED;
  const std::string f = WriteFile(MakeBatch(FlatFields(), 100), props);
  const int col = ColumnIndex(f, "id");
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  ASSERT_EQ(page.header.data_page_header->encoding, Encoding::DELTA_BINARY_PACKED);
  ASSERT_OK(ReadStatus(f));
  // block size, miniblocks per block, total values, first value (zigzag), then blocks.
  auto header = [](uint64_t block, uint64_t minis, uint64_t total) {
    return Uleb(block) + Uleb(minis) + Uleb(total) + Uleb(0);
  };
  for (const std::string& payload :
       {header(128, uint64_t{1} << 40, 100), header(uint64_t{1} << 31, uint64_t{1} << 26, 100),
        header(uint64_t{1} << 31, uint64_t{1} << 26, 100) + Uleb(0) + std::string(64, '\0'),
        header(128, 4, 100) + Uleb(0) + std::string(4, '\x40'), header(128, 4, uint64_t{1} << 62),
        header(0, 0, 100), header(96, 3, 100)}) {
    EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, payload), "id"));
  }
}

TEST(ReaderHostile, NestedColumnLevelsAndCounts) {
  const std::string f = WriteFile(MakeBatch(NestedFields(), 40), Props(CompressionCodec::UNCOMPRESSED));
  ASSERT_OK(ReadStatus(f));
  const std::string path = "l.list.element";
  const int col = ColumnIndex(f, path);
  const PageLoc page = FindPage(f, col, PageType::DATA_PAGE);
  // Repetition levels that do not start a record: an RLE run of 1s.
  std::string rep(4, '\0');
  const std::string run = Uleb(static_cast<uint64_t>(page.header.data_page_header->num_values) << 1) + "\x01";
  bit_util::StoreLE<int32_t>(reinterpret_cast<uint8_t*>(rep.data()), static_cast<int32_t>(run.size()));
  const std::string payload =
      f.substr(static_cast<size_t>(page.data_offset), static_cast<size_t>(page.header.compressed_page_size));
  const int32_t old_rep = bit_util::LoadLE<int32_t>(reinterpret_cast<const uint8_t*>(payload.data()));
  const std::string rest = payload.substr(4 + static_cast<size_t>(old_rep));
  EXPECT_TRUE(RejectedCheaply(ReplacePayload(f, col, page, rep + run + rest), path));
  // One more row in the row group than the list column holds.
  FileMetaData md = Parse(f).md;
  md.row_groups[0].num_rows += 1;
  EXPECT_TRUE(RejectedCheaply(WithFooter(f, md)));
}

// ------------------------------------------------------------------ fuzzer seed corpus

struct Seed {
  std::string name;
  std::vector<columnar::FieldPtr> fields;
  WriterProperties props;
  int rows;
};

std::vector<Seed> SeedFiles() {
  using namespace columnar;  // NOLINT(build/namespaces): many type factories
  std::vector<Seed> out;
  auto props = [](CompressionCodec codec, bool v2, bool dict) {
    WriterProperties p;
    p.compression = codec;
    p.data_page_v2 = v2;
    p.dictionary_enabled = dict;
    p.data_page_row_limit = 6;
    return p;
  };
  out.push_back({"flat_plain_uncompressed",
                 {MakeField("b", Bool()), MakeField("i32", Int32(), false), MakeField("i64", Int64()),
                  MakeField("f", Float32()), MakeField("d", Float64()), MakeField("s", Utf8())},
                 props(CompressionCodec::UNCOMPRESSED, false, false), 10});
  out.push_back({"flat_dict_snappy",
                 {MakeField("i32", Int32()), MakeField("s", Utf8()), MakeField("bin", Binary(), false)},
                 props(CompressionCodec::SNAPPY, false, true), 12});
  out.push_back({"flat_dict_zstd_v2",
                 {MakeField("i64", Int64()), MakeField("s", Utf8()), MakeField("d", Float64(), false)},
                 props(CompressionCodec::ZSTD, true, true), 12});
  out.push_back({"logical_types_gzip",
                 {MakeField("i8", Int8()), MakeField("u16", UInt16()), MakeField("u64", UInt64()),
                  MakeField("date", Date32()), MakeField("ts", Timestamp(TimeUnit::kMicro, "UTC")),
                  MakeField("t", Time64(TimeUnit::kNano)), MakeField("dec9", Decimal128(9, 2)),
                  MakeField("dec30", Decimal128(30, 4)), MakeField("fsb", FixedSizeBinary(3))},
                 props(CompressionCodec::GZIP, false, true), 6});
  out.back().props.write_statistics = false;  // keeps the seed under 2 KB
  out.push_back({"nested_uncompressed_v2",
                 {MakeField("l", List(Int32())),
                  MakeField("st", Struct({MakeField("a", Int32()), MakeField("b", Utf8())})),
                  MakeField("m", Map(Utf8(), Int64()))},
                 props(CompressionCodec::UNCOMPRESSED, true, true), 8});
  out.push_back({"nested_snappy_v1",
                 {MakeField("ll", List(MakeField("element", List(Utf8()), true))), MakeField("m", Map(Utf8(), Int64()))},
                 props(CompressionCodec::SNAPPY, false, false), 8});
  {
    Seed s{"delta_encodings_v2",
           {MakeField("dbp32", Int32()), MakeField("dbp64", Int64(), false), MakeField("dlba", Utf8()),
            MakeField("dba", Binary()), MakeField("bss", Float64())},
           props(CompressionCodec::UNCOMPRESSED, true, false), 10};
    s.props.column_encodings = {{"dbp32", Encoding::DELTA_BINARY_PACKED},
                                {"dbp64", Encoding::DELTA_BINARY_PACKED},
                                {"dlba", Encoding::DELTA_LENGTH_BYTE_ARRAY},
                                {"dba", Encoding::DELTA_BYTE_ARRAY},
                                {"bss", Encoding::BYTE_STREAM_SPLIT}};
    out.push_back(s);
  }
  {
    Seed s{"row_groups_zstd", {MakeField("i32", Int32()), MakeField("s", Utf8())},
           props(CompressionCodec::ZSTD, false, true), 12};
    s.props.max_row_group_rows = 5;
    out.push_back(s);
  }
  out.push_back({"lz4raw_bool_rle", {MakeField("b", Bool(), false), MakeField("i", Int64())},
                 props(CompressionCodec::LZ4_RAW, false, false), 10});
  out.push_back({"brotli_strings", {MakeField("s", Utf8()), MakeField("bin", Binary())},
                 props(CompressionCodec::BROTLI, true, true), 10});
  out[8].props.column_encodings = {{"b", Encoding::RLE}};
  return out;
}

std::string SeedDir() { return std::string(DELTA_SOURCE_DIR) + "/fuzz/corpus/parquet_file"; }

// Regenerates the seed corpus when DELTA_WRITE_PARQUET_SEEDS names a directory:
//   DELTA_WRITE_PARQUET_SEEDS=fuzz/corpus/parquet_file parquet_test --gtest_filter='*Seed*'
TEST(ParquetFuzzSeeds, WriteWhenAsked) {
  const char* dir = std::getenv("DELTA_WRITE_PARQUET_SEEDS");
  if (dir == nullptr) GTEST_SKIP() << "set DELTA_WRITE_PARQUET_SEEDS=<dir> to regenerate the seeds";
  std::filesystem::create_directories(dir);
  for (const auto& seed : SeedFiles()) {
    const std::string bytes = WriteFile(MakeBatch(seed.fields, seed.rows), seed.props);
    ASSERT_FALSE(bytes.empty()) << seed.name;
    std::ofstream(std::string(dir) + "/" + seed.name + ".parquet", std::ios::binary) << bytes;
  }
}

// The committed seeds are small, valid files our reader reads back with the rows they were
// written with.
TEST(ParquetFuzzSeeds, CommittedSeedsAreValid) {
  const auto seeds = SeedFiles();
  int found = 0;
  for (const auto& seed : seeds) {
    const std::string path = SeedDir() + "/" + seed.name + ".parquet";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      ADD_FAILURE() << "missing seed " << path;
      continue;
    }
    ++found;
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    EXPECT_LT(bytes.size(), 2048u) << seed.name;
    auto batch = ReadBytes(bytes);
    ASSERT_TRUE(batch.ok()) << seed.name << ": " << batch.status().ToString();
    EXPECT_EQ((*batch)->num_rows, seed.rows) << seed.name;
    EXPECT_EQ((*batch)->num_columns(), static_cast<int>(seed.fields.size())) << seed.name;
  }
  EXPECT_EQ(found, static_cast<int>(seeds.size()));
}

}  // namespace
}  // namespace delta::parquet

// snapshot_load: the deltacpp side of benchmarks/snapshot_load.sh. Makes a synthetic Delta table
// with a large multi-part checkpoint and many JSON commits after it, and times opening its
// latest snapshot and listing the live files.
//
//   snapshot_load generate DIR [--adds N] [--commits M] [--parts P]
//       Writes DIR/_delta_log: a multi-part checkpoint (PROTOCOL.md "Checkpoints", "Checkpoint
//       Schema") of protocol (1,2), one metaData and N add actions with JSON stats, split into P
//       snappy Parquet parts, the _last_checkpoint hint, then M JSON commits after it, each with a
//       commitInfo, 3 adds and 2 removes (of files live at that point), all with stats. Data
//       files are not written. Prints one JSON object: the layout and the expected number of live
//       files (adds - removes).
//   snapshot_load load DIR [--with-stats] [--verbose]
//       Table::Open + GetSnapshot (with_stats false unless --with-stats) + a pass over
//       snapshot->files(); prints one JSON object with the elapsed seconds, the live file count
//       and the process's peak RSS (ru_maxrss: run one load per process). Without --with-stats it
//       fails if any file carries stats (opening a snapshot without stats must not read them).
//       --verbose then times the phases of the same work one by one with the log module's
//       public functions (listing, JSON commit parsing, checkpoint Parquet decode, conversion to
//       actions, reconciliation keys) and prints them to stderr.
//
// Thread-safety: a single-threaded program (snapshot loading uses its own pool).
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "delta/columnar/builder.h"
#include "delta/columnar/type.h"
#include "delta/io/file.h"
#include "delta/log/log_replay.h"
#include "delta/log/log_segment.h"
#include "delta/parquet/reader/file_reader.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/protocol/actions.h"
#include "delta/storage/uri.h"
#include "delta/table/table.h"
#include "delta/util/macros.h"
#include "delta/util/result.h"
#include "delta/util/status.h"

namespace delta::bench {
namespace {

namespace fs = std::filesystem;
using columnar::ArrayBuilder;
using columnar::BinaryBuilder;
using columnar::BooleanBuilder;
using columnar::Int32Builder;
using columnar::Int64Builder;
using columnar::ListBuilder;
using columnar::MapBuilder;
using columnar::MakeField;
using columnar::StructBuilder;

// Bump when the generated table changes, so the driver does not reuse an old one.
constexpr int kGeneratorVersion = 1;
// Version of the checkpoint; the commits before it are gone (log cleanup), as in a long-lived table.
constexpr int64_t kCheckpointVersion = 1000;
constexpr int kAddsPerCommit = 3;
constexpr int kRemovesPerCommit = 2;
// Files per partition day: appends arrive in time order, so partitions hold runs of files.
constexpr int64_t kFilesPerDay = 1370;
constexpr int64_t kBaseTimeMs = 1672531200000;  // 2023-01-01T00:00:00Z
constexpr int64_t kBatchRows = 65536;

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int64_t PeakRssBytes() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<int64_t>(ru.ru_maxrss) * 1024;
}

// CPU seconds (user + system) of the process, all threads, and its minor page faults so far.
double CpuNow(int64_t* minor_faults = nullptr) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  if (minor_faults) *minor_faults = ru.ru_minflt;
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// splitmix64: every property of a file is a pure function of its id, so the commits can name
// (remove) any earlier file without the generator keeping the whole table in memory.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Uuid(uint64_t seed) {
  uint64_t a = Mix(seed * 2 + 1), b = Mix(seed * 2 + 2);
  // Version 4 / variant 1 bits, as a random UUID has.
  a = (a & ~0xf000ULL) | 0x4000ULL;
  b = (b & ~(0xcULL << 60)) | (0x8ULL << 60);
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                     b & 0xffffffffffffULL);
}

std::string DateOfDay(int64_t day) {
  using namespace std::chrono;
  year_month_day ymd{sys_days{2023y / January / 1} + days{day}};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

std::string IsoTime(int64_t ms) {
  using namespace std::chrono;
  sys_days d = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
  year_month_day ymd{d};
  int64_t rem = ms - duration_cast<milliseconds>(d.time_since_epoch()).count();
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:03d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), rem / 3600000,
                     (rem / 60000) % 60, (rem / 1000) % 60, rem % 1000);
}

struct FileProps {
  std::string date;
  std::string path;
  int64_t size;
  int64_t modification_time;
  std::string stats;
};

// A data file as a writer like Spark would describe it: partition directory, part file name with
// a UUID, size, and statistics of five columns (PROTOCOL.md "Per-file Statistics").
FileProps MakeFile(int64_t id) {
  FileProps f;
  uint64_t h = Mix(static_cast<uint64_t>(id) ^ 0x5eedULL);
  int64_t day = id / kFilesPerDay;
  f.date = DateOfDay(day);
  f.path = fmt::format("date={}/part-{:05d}-{}.c000.snappy.parquet", f.date, id % 200, Uuid(static_cast<uint64_t>(id)));
  int64_t rows = 20000 + static_cast<int64_t>(h % 480000);
  f.size = rows * 23 + static_cast<int64_t>(Mix(h) % 100000);
  int64_t day_ms = kBaseTimeMs + day * 86400000;
  f.modification_time = day_ms + static_cast<int64_t>(Mix(h + 1) % 86400000);
  int64_t id_min = id * 500000 + static_cast<int64_t>(Mix(h + 2) % 1000);
  int64_t id_max = id_min + rows * 2 + static_cast<int64_t>(Mix(h + 3) % 1000);
  int64_t ts_min = day_ms + static_cast<int64_t>(Mix(h + 4) % 3600000);
  int64_t ts_max = ts_min + 3600000 + static_cast<int64_t>(Mix(h + 5) % 72000000);
  double v_min = -static_cast<double>(Mix(h + 6) % 100000) / 100.0;
  double v_max = static_cast<double>(Mix(h + 7) % 10000000) / 100.0;
  static const char* kNames[] = {"Aaliyah", "Bartholomew", "Chen", "Dmitri", "Esperanza", "Fatima", "Giovanni",
                                 "Hiroshi", "Ingrid", "Jamal", "Kateryna", "Lars", "Mbali", "Nguyen", "Olusegun",
                                 "Priya", "Quentin", "Rosalind", "Siobhan", "Tariq", "Ulrich", "Valentina"};
  static const char* kCategories[] = {"books", "electronics", "garden", "grocery", "home", "sports", "toys"};
  const char* n_min = kNames[Mix(h + 8) % 11];
  const char* n_max = kNames[11 + Mix(h + 9) % 11];
  int64_t name_nulls = static_cast<int64_t>(Mix(h + 10) % 50);
  int64_t value_nulls = static_cast<int64_t>(Mix(h + 11) % 500);
  f.stats = fmt::format(
      "{{\"numRecords\":{},\"minValues\":{{\"id\":{},\"name\":\"{}\",\"ts\":\"{}\",\"value\":{:.2f},\"category\":\"{}\"}},"
      "\"maxValues\":{{\"id\":{},\"name\":\"{}\",\"ts\":\"{}\",\"value\":{:.2f},\"category\":\"{}\"}},"
      "\"nullCount\":{{\"id\":0,\"name\":{},\"ts\":0,\"value\":{},\"category\":0}}}}",
      rows, id_min, n_min, IsoTime(ts_min), v_min, kCategories[0], id_max, n_max, IsoTime(ts_max), v_max,
      kCategories[6], name_nulls, value_nulls);
  return f;
}

constexpr const char* kSchemaString =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"name","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"ts","type":"timestamp","nullable":true,"metadata":{}},)"
    R"({"name":"value","type":"double","nullable":true,"metadata":{}},)"
    R"({"name":"category","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"date","type":"date","nullable":true,"metadata":{}}]})";

// ---------------------------------------------------------------------------------------------
// Checkpoint schema (PROTOCOL.md "Checkpoint Schema"): one nullable struct column per action kind,
// one action per row.

columnar::SchemaPtr CheckpointSchema() {
  using namespace columnar;
  auto str_map = [] { return Map(Utf8(), Utf8()); };
  auto dv = Struct({MakeField("storageType", Utf8()), MakeField("pathOrInlineDv", Utf8()),
                    MakeField("offset", Int32()), MakeField("sizeInBytes", Int32()),
                    MakeField("cardinality", Int64())});
  auto txn = Struct({MakeField("appId", Utf8()), MakeField("version", Int64()), MakeField("lastUpdated", Int64())});
  auto add = Struct({MakeField("path", Utf8()), MakeField("partitionValues", str_map()), MakeField("size", Int64()),
                     MakeField("modificationTime", Int64()), MakeField("dataChange", Bool()),
                     MakeField("stats", Utf8()), MakeField("tags", str_map()), MakeField("deletionVector", dv)});
  auto remove = Struct({MakeField("path", Utf8()), MakeField("deletionTimestamp", Int64()),
                        MakeField("dataChange", Bool()), MakeField("extendedFileMetadata", Bool()),
                        MakeField("partitionValues", str_map()), MakeField("size", Int64()),
                        MakeField("tags", str_map()), MakeField("deletionVector", dv)});
  auto format = Struct({MakeField("provider", Utf8()), MakeField("options", str_map())});
  auto meta = Struct({MakeField("id", Utf8()), MakeField("name", Utf8()), MakeField("description", Utf8()),
                      MakeField("format", format), MakeField("schemaString", Utf8()),
                      MakeField("partitionColumns", List(Utf8())), MakeField("configuration", str_map()),
                      MakeField("createdTime", Int64())});
  auto protocol = Struct({MakeField("minReaderVersion", Int32()), MakeField("minWriterVersion", Int32()),
                          MakeField("readerFeatures", List(Utf8())), MakeField("writerFeatures", List(Utf8()))});
  return std::make_shared<Schema>(std::vector<FieldPtr>{MakeField("txn", txn), MakeField("add", add),
                                                        MakeField("remove", remove), MakeField("metaData", meta),
                                                        MakeField("protocol", protocol)});
}

enum CheckpointColumn { kTxn = 0, kAdd = 1, kRemove = 2, kMeta = 3, kProtocol = 4 };

template <typename B>
B* As(ArrayBuilder* b) {
  return static_cast<B*>(b);
}

Status AppendStr(ArrayBuilder* b, std::string_view s) { return As<BinaryBuilder>(b)->Append(s); }

Status AppendOneEntryMap(ArrayBuilder* b, std::string_view k, std::string_view v) {
  auto* m = As<MapBuilder>(b);
  DELTA_RETURN_NOT_OK(m->Append(true));
  DELTA_RETURN_NOT_OK(AppendStr(m->key_builder(), k));
  return AppendStr(m->item_builder(), v);
}

Status AppendEmptyMap(ArrayBuilder* b) { return As<MapBuilder>(b)->Append(true); }

// Appends null to the given top-level columns.
Status AppendNulls(columnar::RecordBatchBuilder* rb, std::initializer_list<int> cols) {
  for (int c : cols) DELTA_RETURN_NOT_OK(rb->field(c)->AppendNull());
  return Status::OK();
}

Status AppendProtocolRow(columnar::RecordBatchBuilder* rb) {
  auto* p = rb->field_as<StructBuilder>(kProtocol);
  DELTA_RETURN_NOT_OK(As<Int32Builder>(p->child(0))->Append(1));
  DELTA_RETURN_NOT_OK(As<Int32Builder>(p->child(1))->Append(2));
  DELTA_RETURN_NOT_OK(p->child(2)->AppendNull());
  DELTA_RETURN_NOT_OK(p->child(3)->AppendNull());
  DELTA_RETURN_NOT_OK(p->Append(true));
  return AppendNulls(rb, {kTxn, kAdd, kRemove, kMeta});
}

Status AppendMetadataRow(columnar::RecordBatchBuilder* rb, const std::string& table_id) {
  auto* m = rb->field_as<StructBuilder>(kMeta);
  DELTA_RETURN_NOT_OK(AppendStr(m->child(0), table_id));
  DELTA_RETURN_NOT_OK(m->child(1)->AppendNull());
  DELTA_RETURN_NOT_OK(m->child(2)->AppendNull());
  auto* format = As<StructBuilder>(m->child(3));
  DELTA_RETURN_NOT_OK(AppendStr(format->child(0), "parquet"));
  DELTA_RETURN_NOT_OK(AppendEmptyMap(format->child(1)));
  DELTA_RETURN_NOT_OK(format->Append(true));
  DELTA_RETURN_NOT_OK(AppendStr(m->child(4), kSchemaString));
  auto* pcols = As<ListBuilder>(m->child(5));
  DELTA_RETURN_NOT_OK(pcols->Append(true));
  DELTA_RETURN_NOT_OK(AppendStr(pcols->value_builder(), "date"));
  DELTA_RETURN_NOT_OK(AppendEmptyMap(m->child(6)));
  DELTA_RETURN_NOT_OK(As<Int64Builder>(m->child(7))->Append(kBaseTimeMs));
  DELTA_RETURN_NOT_OK(m->Append(true));
  return AppendNulls(rb, {kTxn, kAdd, kRemove, kProtocol});
}

Status AppendAddRow(columnar::RecordBatchBuilder* rb, const FileProps& f) {
  auto* a = rb->field_as<StructBuilder>(kAdd);
  DELTA_RETURN_NOT_OK(AppendStr(a->child(0), f.path));
  DELTA_RETURN_NOT_OK(AppendOneEntryMap(a->child(1), "date", f.date));
  DELTA_RETURN_NOT_OK(As<Int64Builder>(a->child(2))->Append(f.size));
  DELTA_RETURN_NOT_OK(As<Int64Builder>(a->child(3))->Append(f.modification_time));
  // Checkpoints record adds with dataChange = false (the change happened in the original commit).
  DELTA_RETURN_NOT_OK(As<BooleanBuilder>(a->child(4))->Append(false));
  DELTA_RETURN_NOT_OK(AppendStr(a->child(5), f.stats));
  DELTA_RETURN_NOT_OK(a->child(6)->AppendNull());
  DELTA_RETURN_NOT_OK(a->child(7)->AppendNull());
  DELTA_RETURN_NOT_OK(a->Append(true));
  return AppendNulls(rb, {kTxn, kRemove, kMeta, kProtocol});
}

std::string CheckpointPartName(int64_t version, int part, int parts) {
  return fmt::format("{:020d}.checkpoint.{:010d}.{:010d}.parquet", version, part, parts);
}

Status WriteFile(const fs::path& p, std::string_view content) {
  DELTA_ASSIGN_OR_RAISE(auto out, io::OpenLocalOutput(p.string()));
  DELTA_RETURN_NOT_OK(out->Write(content));
  return out->Close();
}

// Writes part `part` (1-based) holding file ids [first, last); part 1 also holds protocol and
// metaData first, as Spark puts them.
Status WriteCheckpointPart(const fs::path& log_dir, int part, int parts, int64_t first, int64_t last,
                           int64_t* bytes) {
  auto schema = CheckpointSchema();
  fs::path path = log_dir / CheckpointPartName(kCheckpointVersion, part, parts);
  DELTA_ASSIGN_OR_RAISE(auto out, io::OpenLocalOutput(path.string()));
  parquet::WriterProperties props;
  props.compression = parquet::CompressionCodec::SNAPPY;
  props.created_by = "parquet-mr version 1.12.3 (build f8dced182c4c1fbdec6ccb3185537b5a01e6ed6a)";
  DELTA_ASSIGN_OR_RAISE(auto writer, parquet::FileWriter::Open(out, schema, props));
  DELTA_ASSIGN_OR_RAISE(auto rb, columnar::RecordBatchBuilder::Make(schema));
  int64_t rows = 0;
  if (part == 1) {
    DELTA_RETURN_NOT_OK(AppendProtocolRow(rb.get()));
    DELTA_RETURN_NOT_OK(AppendMetadataRow(rb.get(), Uuid(0xdeadbeef)));
    rows += 2;
  }
  for (int64_t id = first; id < last; ++id) {
    DELTA_RETURN_NOT_OK(AppendAddRow(rb.get(), MakeFile(id)));
    if (++rows == kBatchRows || id + 1 == last) {
      DELTA_ASSIGN_OR_RAISE(auto batch, rb->Finish());
      DELTA_RETURN_NOT_OK(writer->WriteBatch(*batch));
      rows = 0;
    }
  }
  if (rows > 0) {
    DELTA_ASSIGN_OR_RAISE(auto batch, rb->Finish());
    DELTA_RETURN_NOT_OK(writer->WriteBatch(*batch));
  }
  DELTA_RETURN_NOT_OK(writer->Close());
  *bytes += static_cast<int64_t>(fs::file_size(path));
  return Status::OK();
}

std::string JsonString(std::string_view s) {
  // The stats are JSON text themselves: embed them as a JSON string (quotes escaped).
  std::string out;
  out.reserve(s.size() + 16);
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string AddLine(const FileProps& f) {
  return fmt::format(
      "{{\"add\":{{\"path\":\"{}\",\"partitionValues\":{{\"date\":\"{}\"}},\"size\":{},\"modificationTime\":{},"
      "\"dataChange\":true,\"stats\":{},\"tags\":null,\"deletionVector\":null}}}}\n",
      f.path, f.date, f.size, f.modification_time, JsonString(f.stats));
}

std::string RemoveLine(const FileProps& f, int64_t ts) {
  return fmt::format(
      "{{\"remove\":{{\"path\":\"{}\",\"deletionTimestamp\":{},\"dataChange\":true,\"extendedFileMetadata\":true,"
      "\"partitionValues\":{{\"date\":\"{}\"}},\"size\":{},\"stats\":{},\"tags\":null,\"deletionVector\":null}}}}\n",
      f.path, ts, f.date, f.size, JsonString(f.stats));
}

struct GenArgs {
  std::string dir;
  int64_t adds = 1000000;
  int64_t commits = 1000;
  int parts = 5;
};

Status Generate(const GenArgs& args) {
  if (args.adds < 1 || args.commits < 0 || args.parts < 1 || args.parts > args.adds) {
    return Status::InvalidArgument("need adds >= 1, commits >= 0, 1 <= parts <= adds");
  }
  fs::path log_dir = fs::path(args.dir) / "_delta_log";
  std::error_code ec;
  fs::remove_all(log_dir, ec);
  fs::create_directories(log_dir, ec);
  if (ec) return Status::IOError(fmt::format("cannot create {}: {}", log_dir.string(), ec.message()));

  int64_t checkpoint_bytes = 0;
  for (int part = 1; part <= args.parts; ++part) {
    int64_t first = args.adds * (part - 1) / args.parts;
    int64_t last = args.adds * part / args.parts;
    DELTA_RETURN_NOT_OK(WriteCheckpointPart(log_dir, part, args.parts, first, last, &checkpoint_bytes));
  }
  DELTA_RETURN_NOT_OK(WriteFile(log_dir / "_last_checkpoint",
                                fmt::format("{{\"version\":{},\"size\":{},\"parts\":{}}}\n", kCheckpointVersion,
                                            args.adds + 2, args.parts)));

  // Commits: appends of new files and removals of random live ones (compaction-like).
  std::vector<int64_t> live(static_cast<size_t>(args.adds));
  for (int64_t i = 0; i < args.adds; ++i) live[static_cast<size_t>(i)] = i;
  int64_t next_id = args.adds;
  int64_t commit_bytes = 0, removed = 0;
  uint64_t rng = 42;
  for (int64_t c = 1; c <= args.commits; ++c) {
    int64_t version = kCheckpointVersion + c;
    int64_t ts = kBaseTimeMs + 800LL * 86400000 + c * 60000;
    std::string text = fmt::format(
        "{{\"commitInfo\":{{\"timestamp\":{},\"operation\":\"WRITE\",\"operationParameters\":{{\"mode\":\"Overwrite\","
        "\"partitionBy\":\"[\\\"date\\\"]\",\"predicate\":\"[]\"}},\"readVersion\":{},\"isolationLevel\":\"Serializable\","
        "\"isBlindAppend\":false,\"operationMetrics\":{{\"numFiles\":\"{}\",\"numOutputRows\":\"{}\","
        "\"numOutputBytes\":\"{}\",\"numRemovedFiles\":\"{}\"}},\"engineInfo\":\"Apache-Spark/3.5.1 Delta-Lake/3.2.0\","
        "\"txnId\":\"{}\"}}}}\n",
        ts, version - 1, kAddsPerCommit, 250000 + c, 5000000 + c, kRemovesPerCommit, Uuid(1000000000ULL + c));
    for (int r = 0; r < kRemovesPerCommit && !live.empty(); ++r) {
      rng = Mix(rng);
      size_t k = static_cast<size_t>(rng % live.size());
      int64_t id = live[k];
      live[k] = live.back();
      live.pop_back();
      text += RemoveLine(MakeFile(id), ts);
      ++removed;
    }
    for (int a = 0; a < kAddsPerCommit; ++a) {
      int64_t id = next_id++;
      live.push_back(id);
      text += AddLine(MakeFile(id));
    }
    fs::path path = log_dir / log::CommitFileName(version);
    DELTA_RETURN_NOT_OK(WriteFile(path, text));
    commit_bytes += static_cast<int64_t>(text.size());
  }
  std::string parts_json, commits_json;
  for (int part = 1; part <= args.parts; ++part) {
    parts_json += fmt::format("{}\"{}\"", part > 1 ? "," : "",
                              (log_dir / CheckpointPartName(kCheckpointVersion, part, args.parts)).string());
  }
  for (int64_t c = 1; c <= args.commits; ++c) {
    commits_json += fmt::format("{}\"{}\"", c > 1 ? "," : "",
                                (log_dir / log::CommitFileName(kCheckpointVersion + c)).string());
  }
  fmt::print(
      "{{\"generator\":{},\"adds\":{},\"commits\":{},\"parts\":{},\"checkpoint_version\":{},\"version\":{},"
      "\"total_adds\":{},\"removed\":{},\"expected_files\":{},\"checkpoint_bytes\":{},\"commit_bytes\":{},"
      "\"checkpoint_parts\":[{}],\"commit_files\":[{}]}}\n",
      kGeneratorVersion, args.adds, args.commits, args.parts, kCheckpointVersion, kCheckpointVersion + args.commits,
      next_id, removed, static_cast<int64_t>(live.size()), checkpoint_bytes, commit_bytes, parts_json, commits_json);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// load

// The phases of snapshot loading, timed one after the other on one thread with the log module's
// public functions. Not the production path (which decodes checkpoint parts in parallel), but
// the same work, so the shares say where the time goes.
Status Breakdown(const std::string& dir, bool with_stats) {
  DELTA_ASSIGN_OR_RAISE(auto root, storage::ResolveUri(dir));
  double t0 = Now();
  DELTA_ASSIGN_OR_RAISE(auto segment, log::BuildLogSegment(root));
  double t_list = Now() - t0;

  log::ReplayOptions ro;
  ro.keep_stats = with_stats;
  protocol::ParseOptions po;
  po.keep_stats = with_stats;
  double t_read_json = 0, t_parse_json = 0;
  std::vector<std::vector<protocol::Action>> commit_actions;
  int64_t json_bytes = 0;
  for (const auto& c : segment.commits) {
    double a = Now();
    DELTA_ASSIGN_OR_RAISE(auto buf, segment.log_root.store->Get(c.meta.key));
    double b = Now();
    DELTA_ASSIGN_OR_RAISE(auto actions, protocol::ParseJsonActions(
                                            std::string_view(reinterpret_cast<const char*>(buf->data()),
                                                             static_cast<size_t>(buf->size())),
                                            c.meta.key, po));
    double e = Now();
    t_read_json += b - a;
    t_parse_json += e - b;
    json_bytes += buf->size();
    commit_actions.push_back(std::move(actions));
  }

  // Checkpoint: Parquet decode alone (the projection replay uses), then decode + conversion.
  double t_parquet = 0, t_checkpoint = 0;
  int64_t checkpoint_rows = 0;
  std::vector<std::vector<protocol::Action>> part_actions;
  for (const auto& part : segment.checkpoint_parts) {
    storage::Location loc{segment.log_root.store, part.meta.key};
    {
      double a = Now();
      DELTA_ASSIGN_OR_RAISE(auto raf, loc.store->OpenRead(loc.key));
      parquet::ReaderOptions opts;
      opts.columns = {"add.path", "add.partitionValues", "add.size", "add.modificationTime", "add.dataChange",
                      "add.tags", "add.deletionVector", "remove.path", "remove.deletionVector",
                      "remove.deletionTimestamp", "remove.dataChange", "metaData", "protocol", "txn"};
      if (with_stats) opts.columns.push_back("add.stats");
      DELTA_ASSIGN_OR_RAISE(auto reader, parquet::FileReader::Open(raf, opts));
      for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
        DELTA_ASSIGN_OR_RAISE(auto batch, reader->ReadRowGroup(rg));
        checkpoint_rows += batch->num_rows;
      }
      t_parquet += Now() - a;
    }
    double a = Now();
    DELTA_ASSIGN_OR_RAISE(auto actions, log::ReadCheckpointFile(loc, false, ro));
    t_checkpoint += Now() - a;
    part_actions.push_back(std::move(actions));
  }

  // Reconciliation: one key per file action, one hash-set insert each.
  double a = Now();
  std::unordered_set<std::string> seen;
  int64_t live = 0;
  auto apply = [&](const protocol::Action& act, bool from_checkpoint) {
    if (auto* add = std::get_if<protocol::Add>(&act)) {
      if (seen.insert(log::FileActionKey("", add->path, add->deletion_vector)).second) ++live;
    } else if (auto* rm = std::get_if<protocol::Remove>(&act)) {
      if (!from_checkpoint) seen.insert(log::FileActionKey("", rm->path, rm->deletion_vector));
    }
  };
  for (auto it = commit_actions.rbegin(); it != commit_actions.rend(); ++it) {
    for (const auto& act : *it) apply(act, false);
  }
  for (const auto& part : part_actions) {
    for (const auto& act : part) apply(act, true);
  }
  double t_reconcile = Now() - a;
  a = Now();
  commit_actions.clear();
  part_actions.clear();
  seen = {};
  double t_free = Now() - a;

  fmt::print(stderr,
             "phases (one thread, sequential; the load above decodes parts on {} threads):\n"
             "  list _delta_log + build segment   {:8.3f} s  ({} commits, {} checkpoint parts)\n"
             "  read commit files                 {:8.3f} s  ({:.1f} MB)\n"
             "  parse commit JSON into actions    {:8.3f} s\n"
             "  checkpoint Parquet decode only    {:8.3f} s  ({} rows, projection of replay)\n"
             "  checkpoint decode + to actions    {:8.3f} s  (so conversion to Add structs ~ {:.3f} s)\n"
             "  reconcile (keys + hash set)       {:8.3f} s  ({} live files)\n"
             "  free actions and set              {:8.3f} s\n",
             table::SnapshotOptions{}.num_threads, t_list, segment.commits.size(), segment.checkpoint_parts.size(),
             t_read_json, json_bytes / 1e6, t_parse_json, t_parquet, checkpoint_rows, t_checkpoint,
             t_checkpoint - t_parquet, t_reconcile, live, t_free);
  return Status::OK();
}

Status Load(const std::string& dir, bool with_stats, bool verbose) {
  int64_t faults0 = 0, faults1 = 0;
  double c0 = CpuNow(&faults0);
  double t0 = Now();
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(dir));
  table::SnapshotOptions options;
  options.with_stats = with_stats;
  DELTA_ASSIGN_OR_RAISE(auto snapshot, table->GetSnapshot(options));
  double t_snapshot = Now() - t0;
  int64_t files = 0, with_stats_count = 0, total_size = 0;
  for (const auto& f : snapshot->files()) {
    ++files;
    total_size += f.size;
    with_stats_count += f.stats.empty() ? 0 : 1;
  }
  double seconds = Now() - t0;
  double cpu_seconds = CpuNow(&faults1) - c0;
  int64_t peak = PeakRssBytes();
  if (!with_stats && with_stats_count != 0) {
    return Status::Internal(
        fmt::format("{} files carry stats although the snapshot was opened without them", with_stats_count));
  }
  fmt::print(
      "{{\"seconds\":{:.6f},\"cpu_seconds\":{:.6f},\"minor_faults\":{},\"snapshot_seconds\":{:.6f},\"files\":{},\"files_with_stats\":{},\"total_size\":{},"
      "\"version\":{},\"peak_rss\":{},\"with_stats\":{}}}\n",
      seconds, cpu_seconds, faults1 - faults0, t_snapshot, files, with_stats_count, total_size, snapshot->version(), peak,
      with_stats ? "true" : "false");
  std::fflush(stdout);
  if (verbose) {
    snapshot.reset();
    table.reset();
    DELTA_RETURN_NOT_OK(Breakdown(dir, with_stats));
  }
  return Status::OK();
}

int Usage() {
  std::fprintf(stderr,
               "usage: snapshot_load generate DIR [--adds N] [--commits M] [--parts P]\n"
               "       snapshot_load load DIR [--with-stats] [--verbose]\n");
  return 2;
}

int Main(int argc, char** argv) {
  if (argc < 3) return Usage();
  std::string cmd = argv[1];
  Status st;
  if (cmd == "generate") {
    GenArgs g;
    g.dir = argv[2];
    for (int i = 3; i < argc; ++i) {
      std::string s = argv[i];
      if (i + 1 >= argc) return Usage();
      int64_t v = std::atoll(argv[++i]);
      if (s == "--adds") {
        g.adds = v;
      } else if (s == "--commits") {
        g.commits = v;
      } else if (s == "--parts") {
        g.parts = static_cast<int>(v);
      } else {
        return Usage();
      }
    }
    st = Generate(g);
  } else if (cmd == "load") {
    bool with_stats = false, verbose = false;
    for (int i = 3; i < argc; ++i) {
      std::string s = argv[i];
      if (s == "--with-stats") {
        with_stats = true;
      } else if (s == "--verbose") {
        verbose = true;
      } else {
        return Usage();
      }
    }
    st = Load(argv[2], with_stats, verbose);
  } else {
    return Usage();
  }
  if (!st.ok()) {
    std::fprintf(stderr, "snapshot_load: %s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace delta::bench

int main(int argc, char** argv) { return delta::bench::Main(argc, argv); }

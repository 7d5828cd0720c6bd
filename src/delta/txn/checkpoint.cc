// Checkpoint writing and log cleanup. The checkpoint rows are assembled with the columnar
// builders in the layout Spark uses (PROTOCOL.md "Checkpoint Schema") and written with our
// Parquet writer (snappy); every file goes through the store's OpenWrite, which makes it appear
// atomically on Close.
#include "delta/txn/checkpoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "delta/columnar/builder.h"
#include "delta/expr/stats.h"
#include "delta/log/log_segment.h"
#include "delta/parquet/writer/file_writer.h"
#include "delta/protocol/action_json.h"
#include "delta/protocol/json_names.h"
#include "delta/protocol/table_features.h"
#include "delta/schema/column_mapping.h"
#include "delta/schema/partition_values.h"
#include "delta/storage/local_store.h"
#include "delta/util/macros.h"

namespace delta::txn {
namespace {

namespace p = delta::protocol;
using columnar::ArrayBuilder;
using columnar::BinaryBuilder;
using columnar::BooleanBuilder;
using columnar::FieldPtr;
using columnar::Int32Builder;
using columnar::Int64Builder;
using columnar::ListBuilder;
using columnar::MakeField;
using columnar::MapBuilder;
using columnar::StructBuilder;
using columnar::TypeId;
using columnar::TypePtr;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<bool> ConfigBool(const table::Snapshot& snap, const std::string& key, bool def) {
  auto it = snap.configuration().find(key);
  if (it == snap.configuration().end()) return def;
  std::string v = Lower(it->second);
  if (v == "true") return true;
  if (v == "false") return false;
  return Status::InvalidArgument(fmt::format("table property {} must be true or false, got '{}'", key, it->second));
}

Result<int64_t> ConfigIntervalMs(const table::Snapshot& snap, const std::string& key, std::string_view def) {
  auto it = snap.configuration().find(key);
  auto r = ParseIntervalMs(it == snap.configuration().end() ? def : std::string_view(it->second));
  if (!r.ok()) return Status::InvalidArgument(fmt::format("table property {}: {}", key, r.status().message()));
  return r;
}

std::string RandomUuid() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(NowMs()));
  uint64_t hi = gen(), lo = gen();
  hi = (hi & ~uint64_t{0xF000}) | 0x4000;                     // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                     lo & 0xFFFFFFFFFFFFULL);
}

// ---------------------------------------------------------------------------------------------
// Checkpoint schema (PROTOCOL.md "Checkpoint Schema"; field order as Spark writes it).

TypePtr StringMapType() { return columnar::Map(columnar::Utf8(), columnar::Utf8()); }
TypePtr StringListType() { return columnar::List(MakeField("element", columnar::Utf8())); }

TypePtr DeletionVectorType() {
  return columnar::Struct({MakeField(std::string(p::kStorageType), columnar::Utf8()),
                           MakeField(std::string(p::kPathOrInlineDv), columnar::Utf8()),
                           MakeField(std::string(p::kOffset), columnar::Int32()),
                           MakeField(std::string(p::kSizeInBytes), columnar::Int32()),
                           MakeField(std::string(p::kCardinality), columnar::Int64()),
                           MakeField(std::string(p::kMaxRowIndex), columnar::Int64())});
}

// Whether a column's min/max appears in statistics (Spark: orderable primitives, not booleans
// or binary).
bool HasMinMax(const TypePtr& t) {
  switch (t->id()) {
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDecimal128:
    case TypeId::kDate32:
    case TypeId::kTimestamp:
    case TypeId::kString:
    case TypeId::kLargeString: return true;
    default: return false;
  }
}

// The struct of minValues/maxValues (min_max) or nullCount (!min_max) for the given fields;
// nullptr when no field qualifies.
TypePtr StatsValuesType(const std::vector<FieldPtr>& fields, bool min_max) {
  std::vector<FieldPtr> out;
  for (const auto& f : fields) {
    if (f->type->id() == TypeId::kStruct) {
      TypePtr child = StatsValuesType(f->type->children(), min_max);
      if (child) out.push_back(MakeField(f->name, child));
    } else if (!min_max) {
      out.push_back(MakeField(f->name, columnar::Int64()));
    } else if (HasMinMax(f->type)) {
      out.push_back(MakeField(f->name, f->type));
    }
  }
  if (out.empty()) return nullptr;
  return columnar::Struct(std::move(out));
}

struct Layout {
  bool stats_json = true;
  bool stats_struct = false;
  bool v2 = false;
  bool tight_bounds = false;  // stats_parsed.tightBounds (tables with deletion vectors)
  TypePtr stats_parsed;       // null unless stats_struct
  TypePtr partition_parsed;   // null unless stats_struct and partitioned
  std::vector<FieldPtr> data_fields;       // physical, partition columns excluded
  std::vector<FieldPtr> partition_fields;  // physical
  columnar::SchemaPtr schema;
  // Top-level column indexes.
  int txn = 0, add = 1, remove = 2, metadata = 3, protocol = 4, domain = 5, cp_meta = -1;
  // Child indexes inside add that depend on the options.
  int add_stats = -1, add_stats_parsed = -1, add_pv_parsed = -1;
};

Result<Layout> MakeLayout(const table::Snapshot& snap, bool stats_json, bool stats_struct, bool v2) {
  Layout l;
  l.stats_json = stats_json;
  l.stats_struct = stats_struct;
  l.v2 = v2;
  if (stats_struct) {
    DELTA_ASSIGN_OR_RAISE(auto physical, schema::PhysicalSchema(*snap.schema(), snap.column_mapping_mode()));
    const auto& logical = snap.schema()->fields();
    for (size_t i = 0; i < logical.size(); ++i) {
      const auto& pcols = snap.partition_columns();
      if (std::find(pcols.begin(), pcols.end(), logical[i]->name) != pcols.end()) {
        l.partition_fields.push_back(physical->field(static_cast<int>(i)));
      } else {
        l.data_fields.push_back(physical->field(static_cast<int>(i)));
      }
    }
    l.tight_bounds = p::IsFeatureEnabled(snap.protocol(), "deletionVectors");
    std::vector<FieldPtr> sf = {MakeField("numRecords", columnar::Int64())};
    if (auto t = StatsValuesType(l.data_fields, true)) {
      sf.push_back(MakeField("minValues", t));
      sf.push_back(MakeField("maxValues", t));
    }
    if (auto t = StatsValuesType(l.data_fields, false)) sf.push_back(MakeField("nullCount", t));
    if (l.tight_bounds) sf.push_back(MakeField("tightBounds", columnar::Bool()));
    l.stats_parsed = columnar::Struct(std::move(sf));
    if (!l.partition_fields.empty()) {
      std::vector<FieldPtr> pf;
      for (const auto& f : l.partition_fields) pf.push_back(MakeField(f->name, f->type));
      l.partition_parsed = columnar::Struct(std::move(pf));
    }
  }

  auto s = [](std::string_view n, TypePtr t) { return MakeField(std::string(n), std::move(t)); };
  std::vector<FieldPtr> add = {
      s(p::kPath, columnar::Utf8()),          s(p::kPartitionValues, StringMapType()),
      s(p::kSize, columnar::Int64()),         s(p::kModificationTime, columnar::Int64()),
      s(p::kDataChange, columnar::Bool()),    s(p::kTags, StringMapType()),
      s(p::kDeletionVector, DeletionVectorType()), s(p::kBaseRowId, columnar::Int64()),
      s(p::kDefaultRowCommitVersion, columnar::Int64()), s(p::kClusteringProvider, columnar::Utf8())};
  if (stats_json) {
    l.add_stats = static_cast<int>(add.size());
    add.push_back(s(p::kStats, columnar::Utf8()));
  }
  if (l.partition_parsed) {
    l.add_pv_parsed = static_cast<int>(add.size());
    add.push_back(s("partitionValues_parsed", l.partition_parsed));
  }
  if (l.stats_parsed) {
    l.add_stats_parsed = static_cast<int>(add.size());
    add.push_back(s("stats_parsed", l.stats_parsed));
  }
  std::vector<FieldPtr> top = {
      s(p::kTxn, columnar::Struct({s(p::kAppId, columnar::Utf8()), s(p::kVersion, columnar::Int64()),
                                   s(p::kLastUpdated, columnar::Int64())})),
      s(p::kAdd, columnar::Struct(std::move(add))),
      s(p::kRemove,
        columnar::Struct({s(p::kPath, columnar::Utf8()), s(p::kDeletionTimestamp, columnar::Int64()),
                          s(p::kDataChange, columnar::Bool()), s(p::kExtendedFileMetadata, columnar::Bool()),
                          s(p::kPartitionValues, StringMapType()), s(p::kSize, columnar::Int64()),
                          s(p::kDeletionVector, DeletionVectorType()), s(p::kBaseRowId, columnar::Int64()),
                          s(p::kDefaultRowCommitVersion, columnar::Int64())})),
      s(p::kMetaData,
        columnar::Struct({s(p::kId, columnar::Utf8()), s(p::kName, columnar::Utf8()),
                          s(p::kDescription, columnar::Utf8()),
                          s(p::kFormat, columnar::Struct({s(p::kProvider, columnar::Utf8()),
                                                          s(p::kOptions, StringMapType())})),
                          s(p::kSchemaString, columnar::Utf8()), s(p::kPartitionColumns, StringListType()),
                          s(p::kConfiguration, StringMapType()), s(p::kCreatedTime, columnar::Int64())})),
      s(p::kProtocol, columnar::Struct({s(p::kMinReaderVersion, columnar::Int32()),
                                        s(p::kMinWriterVersion, columnar::Int32()),
                                        s(p::kReaderFeatures, StringListType()),
                                        s(p::kWriterFeatures, StringListType())})),
      s(p::kDomainMetadata, columnar::Struct({s(p::kDomain, columnar::Utf8()), s(p::kConfiguration, columnar::Utf8()),
                                              s(p::kRemoved, columnar::Bool())})),
  };
  if (v2) {
    l.cp_meta = static_cast<int>(top.size());
    top.push_back(s(p::kCheckpointMetadata,
                    columnar::Struct({s(p::kVersion, columnar::Int64()), s(p::kTags, StringMapType())})));
  }
  l.schema = std::make_shared<columnar::Schema>(std::move(top));
  return l;
}

// ---------------------------------------------------------------------------------------------
// Appending values.

Status AppendString(ArrayBuilder* b, std::string_view v) { return static_cast<BinaryBuilder*>(b)->Append(v); }
Status AppendOptString(ArrayBuilder* b, const std::optional<std::string>& v) {
  return v ? AppendString(b, *v) : b->AppendNull();
}
Status AppendInt64(ArrayBuilder* b, int64_t v) { return static_cast<Int64Builder*>(b)->Append(v); }
Status AppendOptInt64(ArrayBuilder* b, const std::optional<int64_t>& v) {
  return v ? AppendInt64(b, *v) : b->AppendNull();
}
Status AppendInt32(ArrayBuilder* b, int32_t v) { return static_cast<Int32Builder*>(b)->Append(v); }
Status AppendBool(ArrayBuilder* b, bool v) { return static_cast<BooleanBuilder*>(b)->Append(v); }

Status AppendStringMap(ArrayBuilder* b, const p::StringMap& m) {
  // Map and list builders open the entry first, then take its elements (builder.h).
  auto* mb = static_cast<MapBuilder*>(b);
  DELTA_RETURN_NOT_OK(mb->Append());
  for (const auto& [k, v] : m) {
    DELTA_RETURN_NOT_OK(AppendString(mb->key_builder(), k));
    DELTA_RETURN_NOT_OK(AppendString(mb->item_builder(), v));
  }
  return Status::OK();
}

Status AppendPartitionValues(ArrayBuilder* b, const p::PartitionValues& pv) {
  auto* mb = static_cast<MapBuilder*>(b);
  DELTA_RETURN_NOT_OK(mb->Append());
  for (const auto& [k, v] : pv) {
    DELTA_RETURN_NOT_OK(AppendString(mb->key_builder(), k));
    DELTA_RETURN_NOT_OK(AppendOptString(mb->item_builder(), v));
  }
  return Status::OK();
}

Status AppendStringList(ArrayBuilder* b, const std::optional<std::vector<std::string>>& list) {
  auto* lb = static_cast<ListBuilder*>(b);
  if (!list) return lb->AppendNull();
  DELTA_RETURN_NOT_OK(lb->Append());
  for (const auto& s : *list) DELTA_RETURN_NOT_OK(AppendString(lb->value_builder(), s));
  return Status::OK();
}

Status AppendDeletionVector(ArrayBuilder* b, const std::optional<dv::DeletionVectorDescriptor>& d) {
  auto* sb = static_cast<StructBuilder*>(b);
  if (!d) return sb->AppendNull();
  DELTA_RETURN_NOT_OK(AppendString(sb->child(0), d->storage_type));
  DELTA_RETURN_NOT_OK(AppendString(sb->child(1), d->path_or_inline_dv));
  DELTA_RETURN_NOT_OK(d->offset ? AppendInt32(sb->child(2), *d->offset) : sb->child(2)->AppendNull());
  DELTA_RETURN_NOT_OK(AppendInt32(sb->child(3), d->size_in_bytes));
  DELTA_RETURN_NOT_OK(AppendInt64(sb->child(4), d->cardinality));
  DELTA_RETURN_NOT_OK(d->max_row_index ? AppendInt64(sb->child(5), *d->max_row_index) : sb->child(5)->AppendNull());
  return sb->Append();
}

// Appends a typed statistics / partition value; null when absent or of an unexpected payload.
Status AppendScalar(ArrayBuilder* b, const std::optional<columnar::Scalar>& s) {
  if (!s || s->is_null()) return b->AppendNull();
  const auto* i = std::get_if<int64_t>(&s->value);
  const auto* d = std::get_if<double>(&s->value);
  switch (b->type()->id()) {
    case TypeId::kInt8:
      if (i) return static_cast<columnar::Int8Builder*>(b)->Append(static_cast<int8_t>(*i));
      break;
    case TypeId::kInt16:
      if (i) return static_cast<columnar::Int16Builder*>(b)->Append(static_cast<int16_t>(*i));
      break;
    case TypeId::kInt32:
    case TypeId::kDate32:
      if (i) return static_cast<Int32Builder*>(b)->Append(static_cast<int32_t>(*i));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      if (i) return static_cast<Int64Builder*>(b)->Append(*i);
      break;
    case TypeId::kFloat32:
      if (d) return static_cast<columnar::FloatBuilder*>(b)->Append(static_cast<float>(*d));
      break;
    case TypeId::kFloat64:
      if (d) return static_cast<columnar::DoubleBuilder*>(b)->Append(*d);
      break;
    case TypeId::kDecimal128:
      if (const auto* v = std::get_if<__int128>(&s->value)) {
        return static_cast<columnar::Decimal128Builder*>(b)->Append(*v);
      }
      break;
    case TypeId::kBool:
      if (const auto* v = std::get_if<bool>(&s->value)) return AppendBool(b, *v);
      break;
    case TypeId::kString:
    case TypeId::kLargeString:
    case TypeId::kBinary:
    case TypeId::kLargeBinary:
      if (const auto* v = std::get_if<std::string>(&s->value)) return AppendString(b, *v);
      break;
    default: break;
  }
  return b->AppendNull();
}

enum class StatKind { kMin, kMax, kNullCount };

// Fills one minValues / maxValues / nullCount struct from parsed stats, following its type.
Status AppendStatsValues(StructBuilder* sb, const expr::FileStats& stats, StatKind kind,
                         std::vector<std::string>* path) {
  const auto& fields = sb->type()->children();
  for (int c = 0; c < sb->num_children(); ++c) {
    path->push_back(fields[static_cast<size_t>(c)]->name);
    ArrayBuilder* child = sb->child(c);
    if (child->type()->id() == TypeId::kStruct) {
      DELTA_RETURN_NOT_OK(AppendStatsValues(static_cast<StructBuilder*>(child), stats, kind, path));
    } else {
      auto it = stats.columns.find(*path);
      if (it == stats.columns.end()) {
        DELTA_RETURN_NOT_OK(child->AppendNull());
      } else if (kind == StatKind::kNullCount) {
        DELTA_RETURN_NOT_OK(AppendOptInt64(child, it->second.null_count));
      } else {
        DELTA_RETURN_NOT_OK(AppendScalar(child, kind == StatKind::kMin ? it->second.min : it->second.max));
      }
    }
    path->pop_back();
  }
  return sb->Append();
}

// Builds the rows of one checkpoint part. Every row sets exactly one top-level struct.
class PartBuilder {
 public:
  static Result<std::unique_ptr<PartBuilder>> Make(const Layout& layout) {
    auto pb = std::unique_ptr<PartBuilder>(new PartBuilder(layout));
    DELTA_ASSIGN_OR_RAISE(pb->rb_, columnar::RecordBatchBuilder::Make(layout.schema));
    return pb;
  }

  int64_t rows() const { return rows_; }

  Status AddProtocol(const p::Protocol& pr) {
    auto* sb = Begin(layout_.protocol);
    DELTA_RETURN_NOT_OK(AppendInt32(sb->child(0), pr.min_reader_version));
    DELTA_RETURN_NOT_OK(AppendInt32(sb->child(1), pr.min_writer_version));
    DELTA_RETURN_NOT_OK(AppendStringList(sb->child(2), pr.reader_features));
    DELTA_RETURN_NOT_OK(AppendStringList(sb->child(3), pr.writer_features));
    return End(layout_.protocol);
  }

  Status AddMetadata(const p::Metadata& m) {
    auto* sb = Begin(layout_.metadata);
    DELTA_RETURN_NOT_OK(AppendString(sb->child(0), m.id));
    DELTA_RETURN_NOT_OK(AppendOptString(sb->child(1), m.name));
    DELTA_RETURN_NOT_OK(AppendOptString(sb->child(2), m.description));
    auto* fb = static_cast<StructBuilder*>(sb->child(3));
    DELTA_RETURN_NOT_OK(AppendString(fb->child(0), m.format.provider));
    DELTA_RETURN_NOT_OK(AppendStringMap(fb->child(1), m.format.options));
    DELTA_RETURN_NOT_OK(fb->Append());
    DELTA_RETURN_NOT_OK(AppendString(sb->child(4), m.schema_string));
    DELTA_RETURN_NOT_OK(AppendStringList(sb->child(5), m.partition_columns));
    DELTA_RETURN_NOT_OK(AppendStringMap(sb->child(6), m.configuration));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(7), m.created_time));
    return End(layout_.metadata);
  }

  Status AddTxn(const p::SetTransaction& t) {
    auto* sb = Begin(layout_.txn);
    DELTA_RETURN_NOT_OK(AppendString(sb->child(0), t.app_id));
    DELTA_RETURN_NOT_OK(AppendInt64(sb->child(1), t.version));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(2), t.last_updated));
    return End(layout_.txn);
  }

  Status AddDomain(const p::DomainMetadata& d) {
    auto* sb = Begin(layout_.domain);
    DELTA_RETURN_NOT_OK(AppendString(sb->child(0), d.domain));
    DELTA_RETURN_NOT_OK(AppendString(sb->child(1), d.configuration));
    DELTA_RETURN_NOT_OK(AppendBool(sb->child(2), d.removed));
    return End(layout_.domain);
  }

  Status AddCheckpointMetadata(int64_t version) {
    auto* sb = Begin(layout_.cp_meta);
    DELTA_RETURN_NOT_OK(AppendInt64(sb->child(0), version));
    DELTA_RETURN_NOT_OK(sb->child(1)->AppendNull());
    return End(layout_.cp_meta);
  }

  Status AddRemove(const p::Remove& r) {
    auto* sb = Begin(layout_.remove);
    DELTA_RETURN_NOT_OK(AppendString(sb->child(0), r.path));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(1), r.deletion_timestamp));
    DELTA_RETURN_NOT_OK(AppendBool(sb->child(2), r.data_change));
    DELTA_RETURN_NOT_OK(AppendBool(sb->child(3), r.extended_file_metadata));
    DELTA_RETURN_NOT_OK(AppendPartitionValues(sb->child(4), r.partition_values));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(5), r.size));
    DELTA_RETURN_NOT_OK(AppendDeletionVector(sb->child(6), r.deletion_vector));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(7), r.base_row_id));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(8), r.default_row_commit_version));
    return End(layout_.remove);
  }

  Status AddAdd(const p::Add& a) {
    auto* sb = Begin(layout_.add);
    DELTA_RETURN_NOT_OK(AppendString(sb->child(0), a.path));
    DELTA_RETURN_NOT_OK(AppendPartitionValues(sb->child(1), a.partition_values));
    DELTA_RETURN_NOT_OK(AppendInt64(sb->child(2), a.size));
    DELTA_RETURN_NOT_OK(AppendInt64(sb->child(3), a.modification_time));
    DELTA_RETURN_NOT_OK(AppendBool(sb->child(4), a.data_change));
    if (a.tags.empty()) {
      DELTA_RETURN_NOT_OK(sb->child(5)->AppendNull());
    } else {
      DELTA_RETURN_NOT_OK(AppendStringMap(sb->child(5), a.tags));
    }
    DELTA_RETURN_NOT_OK(AppendDeletionVector(sb->child(6), a.deletion_vector));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(7), a.base_row_id));
    DELTA_RETURN_NOT_OK(AppendOptInt64(sb->child(8), a.default_row_commit_version));
    DELTA_RETURN_NOT_OK(AppendOptString(sb->child(9), a.clustering_provider));
    if (layout_.add_stats >= 0) {
      ArrayBuilder* b = sb->child(layout_.add_stats);
      DELTA_RETURN_NOT_OK(a.stats.empty() ? b->AppendNull() : AppendString(b, a.stats));
    }
    if (layout_.add_pv_parsed >= 0) DELTA_RETURN_NOT_OK(AppendPartitionParsed(sb->child(layout_.add_pv_parsed), a));
    if (layout_.add_stats_parsed >= 0) {
      DELTA_RETURN_NOT_OK(AppendStatsParsed(static_cast<StructBuilder*>(sb->child(layout_.add_stats_parsed)), a));
    }
    return End(layout_.add);
  }

  Result<columnar::RecordBatchPtr> Finish() { return rb_->Finish(); }

 private:
  explicit PartBuilder(const Layout& layout) : layout_(layout) {}

  StructBuilder* Begin(int column) { return rb_->field_as<StructBuilder>(column); }

  // Closes the row: the action's struct is valid, every other top-level struct null.
  Status End(int column) {
    for (int c = 0; c < layout_.schema->num_fields(); ++c) {
      if (c == column) {
        DELTA_RETURN_NOT_OK(rb_->field_as<StructBuilder>(c)->Append());
      } else {
        DELTA_RETURN_NOT_OK(rb_->field(c)->AppendNull());
      }
    }
    ++rows_;
    return Status::OK();
  }

  Status AppendPartitionParsed(ArrayBuilder* b, const p::Add& a) {
    auto* sb = static_cast<StructBuilder*>(b);
    for (size_t i = 0; i < layout_.partition_fields.size(); ++i) {
      const auto& f = layout_.partition_fields[i];
      std::optional<columnar::Scalar> value;
      for (const auto& [k, v] : a.partition_values) {
        if (k != f->name) continue;
        auto parsed = schema::ParsePartitionValue(k, v, f->type);
        // A value our parser rejects stays in partitionValues; the typed copy is only an
        // optimisation for readers, so it is left null rather than failing the checkpoint.
        if (parsed.ok()) value = std::move(*parsed);
        break;
      }
      DELTA_RETURN_NOT_OK(AppendScalar(sb->child(static_cast<int>(i)), value));
    }
    return sb->Append();
  }

  Status AppendStatsParsed(StructBuilder* sb, const p::Add& a) {
    if (a.stats.empty()) return sb->AppendNull();
    if (!data_schema_) data_schema_ = std::make_shared<columnar::Schema>(layout_.data_fields);
    auto parsed = expr::ParseStatsJson(a.stats, *data_schema_);
    if (!parsed.ok()) return sb->AppendNull();  // unreadable stats: as if absent
    const expr::FileStats& stats = *parsed;
    const auto& fields = sb->type()->children();
    std::vector<std::string> path;
    for (int c = 0; c < sb->num_children(); ++c) {
      const std::string& name = fields[static_cast<size_t>(c)]->name;
      ArrayBuilder* child = sb->child(c);
      if (name == "numRecords") {
        DELTA_RETURN_NOT_OK(AppendOptInt64(child, stats.num_records));
      } else if (name == "tightBounds") {
        DELTA_RETURN_NOT_OK(AppendBool(child, stats.tight_bounds));
      } else {
        StatKind kind = name == "minValues" ? StatKind::kMin : name == "maxValues" ? StatKind::kMax : StatKind::kNullCount;
        DELTA_RETURN_NOT_OK(AppendStatsValues(static_cast<StructBuilder*>(child), stats, kind, &path));
      }
    }
    return sb->Append();
  }

  const Layout& layout_;
  std::unique_ptr<columnar::RecordBatchBuilder> rb_;
  columnar::SchemaPtr data_schema_;
  int64_t rows_ = 0;
};

struct WrittenFile {
  std::string name;  // file name inside _delta_log
  int64_t size = 0;
  int64_t modification_time = 0;
};

Result<WrittenFile> WritePart(const storage::Location& log_root, const std::string& name, const Layout& layout,
                              PartBuilder* part) {
  DELTA_ASSIGN_OR_RAISE(auto batch, part->Finish());
  storage::Location loc = log_root.Child(name);
  DELTA_ASSIGN_OR_RAISE(auto stream, loc.store->OpenWrite(loc.key));
  io::OutputStreamPtr out(std::move(stream));
  parquet::WriterProperties props;
  props.compression = parquet::CompressionCodec::SNAPPY;
  DELTA_ASSIGN_OR_RAISE(auto writer, parquet::FileWriter::Open(out, layout.schema, props));
  DELTA_RETURN_NOT_OK(writer->WriteBatch(*batch));
  DELTA_RETURN_NOT_OK(writer->Close());
  DELTA_ASSIGN_OR_RAISE(auto meta, loc.store->Head(loc.key));
  return WrittenFile{name, meta.size, meta.last_modified_ms};
}

// True when a complete checkpoint of `version` is already in the log.
Result<bool> CheckpointExists(const storage::Location& log_root, int64_t version) {
  std::string prefix = log_root.Child(fmt::format("{:020d}.checkpoint", version)).key;
  DELTA_ASSIGN_OR_RAISE(auto metas, log_root.store->List(prefix));
  std::map<int32_t, int32_t> multi;  // num_parts -> parts present
  for (const auto& m : metas) {
    std::string_view name = std::string_view(m.key).substr(log_root.key.empty() ? 0 : log_root.key.size() + 1);
    if (name.find('/') != std::string_view::npos) continue;
    auto f = log::ParseLogFileName(name, m);
    if (!f || f->version != version) continue;
    if (f->type == log::LogFileType::kClassicCheckpoint || f->type == log::LogFileType::kV2Checkpoint) return true;
    if (f->type == log::LogFileType::kMultiPartCheckpoint && ++multi[f->num_parts] == f->num_parts) return true;
  }
  return false;
}

std::string LastCheckpointJson(int64_t version, int64_t size, std::optional<int64_t> parts, int64_t size_in_bytes,
                               int64_t num_add_files, const std::optional<WrittenFile>& v2_file,
                               const std::vector<p::Action>& non_file_actions) {
  std::string out = fmt::format("{{\"version\":{},\"size\":{}", version, size);
  if (parts) out += fmt::format(",\"parts\":{}", *parts);
  out += fmt::format(",\"sizeInBytes\":{},\"numOfAddFiles\":{}", size_in_bytes, num_add_files);
  if (v2_file) {
    // PROTOCOL.md "Last Checkpoint File": v2Checkpoint is optional; it lets readers skip opening
    // the top-level checkpoint file for the non-file actions.
    out += ",\"v2Checkpoint\":{\"path\":";
    p::AppendJsonString(v2_file->name, &out);
    out += fmt::format(",\"sizeInBytes\":{},\"modificationTime\":{},\"nonFileActions\":[", v2_file->size,
                       v2_file->modification_time);
    for (size_t i = 0; i < non_file_actions.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += p::ActionToJson(non_file_actions[i]);
    }
    out += "],\"sidecarFiles\":[]}";
  }
  out.push_back('}');
  return out;
}

}  // namespace

Result<int64_t> ParseIntervalMs(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(fmt::format("invalid interval '{}': {}", text, why));
  };
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) tokens.push_back(Lower(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) tokens.push_back(Lower(cur));
  size_t i = 0;
  if (i < tokens.size() && tokens[i] == "interval") ++i;
  if (i >= tokens.size()) return bad("no amount");
  static const std::pair<std::string_view, int64_t> kUnits[] = {
      {"week", 7 * 86400000LL}, {"day", 86400000LL}, {"hour", 3600000LL}, {"minute", 60000LL},
      {"second", 1000LL},       {"millisecond", 1LL}, {"microsecond", 0LL}};
  int64_t total = 0;
  while (i < tokens.size()) {
    if (i + 1 >= tokens.size()) return bad("amount without a unit");
    const std::string& num = tokens[i];
    if (num.empty() || num.size() > 18 || !std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return bad(fmt::format("'{}' is not a non-negative integer", num));
    }
    int64_t n = std::stoll(num);
    std::string unit = tokens[i + 1];
    if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
    int64_t scale = -1;
    for (const auto& [name, ms] : kUnits) {
      if (unit == name) scale = ms;
    }
    if (scale < 0) return bad(fmt::format("unknown unit '{}'", tokens[i + 1]));
    int64_t ms = scale == 0 ? n / 1000 : n;
    if (scale > 1 && ms > std::numeric_limits<int64_t>::max() / scale) return bad("too large");
    ms = scale > 1 ? ms * scale : ms;
    if (total > std::numeric_limits<int64_t>::max() - ms) return bad("too large");
    total += ms;
    i += 2;
  }
  return total;
}

Result<int64_t> WriteCheckpoint(const table::SnapshotPtr& snapshot, const CheckpointOptions& options) {
  if (!snapshot) return Status::InvalidArgument("WriteCheckpoint: null snapshot");
  const table::Snapshot& snap = *snapshot;
  if (!snap.options().with_stats || !snap.options().with_tombstones) {
    return Status::InvalidArgument(
        "WriteCheckpoint needs a snapshot loaded with with_stats and with_tombstones (a checkpoint must keep "
        "statistics and unexpired tombstones)");
  }
  if (options.rows_per_part < 0) return Status::InvalidArgument("rows_per_part must be >= 0");
  const int64_t version = snap.version();
  const storage::Location& log_root = snap.segment().log_root;
  DELTA_ASSIGN_OR_RAISE(bool exists, CheckpointExists(log_root, version));
  if (exists) return version;

  bool stats_json, stats_struct;
  if (options.write_stats_as_json) {
    stats_json = *options.write_stats_as_json;
  } else {
    DELTA_ASSIGN_OR_RAISE(stats_json, ConfigBool(snap, "delta.checkpoint.writeStatsAsJson", true));
  }
  if (options.write_stats_as_struct) {
    stats_struct = *options.write_stats_as_struct;
  } else {
    DELTA_ASSIGN_OR_RAISE(stats_struct, ConfigBool(snap, "delta.checkpoint.writeStatsAsStruct", false));
  }
  // PROTOCOL.md "V2 Checkpoint Table Feature": such tables get v2 checkpoints (with a
  // checkpointMetadata action); classic-named ones would also be allowed, UUID-named is the norm.
  const bool v2 = p::IsFeatureEnabled(snap.protocol(), "v2Checkpoint");
  DELTA_ASSIGN_OR_RAISE(Layout layout, MakeLayout(snap, stats_json, stats_struct, v2));

  // PROTOCOL.md "Checkpoint Specs": tombstones are kept until they expire
  // (delta.deletedFileRetentionDuration), so vacuum and concurrent readers still see them.
  DELTA_ASSIGN_OR_RAISE(int64_t tombstone_retention,
                        ConfigIntervalMs(snap, "delta.deletedFileRetentionDuration", "interval 1 week"));
  const int64_t min_deletion_ts = NowMs() - tombstone_retention;
  std::vector<const p::Remove*> removes;
  removes.reserve(snap.tombstones().size());
  for (const auto& r : snap.tombstones()) {
    if (r.deletion_timestamp.value_or(0) > min_deletion_ts) removes.push_back(&r);
  }

  const int64_t num_non_file =
      2 + static_cast<int64_t>(snap.transactions().size() + snap.domains().size()) + (v2 ? 1 : 0);
  const int64_t total = num_non_file + static_cast<int64_t>(snap.files().size() + removes.size());
  int64_t num_parts = 1;
  if (!v2 && options.rows_per_part > 0) num_parts = std::max<int64_t>(1, (total + options.rows_per_part - 1) / options.rows_per_part);
  const int64_t per_part = num_parts == 1 ? total : options.rows_per_part;

  std::vector<WrittenFile> written;
  std::unique_ptr<PartBuilder> part;
  std::string v2_name = v2 ? fmt::format("{:020d}.checkpoint.{}.parquet", version, RandomUuid()) : std::string();
  auto part_name = [&](int64_t index) {
    if (v2) return v2_name;
    if (num_parts == 1) return fmt::format("{:020d}.checkpoint.parquet", version);
    return fmt::format("{:020d}.checkpoint.{:010d}.{:010d}.parquet", version, index + 1, num_parts);
  };
  // Starts a new part when the current one is full; flushes the finished one.
  auto next_row = [&]() -> Status {
    if (part && part->rows() < per_part) return Status::OK();
    if (part) {
      DELTA_ASSIGN_OR_RAISE(auto f, WritePart(log_root, part_name(static_cast<int64_t>(written.size())), layout, part.get()));
      written.push_back(std::move(f));
    }
    DELTA_ASSIGN_OR_RAISE(part, PartBuilder::Make(layout));
    return Status::OK();
  };

  std::vector<p::Action> non_file_actions;  // for the v2 _last_checkpoint hint
  DELTA_RETURN_NOT_OK(next_row());
  DELTA_RETURN_NOT_OK(part->AddProtocol(snap.protocol()));
  DELTA_RETURN_NOT_OK(next_row());
  DELTA_RETURN_NOT_OK(part->AddMetadata(snap.metadata()));
  for (const auto& [_, t] : snap.transactions()) {
    DELTA_RETURN_NOT_OK(next_row());
    DELTA_RETURN_NOT_OK(part->AddTxn(t));
  }
  for (const auto& [_, d] : snap.domains()) {
    DELTA_RETURN_NOT_OK(next_row());
    DELTA_RETURN_NOT_OK(part->AddDomain(d));
  }
  if (v2) {
    DELTA_RETURN_NOT_OK(next_row());
    DELTA_RETURN_NOT_OK(part->AddCheckpointMetadata(version));
    non_file_actions.emplace_back(snap.protocol());
    non_file_actions.emplace_back(snap.metadata());
    for (const auto& [_, t] : snap.transactions()) non_file_actions.emplace_back(t);
    for (const auto& [_, d] : snap.domains()) non_file_actions.emplace_back(d);
    non_file_actions.emplace_back(p::CheckpointMetadata{version, {}});
  }
  for (const auto& a : snap.files()) {
    DELTA_RETURN_NOT_OK(next_row());
    DELTA_RETURN_NOT_OK(part->AddAdd(a));
  }
  for (const p::Remove* r : removes) {
    DELTA_RETURN_NOT_OK(next_row());
    DELTA_RETURN_NOT_OK(part->AddRemove(*r));
  }
  {
    DELTA_ASSIGN_OR_RAISE(auto f, WritePart(log_root, part_name(static_cast<int64_t>(written.size())), layout, part.get()));
    written.push_back(std::move(f));
  }

  // _last_checkpoint (PROTOCOL.md "Last Checkpoint File") is only a hint: never move it back to
  // an older checkpoint than the one it names.
  auto hint = log::ReadLastCheckpointHint(log_root);
  if (hint && hint->version > version) return version;
  int64_t size_in_bytes = 0;
  for (const auto& f : written) size_in_bytes += f.size;
  std::optional<WrittenFile> v2_file;
  if (v2) v2_file = written.front();
  std::string json = LastCheckpointJson(version, total, num_parts > 1 ? std::optional<int64_t>(num_parts) : std::nullopt,
                                        size_in_bytes, static_cast<int64_t>(snap.files().size()), v2_file,
                                        non_file_actions);
  storage::Location hint_loc = log_root.Child("_last_checkpoint");
  DELTA_RETURN_NOT_OK(hint_loc.store->Put(
      hint_loc.key, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(json.data()), json.size())));
  return version;
}

Result<int64_t> CleanupExpiredLogs(const table::SnapshotPtr& snapshot, std::optional<int64_t> now_ms) {
  if (!snapshot) return Status::InvalidArgument("CleanupExpiredLogs: null snapshot");
  const table::Snapshot& snap = *snapshot;
  DELTA_ASSIGN_OR_RAISE(int64_t retention, ConfigIntervalMs(snap, "delta.logRetentionDuration", "interval 30 days"));
  const int64_t cutoff = now_ms.value_or(NowMs()) - retention;
  const storage::Location& log_root = snap.segment().log_root;
  std::string prefix = log_root.key.empty() ? std::string() : log_root.key + "/";
  int64_t deleted = 0;
  if (log_root.store->base_uri() == "file:///") {
    // Temporary files of writes interrupted by a crash (commits, _last_checkpoint, checkpoint
    // parts, data files: ".<name>.tmp-<hex>", see storage/local_store.h) are never referenced
    // and invisible to List; they go once older than the log retention, which no in-flight
    // write lasts. The table root is walked for the data files' partition directories.
    std::string table_key = log_root.key;
    const std::string_view kLogDir = "_delta_log";
    if (table_key.size() >= kLogDir.size() && table_key.compare(table_key.size() - kLogDir.size(), kLogDir.size(), kLogDir) == 0) {
      table_key.resize(table_key.size() - kLogDir.size());
      while (!table_key.empty() && table_key.back() == '/') table_key.pop_back();
      DELTA_ASSIGN_OR_RAISE(int64_t n, storage::RemoveStaleTempFiles(table_key, cutoff, /*recursive=*/true));
      deleted += n;
    } else {
      DELTA_ASSIGN_OR_RAISE(int64_t n, storage::RemoveStaleTempFiles(log_root.key, cutoff, /*recursive=*/false));
      deleted += n;
    }
  }
  DELTA_ASSIGN_OR_RAISE(auto metas, log_root.store->List(prefix));

  std::vector<log::LogFile> files;
  for (const auto& m : metas) {
    std::string_view name = std::string_view(m.key).substr(prefix.size());
    if (name.find('/') != std::string_view::npos) continue;  // _sidecars/ and other directories
    if (auto f = log::ParseLogFileName(name, m)) files.push_back(std::move(*f));
  }
  // PROTOCOL.md "Metadata Cleanup": the cutoff commit is the newest commit not newer than the
  // cutoff; the newest complete checkpoint at or before it must survive with everything after it.
  std::optional<int64_t> cutoff_commit;
  for (const auto& f : files) {
    if (f.type == log::LogFileType::kCommit && f.version <= snap.version() && f.meta.last_modified_ms <= cutoff) {
      cutoff_commit = std::max(cutoff_commit.value_or(f.version), f.version);
    }
  }
  if (!cutoff_commit) return deleted;
  std::optional<int64_t> cutoff_checkpoint;
  std::map<std::pair<int64_t, int32_t>, int32_t> multi_parts;  // (version, num_parts) -> parts seen
  for (const auto& f : files) {
    if (f.version > *cutoff_commit) continue;
    bool complete = false;
    if (f.type == log::LogFileType::kClassicCheckpoint || f.type == log::LogFileType::kV2Checkpoint) {
      complete = true;
    } else if (f.type == log::LogFileType::kMultiPartCheckpoint) {
      complete = ++multi_parts[{f.version, f.num_parts}] == f.num_parts;
    }
    if (complete) cutoff_checkpoint = std::max(cutoff_checkpoint.value_or(f.version), f.version);
  }
  if (!cutoff_checkpoint) return deleted;

  for (const auto& f : files) {
    const int64_t last = f.type == log::LogFileType::kCompaction ? f.end_version : f.version;
    if (last >= *cutoff_checkpoint) continue;
    DELTA_RETURN_NOT_OK(log_root.store->Delete(f.meta.key));
    ++deleted;
  }
  return deleted;
}

}  // namespace delta::txn

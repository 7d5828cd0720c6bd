#include "delta/ops/create.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <set>

#include "delta/protocol/action_json.h"
#include "delta/protocol/table_features.h"
#include "delta/schema/column_mapping.h"
#include "delta/schema/schema_json.h"
#include "delta/table/table.h"
#include "delta/txn/data_file_writer.h"
#include "delta/txn/transaction.h"
#include "delta/util/macros.h"

namespace delta::ops {

namespace {
table::SnapshotOptions NoStats() {
  table::SnapshotOptions o;
  o.with_stats = false;
  return o;
}
}  // namespace

using columnar::DataType;
using columnar::Field;
using columnar::FieldPtr;
using columnar::Schema;
using columnar::SchemaPtr;
using columnar::TypeId;
using columnar::TypePtr;

std::string RandomUuid() {
  // One generator per thread, seeded from the OS: ids must not repeat across processes.
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }());
  uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", static_cast<uint32_t>(hi >> 32),
                     static_cast<uint32_t>((hi >> 16) & 0xFFFF), static_cast<uint32_t>(hi & 0xFFFF),
                     static_cast<uint32_t>(lo >> 48), lo & 0xFFFFFFFFFFFFULL);
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

bool IsTrue(const std::map<std::string, std::string>& config, const std::string& key) {
  auto it = config.find(key);
  if (it == config.end()) return false;
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return v == "true";
}

bool HasMetadataPrefix(const Field& f, std::string_view prefix) {
  for (const auto& [k, v] : f.metadata) {
    if (k.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

// Features implied by the types and field metadata of a (nested) type.
void CollectTypeFeatures(const DataType& type, std::set<std::string>* out);

void CollectFieldFeatures(const Field& f, std::set<std::string>* out) {
  // PROTOCOL.md "Column Invariants", "Generated Columns", "Identity Columns": the field metadata
  // keys that make a writer feature necessary.
  if (f.GetMetadata("delta.invariants")) out->insert("invariants");
  if (f.GetMetadata("delta.generationExpression")) out->insert("generatedColumns");
  if (HasMetadataPrefix(f, "delta.identity.")) out->insert("identityColumns");
  CollectTypeFeatures(*f.type, out);
}

void CollectTypeFeatures(const DataType& type, std::set<std::string>* out) {
  if (type.id() == TypeId::kTimestamp && type.timezone().empty()) out->insert("timestampNtz");
  for (const auto& c : type.children()) CollectFieldFeatures(*c, out);
}

}  // namespace

protocol::Protocol MinimalProtocol(const Schema& schema, const std::map<std::string, std::string>& configuration) {
  std::set<std::string> features;
  for (const auto& f : schema.fields()) CollectFieldFeatures(*f, &features);
  if (IsTrue(configuration, "delta.appendOnly")) features.insert("appendOnly");
  if (IsTrue(configuration, "delta.enableChangeDataFeed")) features.insert("changeDataFeed");
  if (IsTrue(configuration, "delta.enableDeletionVectors")) features.insert("deletionVectors");
  if (IsTrue(configuration, "delta.enableInCommitTimestamps")) features.insert("inCommitTimestamp");
  for (const auto& [k, v] : configuration) {
    if (k.rfind("delta.constraints.", 0) == 0) features.insert("checkConstraints");
  }
  auto mode = schema::ParseColumnMappingMode(configuration);
  if (mode.ok() && *mode != schema::ColumnMappingMode::kNone) features.insert("columnMapping");

  // PROTOCOL.md "Table Features": legacy versions when every feature has one (the smallest
  // pair covering them all), else reader 3 (only if a reader-writer feature is used) / writer 7
  // listing every feature explicitly, legacy ones included.
  protocol::Protocol p;
  p.min_reader_version = 1;
  p.min_writer_version = 2;
  bool needs_table_features = false;
  for (const auto& name : features) {
    const protocol::TableFeature* f = protocol::FindFeature(name);
    if (f->min_writer_version >= 7) needs_table_features = true;
  }
  if (!needs_table_features) {
    for (const auto& name : features) {
      const protocol::TableFeature* f = protocol::FindFeature(name);
      p.min_writer_version = std::max(p.min_writer_version, f->min_writer_version);
      p.min_reader_version = std::max(p.min_reader_version, f->min_reader_version);
    }
    return p;
  }
  p.min_writer_version = 7;
  std::vector<std::string> writer, reader;
  for (const auto& f : protocol::KnownFeatures()) {  // protocol order, deterministic output
    if (!features.count(std::string(f.name))) continue;
    writer.emplace_back(f.name);
    if (f.kind == protocol::FeatureKind::kReaderWriter) reader.emplace_back(f.name);
  }
  p.writer_features = std::move(writer);
  if (!reader.empty()) {
    p.min_reader_version = 3;
    p.reader_features = std::move(reader);
  }
  return p;
}

namespace {

// Parquet-level metadata (field ids of an input file) is not part of a Delta schema.
columnar::KeyValueMetadata DeltaMetadata(const columnar::KeyValueMetadata& md) {
  columnar::KeyValueMetadata out;
  for (const auto& kv : md) {
    if (kv.first.rfind("PARQUET:", 0) != 0) out.push_back(kv);
  }
  return out;
}

}  // namespace

Result<TypePtr> NormalizeType(const TypePtr& type, const std::string& path) {
  switch (type->id()) {
    case TypeId::kNull:
    case TypeId::kBool:
    case TypeId::kInt8:
    case TypeId::kInt16:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kFloat32:
    case TypeId::kFloat64:
    case TypeId::kDate32:
    case TypeId::kString:
    case TypeId::kBinary:
      return type;
    case TypeId::kDecimal128:
      if (type->precision() < 1 || type->precision() > 38 || type->scale() < 0 || type->scale() > type->precision()) {
        return Status::InvalidArgument(fmt::format("column '{}': invalid {}", path, type->ToString()));
      }
      return type;
    case TypeId::kUInt8:
      return columnar::Int16();
    case TypeId::kUInt16:
      return columnar::Int32();
    case TypeId::kUInt32:
      return columnar::Int64();
    case TypeId::kUInt64:
      return columnar::Decimal128(20, 0);
    case TypeId::kLargeString:
      return columnar::Utf8();
    case TypeId::kLargeBinary:
    case TypeId::kFixedSizeBinary:
      return columnar::Binary();
    case TypeId::kTimestamp:
      if (type->unit() == columnar::TimeUnit::kMicro && (type->timezone().empty() || type->timezone() == "UTC")) {
        return type;
      }
      return columnar::Timestamp(columnar::TimeUnit::kMicro, type->timezone().empty() ? "" : "UTC");
    case TypeId::kStruct: {
      std::vector<FieldPtr> fields;
      std::set<std::string> seen;
      for (const auto& c : type->children()) {
        std::string lower = c->name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (!seen.insert(lower).second) {
          return Status::InvalidArgument(fmt::format("duplicate field '{}' in column '{}'", c->name, path));
        }
        DELTA_ASSIGN_OR_RAISE(auto t, NormalizeType(c->type, path + "." + c->name));
        auto md = DeltaMetadata(c->metadata);
        fields.push_back(t == c->type && md.size() == c->metadata.size() ? c
                                                                         : columnar::MakeField(c->name, t, c->nullable, md));
      }
      return columnar::Struct(std::move(fields));
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      const auto& elem = type->children()[0];
      DELTA_ASSIGN_OR_RAISE(auto t, NormalizeType(elem->type, path + ".element"));
      if (type->id() == TypeId::kList && elem->name == "element" && t == elem->type && elem->metadata.empty()) return type;
      return columnar::List(columnar::MakeField("element", t, elem->nullable));
    }
    case TypeId::kMap: {
      const auto& entries = type->children()[0];
      const auto& key = entries->type->children()[0];
      const auto& value = entries->type->children()[1];
      DELTA_ASSIGN_OR_RAISE(auto kt, NormalizeType(key->type, path + ".key"));
      DELTA_ASSIGN_OR_RAISE(auto vt, NormalizeType(value->type, path + ".value"));
      if (kt == key->type && vt == value->type) return type;
      return columnar::Map(kt, vt, value->nullable);
    }
    default:
      return Status::InvalidArgument(
          fmt::format("column '{}' has type {} which has no Delta equivalent", path, type->ToString()));
  }
}

Result<SchemaPtr> NormalizeSchema(const Schema& schema) {
  std::vector<FieldPtr> fields;
  std::set<std::string> seen;
  for (const auto& f : schema.fields()) {
    if (f->name.empty()) return Status::InvalidArgument("a column has an empty name");
    std::string lower = f->name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    // Delta column names are case-insensitive (Spark's resolution), so "a" and "A" collide.
    if (!seen.insert(lower).second) return Status::InvalidArgument(fmt::format("duplicate column '{}'", f->name));
    DELTA_ASSIGN_OR_RAISE(auto t, NormalizeType(f->type, f->name));
    auto md = DeltaMetadata(f->metadata);
    fields.push_back(t == f->type && md.size() == f->metadata.size() ? f
                                                                     : columnar::MakeField(f->name, t, f->nullable, md));
  }
  return std::make_shared<Schema>(std::move(fields));
}

namespace {

// Adds delta.columnMapping.id / physicalName to a field, keeping the private list of JSON-valued
// keys (schema_json.h) in step so that the id is serialised as a number.
FieldPtr WithMapping(const Field& f, TypePtr type, int64_t* max_id) {
  columnar::KeyValueMetadata md = f.metadata;
  bool has_id = schema::ColumnMappingId(f).has_value();
  bool has_name = schema::PhysicalName(f).has_value();
  if (!has_id) {
    md.emplace_back(schema::kColumnMappingIdKey, std::to_string(++*max_id));
    for (auto& [k, v] : md) {
      if (k != schema::kJsonMetadataKeysKey) continue;
      auto close = v.rfind(']');
      if (close == std::string::npos) continue;
      bool empty = v.find('"') == std::string::npos;
      v = v.substr(0, close) + (empty ? "" : ",") + "\"" + schema::kColumnMappingIdKey + "\"]";
    }
  }
  if (!has_name) md.emplace_back(schema::kPhysicalNameKey, "col-" + RandomUuid());
  return columnar::MakeField(f.name, std::move(type), f.nullable, std::move(md));
}

TypePtr AssignInType(const TypePtr& type, int64_t* max_id) {
  switch (type->id()) {
    case TypeId::kStruct: {
      std::vector<FieldPtr> fields;
      for (const auto& c : type->children()) fields.push_back(WithMapping(*c, AssignInType(c->type, max_id), max_id));
      return columnar::Struct(std::move(fields));
    }
    case TypeId::kList: {
      const auto& e = type->children()[0];
      auto t = AssignInType(e->type, max_id);
      return t == e->type ? type : columnar::List(columnar::MakeField(e->name, t, e->nullable, e->metadata));
    }
    case TypeId::kMap: {
      const auto& entries = type->children()[0];
      const auto& key = entries->type->children()[0];
      const auto& value = entries->type->children()[1];
      auto kt = AssignInType(key->type, max_id);
      auto vt = AssignInType(value->type, max_id);
      if (kt == key->type && vt == value->type) return type;
      return columnar::Map(kt, vt, value->nullable);
    }
    default:
      return type;
  }
}

void MaxIdInType(const DataType& type, int64_t* max_id) {
  for (const auto& c : type.children()) {
    if (auto id = schema::ColumnMappingId(*c)) *max_id = std::max(*max_id, *id);
    MaxIdInType(*c->type, max_id);
  }
}

}  // namespace

SchemaPtr AssignColumnMapping(const Schema& schema, int64_t* max_column_id) {
  // Ids already present (kept) must not be handed out again.
  for (const auto& f : schema.fields()) {
    if (auto id = schema::ColumnMappingId(*f)) *max_column_id = std::max(*max_column_id, *id);
    MaxIdInType(*f->type, max_column_id);
  }
  std::vector<FieldPtr> fields;
  for (const auto& f : schema.fields()) {
    fields.push_back(WithMapping(*f, AssignInType(f->type, max_column_id), max_column_id));
  }
  return std::make_shared<Schema>(std::move(fields), schema.metadata());
}

Result<NewTableActions> PrepareNewTable(const SchemaPtr& schema_in, const std::vector<std::string>& partition_by,
                                        const std::map<std::string, std::string>& configuration,
                                        const std::optional<std::string>& name,
                                        const std::optional<std::string>& description) {
  if (!schema_in || schema_in->num_fields() == 0) {
    return Status::InvalidArgument("a table needs a schema with at least one column");
  }
  DELTA_ASSIGN_OR_RAISE(SchemaPtr schema, NormalizeSchema(*schema_in));
  // PROTOCOL.md "Partition Value Serialization" only defines primitive partition values.
  std::set<std::string> seen_partitions;
  for (const auto& p : partition_by) {
    int i = schema->GetFieldIndex(p);
    if (i < 0) {
      return Status::InvalidArgument(fmt::format("partition column '{}' is not a column of the schema", p));
    }
    if (schema->field(i)->type->is_nested() || schema->field(i)->type->id() == TypeId::kNull) {
      return Status::InvalidArgument(fmt::format("partition column '{}' has type {}; partition columns must be primitive",
                                                 p, schema::DeltaTypeName(*schema->field(i)->type)));
    }
    if (!seen_partitions.insert(p).second) {
      return Status::InvalidArgument(fmt::format("partition column '{}' is listed twice", p));
    }
  }
  if (!partition_by.empty() && partition_by.size() == static_cast<size_t>(schema->num_fields())) {
    return Status::InvalidArgument("cannot partition by every column: a table needs at least one data column");
  }
  // Reject malformed writer settings now rather than at the first write.
  DELTA_RETURN_NOT_OK(txn::DataWriteOptionsFromConfiguration(configuration).status());
  DELTA_ASSIGN_OR_RAISE(auto mode, schema::ParseColumnMappingMode(configuration));

  NewTableActions out;
  out.metadata.configuration = configuration;
  if (mode != schema::ColumnMappingMode::kNone) {
    // PROTOCOL.md "Column Mapping": every column gets an id and a physical name; the table keeps
    // the largest id handed out in delta.columnMapping.maxColumnId.
    int64_t max_id = 0;
    auto it = configuration.find("delta.columnMapping.maxColumnId");
    if (it != configuration.end()) {
      try {
        max_id = std::stoll(it->second);
      } catch (...) {
        return Status::InvalidArgument(fmt::format("delta.columnMapping.maxColumnId '{}' is not a number", it->second));
      }
    }
    schema = AssignColumnMapping(*schema, &max_id);
    out.metadata.configuration["delta.columnMapping.maxColumnId"] = std::to_string(max_id);
  }
  out.protocol = MinimalProtocol(*schema, out.metadata.configuration);
  out.metadata.id = RandomUuid();
  out.metadata.name = name;
  out.metadata.description = description;
  out.metadata.schema_string = schema::SchemaToJson(*schema);
  out.metadata.partition_columns = partition_by;
  out.metadata.created_time = NowMs();
  out.schema = std::move(schema);
  return out;
}

namespace {

std::string JsonString(std::string_view s) {
  std::string out;
  protocol::AppendJsonString(s, &out);
  return out;
}

}  // namespace

Result<int64_t> CreateTable(const std::string& uri, const CreateOptions& options, const storage::StorageOptions& storage) {
  DELTA_ASSIGN_OR_RAISE(auto table, table::Table::Open(uri, storage));
  auto existing = table->GetSnapshot(NoStats());
  if (existing.ok()) {
    if (options.if_exists == CreateOptions::IfExists::kIgnore) return (*existing)->version();
    return Status::AlreadyExists(fmt::format("a Delta table already exists at {} (version {})", table->uri(),
                                             (*existing)->version()));
  }
  if (!existing.status().IsNotFound()) return existing.status();

  DELTA_ASSIGN_OR_RAISE(NewTableActions actions, PrepareNewTable(options.schema, options.partition_by,
                                                                 options.configuration, options.name,
                                                                 options.description));
  DELTA_ASSIGN_OR_RAISE(auto txn, txn::Transaction::BeginCreate(table->location()));
  txn->UpdateProtocol(actions.protocol);
  txn->UpdateMetadata(actions.metadata);
  // Spark's CREATE TABLE operationParameters: string values (JSON-encoded lists / maps inside).
  std::string partition_by = "[";
  for (size_t i = 0; i < options.partition_by.size(); ++i) {
    if (i) partition_by += ",";
    protocol::AppendJsonString(options.partition_by[i], &partition_by);
  }
  partition_by += "]";
  std::string properties = "{";
  bool first = true;
  for (const auto& [k, v] : options.configuration) {
    if (!first) properties += ",";
    first = false;
    protocol::AppendJsonString(k, &properties);
    properties += ":";
    protocol::AppendJsonString(v, &properties);
  }
  properties += "}";
  std::map<std::string, std::string> params = {
      {"isManaged", "\"false\""},
      {"partitionBy", JsonString(partition_by)},
      {"properties", JsonString(properties)},
  };
  params["description"] = options.description ? JsonString(*options.description) : "null";
  txn->SetOperation("CREATE TABLE", std::move(params));
  auto committed = txn->Commit();
  if (!committed.ok()) {
    if (committed.status().IsAlreadyExists() && options.if_exists == CreateOptions::IfExists::kIgnore) {
      DELTA_ASSIGN_OR_RAISE(auto snap, table->GetSnapshot(NoStats()));
      return snap->version();
    }
    return committed.status();
  }
  return committed->version;
}

}  // namespace delta::ops

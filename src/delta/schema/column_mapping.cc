#include "delta/schema/column_mapping.h"

#include <charconv>
#include <limits>

#include <fmt/format.h>

#include "delta/util/macros.h"

namespace delta::schema {

using columnar::Field;
using columnar::FieldPtr;
using columnar::TypeId;
using columnar::TypePtr;

const char* ColumnMappingModeName(ColumnMappingMode mode) {
  switch (mode) {
    case ColumnMappingMode::kNone: return "none";
    case ColumnMappingMode::kId: return "id";
    case ColumnMappingMode::kName: return "name";
  }
  return "none";
}

Result<ColumnMappingMode> ParseColumnMappingMode(const std::map<std::string, std::string>& configuration) {
  auto it = configuration.find(kColumnMappingModeKey);
  if (it == configuration.end()) return ColumnMappingMode::kNone;
  std::string v;
  for (char c : it->second) v.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (v == "none") return ColumnMappingMode::kNone;
  if (v == "id") return ColumnMappingMode::kId;
  if (v == "name") return ColumnMappingMode::kName;
  return Status::InvalidArgument(
      fmt::format("unknown {} '{}' (expected none, id or name)", kColumnMappingModeKey, it->second));
}

std::optional<int64_t> ColumnMappingId(const Field& f) {
  auto v = f.GetMetadata(kColumnMappingIdKey);
  if (!v) return std::nullopt;
  int64_t id = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), id);
  if (ec != std::errc() || ptr != v->data() + v->size()) return std::nullopt;
  return id;
}

std::optional<std::string> PhysicalName(const Field& f) { return f.GetMetadata(kPhysicalNameKey); }

namespace {

std::string JoinPath(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

// Rebuilds a field of a nested type (list element / map entries) keeping its name.
FieldPtr WithType(const Field& f, TypePtr type) { return columnar::MakeField(f.name, std::move(type), f.nullable, f.metadata); }

Result<FieldPtr> PhysicalField(const Field& f, ColumnMappingMode mode, const std::string& parent) {
  const std::string path = JoinPath(parent, f.name);
  auto physical = PhysicalName(f);
  if (!physical) {
    return Status::CorruptData(fmt::format("column mapping mode '{}': field '{}' has no {}",
                                           ColumnMappingModeName(mode), path, kPhysicalNameKey));
  }
  columnar::KeyValueMetadata md = f.metadata;
  if (mode == ColumnMappingMode::kId) {
    auto id = ColumnMappingId(f);
    if (!id || *id < std::numeric_limits<int32_t>::min() || *id > std::numeric_limits<int32_t>::max()) {
      return Status::CorruptData(fmt::format("column mapping mode 'id': field '{}' has no valid {} (got '{}')", path,
                                             kColumnMappingIdKey, f.GetMetadata(kColumnMappingIdKey).value_or("")));
    }
    std::erase_if(md, [](const auto& kv) { return kv.first == kParquetFieldIdKey; });
    md.emplace_back(kParquetFieldIdKey, std::to_string(*id));
  }
  DELTA_ASSIGN_OR_RAISE(auto type, PhysicalType(f.type, mode, path));
  return columnar::MakeField(*physical, std::move(type), f.nullable, std::move(md));
}

}  // namespace

Result<TypePtr> PhysicalType(const TypePtr& logical, ColumnMappingMode mode, const std::string& path) {
  if (mode == ColumnMappingMode::kNone) return logical;
  switch (logical->id()) {
    case TypeId::kStruct: {
      std::vector<FieldPtr> fields;
      fields.reserve(logical->children().size());
      for (const auto& c : logical->children()) {
        DELTA_ASSIGN_OR_RAISE(auto pf, PhysicalField(*c, mode, path));
        fields.push_back(std::move(pf));
      }
      return columnar::Struct(std::move(fields));
    }
    case TypeId::kList:
    case TypeId::kLargeList: {
      const Field& e = *logical->children()[0];
      DELTA_ASSIGN_OR_RAISE(auto et, PhysicalType(e.type, mode, JoinPath(path, "element")));
      auto ef = WithType(e, std::move(et));
      return logical->id() == TypeId::kList ? columnar::List(std::move(ef)) : columnar::LargeList(std::move(ef));
    }
    case TypeId::kMap: {
      const Field& entries = *logical->children()[0];
      const auto& kv = entries.type->children();
      DELTA_ASSIGN_OR_RAISE(auto kt, PhysicalType(kv[0]->type, mode, JoinPath(path, "key")));
      DELTA_ASSIGN_OR_RAISE(auto vt, PhysicalType(kv[1]->type, mode, JoinPath(path, "value")));
      auto st = columnar::Struct({WithType(*kv[0], std::move(kt)), WithType(*kv[1], std::move(vt))});
      auto t = columnar::Map(WithType(entries, std::move(st)));
      // Map(FieldPtr) does not carry keys_sorted; keep it.
      if (logical->keys_sorted()) {
        auto copy = std::make_shared<columnar::DataType>(*t);
        copy->keys_sorted_ = true;
        return TypePtr(std::move(copy));
      }
      return t;
    }
    default:
      return logical;
  }
}

Result<columnar::SchemaPtr> PhysicalSchema(const columnar::Schema& logical, ColumnMappingMode mode) {
  if (mode == ColumnMappingMode::kNone) {
    return std::make_shared<const columnar::Schema>(logical.fields(), logical.metadata());
  }
  std::vector<FieldPtr> fields;
  fields.reserve(logical.fields().size());
  for (const auto& f : logical.fields()) {
    DELTA_ASSIGN_OR_RAISE(auto pf, PhysicalField(*f, mode, ""));
    fields.push_back(std::move(pf));
  }
  return std::make_shared<const columnar::Schema>(std::move(fields), logical.metadata());
}

}  // namespace delta::schema

#include "delta/schema/schema_json.h"

#include "delta/util/json_string.h"

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "delta/schema/json_util_internal.h"
#include "delta/util/macros.h"

namespace delta::schema {

using columnar::DataType;
using columnar::Field;
using columnar::FieldPtr;
using columnar::KeyValueMetadata;
using columnar::TimeUnit;
using columnar::TypeId;
using columnar::TypePtr;
namespace dom = simdjson::dom;

namespace internal {

void AppendJsonString(std::string_view s, std::string* out) { util::AppendJsonString(s, out); }

}  // namespace internal

namespace {

Status Invalid(std::string_view what) { return Status::CorruptData(fmt::format("invalid schemaString: {}", what)); }

std::string JoinPath(std::string_view parent, std::string_view name) {
  if (parent.empty()) return std::string(name);
  return fmt::format("{}.{}", parent, name);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseSmallInt(std::string_view s, int32_t* out) {
  s = Trim(s);
  if (s.empty() || s.size() > 4) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

TypePtr VariantStorageType() {
  return columnar::Struct({columnar::MakeField("value", columnar::Binary(), false),
                           columnar::MakeField("metadata", columnar::Binary(), false)});
}

// The result of parsing one Delta type: the columnar type plus whether it was "variant" (the
// marker goes onto the Field that holds the type).
struct ParsedType {
  TypePtr type;
  bool variant = false;
};

Result<ParsedType> ParseType(dom::element type, const std::string& path);

Result<KeyValueMetadata> ParseMetadata(dom::element md, const std::string& path) {
  KeyValueMetadata out;
  if (md.type() == dom::element_type::NULL_VALUE) return out;
  dom::object obj;
  if (md.get_object().get(obj) != simdjson::SUCCESS) {
    return Invalid(fmt::format("metadata of field '{}' is not a JSON object", path));
  }
  std::vector<std::string> json_keys;
  for (auto kv : obj) {
    std::string key(kv.key);
    if (kv.value.type() == dom::element_type::STRING) {
      std::string_view v;
      if (kv.value.get_string().get(v) != simdjson::SUCCESS) return Invalid("unreadable metadata string");
      out.emplace_back(std::move(key), std::string(v));
    } else {
      json_keys.push_back(key);
      out.emplace_back(std::move(key), simdjson::minify(kv.value));
    }
  }
  if (!json_keys.empty()) {
    std::string list = "[";
    for (size_t i = 0; i < json_keys.size(); ++i) {
      if (i > 0) list.push_back(',');
      internal::AppendJsonString(json_keys[i], &list);
    }
    list.push_back(']');
    out.emplace_back(kJsonMetadataKeysKey, std::move(list));
  }
  return out;
}

Result<FieldPtr> ParseField(dom::element f, const std::string& parent_path) {
  dom::object obj;
  if (f.get_object().get(obj) != simdjson::SUCCESS) {
    return Invalid(fmt::format("a field of '{}' is not a JSON object", parent_path.empty() ? "<root>" : parent_path));
  }
  std::string_view name;
  if (obj["name"].get_string().get(name) != simdjson::SUCCESS) {
    return Invalid(fmt::format("a field of '{}' has no string \"name\"", parent_path.empty() ? "<root>" : parent_path));
  }
  const std::string path = JoinPath(parent_path, name);
  dom::element type;
  if (obj["type"].get(type) != simdjson::SUCCESS) return Invalid(fmt::format("field '{}' has no \"type\"", path));
  // Geospatial types (PROTOCOL.md "Geospatial Types") are recognised so the log can be described;
  // their values (WKB) surface as binary and the scan refuses the table (kUnreadableTypeKey).
  std::string_view type_name;
  std::string unreadable;
  ParsedType parsed;
  if (type.get_string().get(type_name) == simdjson::SUCCESS &&
      (Trim(type_name).substr(0, 8) == "geometry" || Trim(type_name).substr(0, 9) == "geography")) {
    parsed.type = columnar::Binary();
    unreadable = std::string(Trim(type_name));
  } else {
    DELTA_ASSIGN_OR_RAISE(parsed, ParseType(type, path));
  }
  bool nullable = true;
  dom::element nullable_el;
  if (obj["nullable"].get(nullable_el) == simdjson::SUCCESS &&
      nullable_el.type() != dom::element_type::NULL_VALUE) {
    if (nullable_el.get_bool().get(nullable) != simdjson::SUCCESS) {
      return Invalid(fmt::format("\"nullable\" of field '{}' is not a boolean", path));
    }
  }
  KeyValueMetadata md;
  dom::element md_el;
  if (obj["metadata"].get(md_el) == simdjson::SUCCESS) {
    DELTA_ASSIGN_OR_RAISE(md, ParseMetadata(md_el, path));
  }
  if (parsed.variant) md.emplace_back(kVariantMetadataKey, "true");
  if (!unreadable.empty()) md.emplace_back(kUnreadableTypeKey, unreadable);
  return columnar::MakeField(std::string(name), std::move(parsed.type), nullable, std::move(md));
}

Result<TypePtr> ParseStruct(dom::object obj, const std::string& path) {
  dom::array fields;
  if (obj["fields"].get_array().get(fields) != simdjson::SUCCESS) {
    return Invalid(fmt::format("struct '{}' has no \"fields\" array", path.empty() ? "<root>" : path));
  }
  std::vector<FieldPtr> out;
  out.reserve(fields.size());
  for (dom::element f : fields) {
    DELTA_ASSIGN_OR_RAISE(auto field, ParseField(f, path));
    out.push_back(std::move(field));
  }
  return columnar::Struct(std::move(out));
}

Result<bool> OptionalBool(dom::object obj, const char* key, const std::string& path) {
  dom::element el;
  if (obj[key].get(el) != simdjson::SUCCESS || el.type() == dom::element_type::NULL_VALUE) return true;
  bool v = true;
  if (el.get_bool().get(v) != simdjson::SUCCESS) {
    return Invalid(fmt::format("\"{}\" of '{}' is not a boolean", key, path));
  }
  return v;
}

Result<ParsedType> ParseType(dom::element type, const std::string& path) {
  if (type.type() == dom::element_type::STRING) {
    std::string_view name;
    if (type.get_string().get(name) != simdjson::SUCCESS) return Invalid(fmt::format("unreadable type of '{}'", path));
    if (Trim(name) == "variant") return ParsedType{VariantStorageType(), true};
    DELTA_ASSIGN_OR_RAISE(auto t, ParsePrimitiveTypeName(name, path));
    return ParsedType{std::move(t), false};
  }
  dom::object obj;
  if (type.get_object().get(obj) != simdjson::SUCCESS) {
    return Invalid(fmt::format("type of '{}' is neither a string nor an object", path));
  }
  std::string_view kind;
  if (obj["type"].get_string().get(kind) != simdjson::SUCCESS) {
    return Invalid(fmt::format("complex type of '{}' has no string \"type\"", path));
  }
  if (kind == "struct") {
    DELTA_ASSIGN_OR_RAISE(auto t, ParseStruct(obj, path));
    return ParsedType{std::move(t), false};
  }
  if (kind == "array") {
    dom::element elem;
    if (obj["elementType"].get(elem) != simdjson::SUCCESS) {
      return Invalid(fmt::format("array '{}' has no \"elementType\"", path));
    }
    const std::string elem_path = JoinPath(path, "element");
    DELTA_ASSIGN_OR_RAISE(ParsedType et, ParseType(elem, elem_path));
    DELTA_ASSIGN_OR_RAISE(bool contains_null, OptionalBool(obj, "containsNull", path));
    KeyValueMetadata md;
    if (et.variant) md.emplace_back(kVariantMetadataKey, "true");
    return ParsedType{columnar::List(columnar::MakeField("element", std::move(et.type), contains_null, std::move(md))),
                      false};
  }
  if (kind == "map") {
    dom::element key_el, value_el;
    if (obj["keyType"].get(key_el) != simdjson::SUCCESS || obj["valueType"].get(value_el) != simdjson::SUCCESS) {
      return Invalid(fmt::format("map '{}' needs \"keyType\" and \"valueType\"", path));
    }
    DELTA_ASSIGN_OR_RAISE(ParsedType kt, ParseType(key_el, JoinPath(path, "key")));
    DELTA_ASSIGN_OR_RAISE(ParsedType vt, ParseType(value_el, JoinPath(path, "value")));
    DELTA_ASSIGN_OR_RAISE(bool value_null, OptionalBool(obj, "valueContainsNull", path));
    KeyValueMetadata kmd, vmd;
    if (kt.variant) kmd.emplace_back(kVariantMetadataKey, "true");
    if (vt.variant) vmd.emplace_back(kVariantMetadataKey, "true");
    auto entries = columnar::MakeField(
        "entries",
        columnar::Struct({columnar::MakeField("key", std::move(kt.type), false, std::move(kmd)),
                          columnar::MakeField("value", std::move(vt.type), value_null, std::move(vmd))}),
        false);
    return ParsedType{columnar::Map(std::move(entries)), false};
  }
  if (kind == "variant") return ParsedType{VariantStorageType(), true};
  return Status::Unsupported(fmt::format("unsupported Delta type '{}' (field '{}')", kind, path));
}

// Metadata keys Delta defines with non-string JSON values; used for hand-built fields that carry
// no kJsonMetadataKeysKey list.
bool IsKnownJsonKey(std::string_view key) {
  static constexpr const char* kKeys[] = {
      "delta.columnMapping.id",        "delta.columnMapping.nested.ids",  "parquet.field.nested.ids",
      "delta.identity.start",          "delta.identity.step",             "delta.identity.highWaterMark",
      "delta.identity.allowExplicitInsert", "delta.typeChanges",          "__COLLATIONS",
  };
  for (const char* k : kKeys)
    if (key == k) return true;
  return false;
}

class JsonWriter {
 public:
  void WriteSchema(const columnar::Schema& schema, std::string* out) {
    *out += "{\"type\":\"struct\",\"fields\":[";
    for (int i = 0; i < schema.num_fields(); ++i) {
      if (i > 0) out->push_back(',');
      WriteField(*schema.field(i), out);
    }
    *out += "]}";
  }

  void WriteType(const DataType& t, bool variant, std::string* out) {
    if (variant) {
      *out += "\"variant\"";
      return;
    }
    switch (t.id()) {
      case TypeId::kStruct:
        *out += "{\"type\":\"struct\",\"fields\":[";
        for (size_t i = 0; i < t.children().size(); ++i) {
          if (i > 0) out->push_back(',');
          WriteField(*t.children()[i], out);
        }
        *out += "]}";
        return;
      case TypeId::kList:
      case TypeId::kLargeList: {
        const Field& e = *t.children()[0];
        *out += "{\"type\":\"array\",\"elementType\":";
        WriteType(*e.type, IsVariantField(e), out);
        *out += fmt::format(",\"containsNull\":{}}}", e.nullable ? "true" : "false");
        return;
      }
      case TypeId::kMap: {
        const auto& kv = t.children()[0]->type->children();
        *out += "{\"type\":\"map\",\"keyType\":";
        WriteType(*kv[0]->type, IsVariantField(*kv[0]), out);
        *out += ",\"valueType\":";
        WriteType(*kv[1]->type, IsVariantField(*kv[1]), out);
        *out += fmt::format(",\"valueContainsNull\":{}}}", kv[1]->nullable ? "true" : "false");
        return;
      }
      default:
        internal::AppendJsonString(DeltaTypeName(t), out);
        return;
    }
  }

 private:
  void WriteField(const Field& f, std::string* out) {
    *out += "{\"name\":";
    internal::AppendJsonString(f.name, out);
    *out += ",\"type\":";
    if (auto unreadable = f.GetMetadata(kUnreadableTypeKey)) {
      internal::AppendJsonString(*unreadable, out);  // geometry(...) / geography(...) as written
    } else {
      WriteType(*f.type, IsVariantField(f), out);
    }
    *out += fmt::format(",\"nullable\":{},\"metadata\":{{", f.nullable ? "true" : "false");
    std::vector<std::string> json_keys;
    bool have_list = false;
    if (auto list = f.GetMetadata(kJsonMetadataKeysKey)) {
      dom::array arr;
      if (parser_.parse(*list).get_array().get(arr) == simdjson::SUCCESS) {
        have_list = true;
        for (dom::element e : arr) {
          std::string_view k;
          if (e.get_string().get(k) == simdjson::SUCCESS) json_keys.emplace_back(k);
        }
      }
    }
    bool first = true;
    for (const auto& [key, value] : f.metadata) {
      if (key.rfind(kPrivateMetadataPrefix, 0) == 0) continue;
      if (!first) out->push_back(',');
      first = false;
      internal::AppendJsonString(key, out);
      out->push_back(':');
      bool as_json = false;
      if (have_list) {
        for (const auto& k : json_keys) as_json = as_json || k == key;
      } else {
        as_json = IsKnownJsonKey(key);
      }
      if (as_json) {
        // Only emit raw text that is valid JSON, so a bad value cannot corrupt the log.
        dom::element el;
        if (parser_.parse(value).get(el) != simdjson::SUCCESS ||
            (!have_list && el.type() == dom::element_type::STRING)) {
          as_json = false;
        }
      }
      if (as_json) {
        *out += value;
      } else {
        internal::AppendJsonString(value, out);
      }
    }
    *out += "}}";
  }

  dom::parser parser_;
};

}  // namespace

Result<TypePtr> ParsePrimitiveTypeName(std::string_view raw, std::string_view path) {
  const std::string_view name = Trim(raw);
  if (name == "string") return columnar::Utf8();
  if (name == "long") return columnar::Int64();
  if (name == "integer") return columnar::Int32();
  if (name == "short") return columnar::Int16();
  if (name == "byte") return columnar::Int8();
  if (name == "float") return columnar::Float32();
  if (name == "double") return columnar::Float64();
  if (name == "boolean") return columnar::Bool();
  if (name == "binary") return columnar::Binary();
  if (name == "date") return columnar::Date32();
  if (name == "timestamp") return columnar::Timestamp(TimeUnit::kMicro, "UTC");
  if (name == "timestamp_ntz") return columnar::Timestamp(TimeUnit::kMicro);
  if (name == "void") return columnar::Null();
  if (name == "decimal") return columnar::Decimal128(10, 0);
  if (name.substr(0, 7) == "decimal") {
    std::string_view rest = Trim(name.substr(7));
    int32_t precision = 0, scale = 0;
    const size_t comma = rest.find(',');
    if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')' || comma == std::string_view::npos ||
        !ParseSmallInt(rest.substr(1, comma - 1), &precision) ||
        !ParseSmallInt(rest.substr(comma + 1, rest.size() - comma - 2), &scale)) {
      return Invalid(fmt::format("malformed decimal type '{}' (field '{}')", raw, path));
    }
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
      return Invalid(fmt::format("decimal precision {} / scale {} out of range (field '{}'): precision must be "
                                 "1..38 and scale 0..precision",
                                 precision, scale, path));
    }
    return columnar::Decimal128(precision, scale);
  }
  return Status::Unsupported(fmt::format("unsupported Delta type '{}' (field '{}')", raw, path));
}

Result<columnar::SchemaPtr> ParseSchemaJson(std::string_view schema_string) {
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(schema_string.data(), schema_string.size()).get(root); err != simdjson::SUCCESS) {
    return Invalid(fmt::format("not valid JSON ({})", simdjson::error_message(err)));
  }
  dom::object obj;
  std::string_view kind;
  if (root.get_object().get(obj) != simdjson::SUCCESS || obj["type"].get_string().get(kind) != simdjson::SUCCESS ||
      kind != "struct") {
    return Invalid("the top level is not a {\"type\":\"struct\"} object");
  }
  DELTA_ASSIGN_OR_RAISE(TypePtr st, ParseStruct(obj, ""));
  return std::make_shared<const columnar::Schema>(st->children());
}

Result<TypePtr> ParseDeltaTypeJson(std::string_view type_json, std::string_view path) {
  dom::parser parser;
  dom::element root;
  if (auto err = parser.parse(type_json.data(), type_json.size()).get(root); err != simdjson::SUCCESS) {
    return Invalid(fmt::format("type of '{}' is not valid JSON ({})", path, simdjson::error_message(err)));
  }
  DELTA_ASSIGN_OR_RAISE(ParsedType t, ParseType(root, std::string(path)));
  return t.type;
}

std::string SchemaToJson(const columnar::Schema& schema) {
  std::string out;
  JsonWriter w;
  w.WriteSchema(schema, &out);
  return out;
}

std::string TypeToJson(const DataType& type) {
  std::string out;
  JsonWriter w;
  w.WriteType(type, false, &out);
  return out;
}

bool IsVariantField(const Field& field) {
  for (const auto& [k, v] : field.metadata)
    if (k == kVariantMetadataKey) return v == "true";
  return false;
}

std::string DeltaTypeName(const DataType& t) {
  switch (t.id()) {
    case TypeId::kNull: return "void";
    case TypeId::kBool: return "boolean";
    case TypeId::kInt8: return "byte";
    case TypeId::kInt16: return "short";
    case TypeId::kInt32: return "integer";
    case TypeId::kInt64: return "long";
    case TypeId::kFloat32: return "float";
    case TypeId::kFloat64: return "double";
    case TypeId::kString: return "string";
    case TypeId::kBinary: return "binary";
    case TypeId::kDate32: return "date";
    case TypeId::kDecimal128: return fmt::format("decimal({},{})", t.precision(), t.scale());
    case TypeId::kTimestamp:
      if (t.unit() == TimeUnit::kMicro) {
        if (t.timezone().empty()) return "timestamp_ntz";
        if (t.timezone() == "UTC") return "timestamp";
      }
      return t.ToString();
    case TypeId::kList:
    case TypeId::kLargeList: {
      const Field& e = *t.children()[0];
      return fmt::format("array<{}>", IsVariantField(e) ? "variant" : DeltaTypeName(*e.type));
    }
    case TypeId::kMap: {
      const auto& kv = t.children()[0]->type->children();
      if (kv.size() != 2) return t.ToString();
      return fmt::format("map<{},{}>", IsVariantField(*kv[0]) ? "variant" : DeltaTypeName(*kv[0]->type),
                         IsVariantField(*kv[1]) ? "variant" : DeltaTypeName(*kv[1]->type));
    }
    case TypeId::kStruct: {
      std::string out = "struct<";
      for (size_t i = 0; i < t.children().size(); ++i) {
        const Field& f = *t.children()[i];
        if (i > 0) out += ",";
        out += f.name + ":" + (IsVariantField(f) ? std::string("variant") : DeltaTypeName(*f.type));
      }
      return out + ">";
    }
    default:
      return t.ToString();
  }
}

}  // namespace delta::schema

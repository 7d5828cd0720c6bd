// Delta schema JSON (metaData.schemaString, PROTOCOL.md "Schema Serialization Format") to and
// from the columnar type tree. The Delta schema is a columnar::Schema of Fields; there is no
// parallel Delta type hierarchy. Type mapping (Delta -> columnar):
//   string -> utf8, long -> int64, integer -> int32, short -> int16, byte -> int8,
//   float -> float32, double -> float64, boolean -> bool, binary -> binary, date -> date32,
//   timestamp -> timestamp[us, tz "UTC"], timestamp_ntz -> timestamp[us] (no zone),
//   decimal(p,s) -> decimal128(p,s) ("decimal" alone = (10,0); spaces tolerated),
//   struct -> struct, array -> list (element field "element", nullable = containsNull),
//   map -> map (entries {key, value}, value nullable = valueContainsNull),
//   void (Spark NullType) -> null,
//   variant -> struct<value: binary not null, metadata: binary not null> whose Field carries
//              metadata kVariantMetadataKey = "true" (recognised so the schema can be shown; the
//              scan refuses such columns).
//
// Field metadata: every entry of a field's JSON "metadata" object is kept in Field::metadata in
// its original order. JSON string values are stored as the raw (unescaped) string; every other
// JSON value (number, bool, null, array, object) as its minified JSON text. So that SchemaToJson
// can write those back as JSON rather than as strings, ParseSchemaJson appends one private entry
// kJsonMetadataKeysKey whose value is a JSON array of the names of the keys holding JSON text,
// e.g. ["delta.columnMapping.id"]. Private keys (prefix kPrivateMetadataPrefix) are never
// written by SchemaToJson; consumers that list metadata should skip them.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <string>
#include <string_view>

#include "delta/columnar/type.h"
#include "delta/util/result.h"

namespace delta::schema {

/// Prefix of metadata keys that libdelta adds for itself (never written to a Delta log).
inline constexpr const char* kPrivateMetadataPrefix = "__deltacpp.";
/// Private field metadata key: JSON array of the metadata keys whose values are JSON text.
inline constexpr const char* kJsonMetadataKeysKey = "__deltacpp.json_keys";
/// Private field metadata key marking a field of Delta type "variant" (value "true").
inline constexpr const char* kVariantMetadataKey = "__deltacpp.variant";
/// Set on fields whose Delta type we recognise but cannot read (geometry/geography): the value is
/// the type name. Such fields parse as binary so the log can be described.
inline constexpr const char* kUnreadableTypeKey = "__deltacpp.unreadable_type";

/// Parses metaData.schemaString (a JSON "struct" type) into a columnar schema.
/// Errors: CorruptData("invalid schemaString: ...") for malformed JSON or a malformed type
/// (missing name/type, bad decimal precision/scale, ...); Unsupported naming the type and the
/// field path for a type name libdelta does not know (e.g. geometry, interval types).
Result<columnar::SchemaPtr> ParseSchemaJson(std::string_view schema_string);

/// Parses one Delta type (a JSON string like "\"long\"" or an object like
/// {"type":"array",...}); used for type names found in other JSON (e.g. delta.typeChanges).
/// `path` names the field in error messages. Same errors as ParseSchemaJson.
Result<columnar::TypePtr> ParseDeltaTypeJson(std::string_view type_json, std::string_view path = "");

/// Parses a primitive Delta type name ("long", "decimal(10,2)", "timestamp_ntz", ...).
/// Unsupported for an unknown name, CorruptData for a malformed decimal.
Result<columnar::TypePtr> ParsePrimitiveTypeName(std::string_view name, std::string_view path = "");

/// Serialises a schema back to Delta schema JSON (minified, Spark's field order
/// name/type/nullable/metadata). ParseSchemaJson(SchemaToJson(s)) equals s for every schema
/// ParseSchemaJson produced. Metadata values are written as JSON when the key is listed in
/// kJsonMetadataKeysKey or, for hand-built fields without that list, when the key is one Delta
/// defines as non-string (delta.columnMapping.id, delta.identity.*, delta.typeChanges, ...) and
/// the value is valid JSON; otherwise as JSON strings. Columnar types without a Delta equivalent
/// (unsigned ints, time, timestamps in other units, ...) are written as their columnar
/// ToString() so that the problem is visible rather than silently changed.
std::string SchemaToJson(const columnar::Schema& schema);

/// The Delta JSON of one type (a quoted name or an object), as SchemaToJson writes it.
std::string TypeToJson(const columnar::DataType& type);

/// Delta name of a type for messages: "long", "decimal(10,2)", "timestamp_ntz",
/// "array<string>", "map<string,long>", "struct<a:long,b:string>", "variant".
/// Types without a Delta equivalent give their columnar ToString().
std::string DeltaTypeName(const columnar::DataType& type);

/// True when the field was parsed from Delta type "variant" (kVariantMetadataKey).
bool IsVariantField(const columnar::Field& field);

}  // namespace delta::schema

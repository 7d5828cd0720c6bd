// Thrift compact-protocol (de)serialisation of the Parquet metadata structs
// (apache/parquet-format src/main/thrift/parquet.thrift) on top of compact_protocol_internal.h.
//
// Decoding rules (see parquet_serde.h for the contract):
//  * unknown field ids are skipped whatever their type (forward compatibility: newer writers add
//    fields such as SizeStatistics or GeospatialStatistics);
//  * a known field id with the wrong wire type is CorruptData (generated Thrift code would skip
//    it, but then a required field silently disappears and the error is less clear);
//  * a missing required field is CorruptData naming "Struct.field";
//  * encryption (FileMetaData 8/9, ColumnChunk 8/9) is Unsupported.
#include "delta/parquet/thrift/parquet_serde.h"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "delta/parquet/thrift/compact_protocol_internal.h"
#include "delta/util/macros.h"

namespace delta::parquet {

namespace {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::CTypeName;
using thrift::FieldHeader;

// ---------------------------------------------------------------------------------------------
// Reading helpers

Status WrongType(const char* s, const char* name, const FieldHeader& f, CType want) {
  return Status::CorruptData(fmt::format("Parquet metadata: field {}.{} ({}) has Thrift type {}, expected {}", s, name,
                                         f.id, CTypeName(f.type), CTypeName(want)));
}

struct Required {
  int id;
  const char* name;
};

// `seen` has bit i set when field id i (< 32) was read.
Status CheckRequired(uint32_t seen, const char* s, std::initializer_list<Required> reqs) {
  for (const Required& r : reqs) {
    if ((seen & (1u << r.id)) == 0) {
      return Status::CorruptData(
          fmt::format("Parquet metadata: required field {}.{} ({}) is missing", s, r.name, r.id));
    }
  }
  return Status::OK();
}

inline void MarkSeen(uint32_t* seen, int16_t id) {
  if (id >= 0 && id < 32) *seen |= (1u << id);
}

inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, int32_t* out) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kI32)) return WrongType(s, n, f, CType::kI32);
  return r->ReadI32(out);
}
inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, int64_t* out) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kI64)) return WrongType(s, n, f, CType::kI64);
  return r->ReadI64(out);
}
inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, int16_t* out) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kI16)) return WrongType(s, n, f, CType::kI16);
  return r->ReadI16(out);
}
inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, int8_t* out) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kByte)) return WrongType(s, n, f, CType::kByte);
  return r->ReadI8(out);
}
inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, bool* out) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kBoolTrue && f.type != CType::kBoolFalse)) {
    return WrongType(s, n, f, CType::kBoolTrue);
  }
  *out = f.bool_value;
  return Status::OK();
}
inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, std::string* out) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kBinary)) return WrongType(s, n, f, CType::kBinary);
  return r->ReadBinary(out);
}
template <typename T>
inline Status ReadField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, std::optional<T>* out) {
  T v{};
  DELTA_RETURN_NOT_OK(ReadField(r, f, s, n, &v));
  *out = std::move(v);
  return Status::OK();
}

// Reads an enum that is kept as read even when the value is unknown to us (the consumer decides:
// e.g. an unknown Encoding in ColumnMetaData.encodings is harmless, an unknown page encoding is
// Unsupported when the page is decoded).
template <typename E>
inline Status ReadEnumKeep(CompactReader* r, const FieldHeader& f, const char* s, const char* n, E* out) {
  int32_t v = 0;
  DELTA_RETURN_NOT_OK(ReadField(r, f, s, n, &v));
  *out = static_cast<E>(v);
  return Status::OK();
}

// Reads a nested struct with `fn(r)`, accounting for nesting depth.
template <typename Fn>
inline Status ReadStructField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, Fn&& fn) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kStruct)) return WrongType(s, n, f, CType::kStruct);
  DELTA_RETURN_NOT_OK(r->EnterNested());
  Status st = fn(r);
  r->LeaveNested();
  return st;
}

// Reads a list field whose elements have wire type `elem`, calling `fn(r, i)` per element.
// An empty list is accepted whatever element type it declares.
template <typename Fn>
inline Status ReadListField(CompactReader* r, const FieldHeader& f, const char* s, const char* n, CType elem, Fn&& fn) {
  if (DELTA_PREDICT_FALSE(f.type != CType::kList && f.type != CType::kSet)) return WrongType(s, n, f, CType::kList);
  DELTA_RETURN_NOT_OK(r->EnterNested());
  CType got;
  int32_t size = 0;
  Status st = r->ReadListHeader(&got, &size);
  if (st.ok() && size > 0 && got != elem) {
    st = Status::CorruptData(fmt::format("Parquet metadata: list {}.{} ({}) has elements of Thrift type {}, expected {}",
                                         s, n, f.id, CTypeName(got), CTypeName(elem)));
  }
  for (int32_t i = 0; st.ok() && i < size; ++i) {
    if (elem == CType::kStruct) st = r->EnterNested();
    if (st.ok()) st = fn(r, size, i);
    if (elem == CType::kStruct) r->LeaveNested();
  }
  r->LeaveNested();
  return st;
}

// Vectors of structs are not reserved to the declared size: an element is at least one byte on
// the wire but may be hundreds in memory, so a hostile count must not drive the allocation.
template <typename T>
inline void ReserveStructs(std::vector<T>* v, int32_t size) {
  v->reserve(static_cast<size_t>(std::min<int32_t>(size, 1024)));
}

// ---------------------------------------------------------------------------------------------
// Struct readers. Each reads the fields of one struct up to and including its STOP byte.

Status ReadStatistics(CompactReader* r, Statistics* out) {
  static constexpr const char* S = "Statistics";
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) return Status::OK();
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "max", &out->max)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "min", &out->min)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "null_count", &out->null_count)); break;
      case 4: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "distinct_count", &out->distinct_count)); break;
      case 5: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "max_value", &out->max_value)); break;
      case 6: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "min_value", &out->min_value)); break;
      case 7: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "is_max_value_exact", &out->is_max_value_exact)); break;
      case 8: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "is_min_value_exact", &out->is_min_value_exact)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
  }
}

// Reads the fields of a struct we ignore the contents of (the empty marker structs of the
// LogicalType and ColumnOrder unions, and members whose payload we do not keep).
Status SkipStructBody(CompactReader* r) {
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) return Status::OK();
    DELTA_RETURN_NOT_OK(r->Skip(f.type));
  }
}

// TimeUnit union (MILLIS 1, MICROS 2, NANOS 3, each an empty struct). *known is false when only
// an unknown member was present.
Status ReadTimeUnit(CompactReader* r, TimeUnitKind* unit, bool* known) {
  *known = false;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) return Status::OK();
    if (f.id >= 1 && f.id <= 3) {
      DELTA_RETURN_NOT_OK(ReadStructField(r, f, "TimeUnit", "member", SkipStructBody));
      *unit = static_cast<TimeUnitKind>(f.id);
      *known = true;
    } else {
      DELTA_RETURN_NOT_OK(r->Skip(f.type));
    }
  }
}

// TimeType / TimestampType: isAdjustedToUTC 1, unit 2 (both required).
Status ReadTimeLike(CompactReader* r, const char* S, LogicalType* lt, bool* known) {
  uint32_t seen = 0;
  bool unit_known = false;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "isAdjustedToUTC", &lt->is_adjusted_to_utc)); break;
      case 2:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "unit", [&](CompactReader* rr) {
          return ReadTimeUnit(rr, &lt->time_unit, &unit_known);
        }));
        break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  DELTA_RETURN_NOT_OK(CheckRequired(seen, S, {{1, "isAdjustedToUTC"}, {2, "unit"}}));
  // A time unit we do not know makes the whole annotation uninterpretable: treat it like an
  // unknown LogicalType member (the reader falls back to the converted type / physical type).
  *known = unit_known;
  return Status::OK();
}

Status ReadDecimalType(CompactReader* r, LogicalType* lt) {
  static constexpr const char* S = "DecimalType";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "scale", &lt->decimal_scale)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "precision", &lt->decimal_precision)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "scale"}, {2, "precision"}});
}

Status ReadIntType(CompactReader* r, LogicalType* lt) {
  static constexpr const char* S = "IntType";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "bitWidth", &lt->int_bit_width)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "isSigned", &lt->int_is_signed)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "bitWidth"}, {2, "isSigned"}});
}

// LogicalType union. Unknown members (and known ones we cannot interpret) leave *out empty so
// the consumer falls back to converted_type, as LogicalTypes.md asks of older readers.
Status ReadLogicalType(CompactReader* r, std::optional<LogicalType>* out) {
  static constexpr const char* S = "LogicalType";
  LogicalType lt;
  bool known = false;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case LogicalType::STRING:
      case LogicalType::MAP:
      case LogicalType::LIST:
      case LogicalType::ENUM:
      case LogicalType::DATE:
      case LogicalType::UNKNOWN:
      case LogicalType::JSON:
      case LogicalType::BSON:
      case LogicalType::UUID:
      case LogicalType::FLOAT16:
      case LogicalType::VARIANT:
      case LogicalType::GEOMETRY:
      case LogicalType::GEOGRAPHY:
        // Empty marker structs, or members whose optional payload we do not keep.
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "member", SkipStructBody));
        lt = LogicalType();
        lt.kind = static_cast<LogicalType::Kind>(f.id);
        known = true;
        break;
      case LogicalType::DECIMAL:
        lt = LogicalType();
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "DECIMAL", [&](CompactReader* rr) { return ReadDecimalType(rr, &lt); }));
        lt.kind = LogicalType::DECIMAL;
        known = true;
        break;
      case LogicalType::TIME:
      case LogicalType::TIMESTAMP: {
        lt = LogicalType();
        const char* name = f.id == LogicalType::TIME ? "TimeType" : "TimestampType";
        DELTA_RETURN_NOT_OK(
            ReadStructField(r, f, S, name, [&](CompactReader* rr) { return ReadTimeLike(rr, name, &lt, &known); }));
        lt.kind = static_cast<LogicalType::Kind>(f.id);
        break;
      }
      case LogicalType::INTEGER:
        lt = LogicalType();
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "INTEGER", [&](CompactReader* rr) { return ReadIntType(rr, &lt); }));
        lt.kind = LogicalType::INTEGER;
        known = true;
        break;
      default:
        DELTA_RETURN_NOT_OK(r->Skip(f.type));
        break;
    }
  }
  if (known) {
    *out = lt;
  } else {
    out->reset();
  }
  return Status::OK();
}

Status ReadSchemaElement(CompactReader* r, SchemaElement* out) {
  static constexpr const char* S = "SchemaElement";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: {
        int32_t v = 0;
        DELTA_RETURN_NOT_OK(ReadField(r, f, S, "type", &v));
        // The physical types are a closed set; a value outside it cannot be read at all.
        if (v < 0 || v > static_cast<int32_t>(Type::FIXED_LEN_BYTE_ARRAY)) {
          return Status::CorruptData(fmt::format("Parquet metadata: SchemaElement.type has unknown value {}", v));
        }
        out->type = static_cast<Type>(v);
        break;
      }
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "type_length", &out->type_length)); break;
      case 3: {
        int32_t v = 0;
        DELTA_RETURN_NOT_OK(ReadField(r, f, S, "repetition_type", &v));
        if (v == 3) {
          return Status::Unsupported("Parquet schema: repetition type VECTOR is not supported");
        }
        if (v < 0 || v > static_cast<int32_t>(FieldRepetitionType::REPEATED)) {
          return Status::CorruptData(
              fmt::format("Parquet metadata: SchemaElement.repetition_type has unknown value {}", v));
        }
        out->repetition_type = static_cast<FieldRepetitionType>(v);
        break;
      }
      case 4: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "name", &out->name)); break;
      case 5: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_children", &out->num_children)); break;
      case 6: {
        int32_t v = 0;
        DELTA_RETURN_NOT_OK(ReadField(r, f, S, "converted_type", &v));
        // ConvertedType is an annotation: one we do not know is dropped, the column stays
        // readable as its physical type.
        if (v >= 0 && v <= static_cast<int32_t>(ConvertedType::INTERVAL)) {
          out->converted_type = static_cast<ConvertedType>(v);
        } else {
          out->converted_type.reset();
        }
        break;
      }
      case 7: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "scale", &out->scale)); break;
      case 8: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "precision", &out->precision)); break;
      case 9: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "field_id", &out->field_id)); break;
      case 10:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "logicalType",
                                            [&](CompactReader* rr) { return ReadLogicalType(rr, &out->logical_type); }));
        break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{4, "name"}});
}

Status ReadKeyValue(CompactReader* r, KeyValue* out) {
  static constexpr const char* S = "KeyValue";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "key", &out->key)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "value", &out->value)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "key"}});
}

Status ReadKeyValueList(CompactReader* r, const FieldHeader& f, const char* s, std::vector<KeyValue>* out) {
  out->clear();
  return ReadListField(r, f, s, "key_value_metadata", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
    if (i == 0) ReserveStructs(out, n);
    return ReadKeyValue(rr, &out->emplace_back());
  });
}

Status ReadPageEncodingStats(CompactReader* r, PageEncodingStats* out) {
  static constexpr const char* S = "PageEncodingStats";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "page_type", &out->page_type)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "encoding", &out->encoding)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "count", &out->count)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "page_type"}, {2, "encoding"}, {3, "count"}});
}

Status ReadColumnMetaData(CompactReader* r, ColumnMetaData* out) {
  static constexpr const char* S = "ColumnMetaData";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: {
        int32_t v = 0;
        DELTA_RETURN_NOT_OK(ReadField(r, f, S, "type", &v));
        if (v < 0 || v > static_cast<int32_t>(Type::FIXED_LEN_BYTE_ARRAY)) {
          return Status::CorruptData(fmt::format("Parquet metadata: ColumnMetaData.type has unknown value {}", v));
        }
        out->type = static_cast<Type>(v);
        break;
      }
      case 2:
        out->encodings.clear();
        // Informational list: unknown encodings are kept as read and must not fail the footer.
        DELTA_RETURN_NOT_OK(ReadListField(r, f, S, "encodings", CType::kI32, [&](CompactReader* rr, int32_t n, int32_t i) {
          if (i == 0) out->encodings.reserve(static_cast<size_t>(n));  // n <= bytes left
          int32_t v = 0;
          DELTA_RETURN_NOT_OK(rr->ReadI32(&v));
          out->encodings.push_back(static_cast<Encoding>(v));
          return Status::OK();
        }));
        break;
      case 3:
        out->path_in_schema.clear();
        DELTA_RETURN_NOT_OK(
            ReadListField(r, f, S, "path_in_schema", CType::kBinary, [&](CompactReader* rr, int32_t n, int32_t i) {
              if (i == 0) out->path_in_schema.reserve(static_cast<size_t>(std::min<int32_t>(n, 1024)));
              return rr->ReadBinary(&out->path_in_schema.emplace_back());
            }));
        break;
      case 4: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "codec", &out->codec)); break;
      case 5: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_values", &out->num_values)); break;
      case 6: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "total_uncompressed_size", &out->total_uncompressed_size)); break;
      case 7: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "total_compressed_size", &out->total_compressed_size)); break;
      case 8: DELTA_RETURN_NOT_OK(ReadKeyValueList(r, f, S, &out->key_value_metadata)); break;
      case 9: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "data_page_offset", &out->data_page_offset)); break;
      case 10: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "index_page_offset", &out->index_page_offset)); break;
      case 11: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "dictionary_page_offset", &out->dictionary_page_offset)); break;
      case 12:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "statistics", [&](CompactReader* rr) {
          return ReadStatistics(rr, &out->statistics.emplace());
        }));
        break;
      case 13:
        out->encoding_stats.clear();
        DELTA_RETURN_NOT_OK(
            ReadListField(r, f, S, "encoding_stats", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
              if (i == 0) ReserveStructs(&out->encoding_stats, n);
              return ReadPageEncodingStats(rr, &out->encoding_stats.emplace_back());
            }));
        break;
      case 14: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "bloom_filter_offset", &out->bloom_filter_offset)); break;
      case 15: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "bloom_filter_length", &out->bloom_filter_length)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S,
                       {{1, "type"},
                        {2, "encodings"},
                        {3, "path_in_schema"},
                        {4, "codec"},
                        {5, "num_values"},
                        {6, "total_uncompressed_size"},
                        {7, "total_compressed_size"},
                        {9, "data_page_offset"}});
}

Status EncryptedUnsupported() { return Status::Unsupported("encrypted Parquet files are not supported"); }

Status ReadColumnChunk(CompactReader* r, ColumnChunk* out) {
  static constexpr const char* S = "ColumnChunk";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "file_path", &out->file_path)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "file_offset", &out->file_offset)); break;
      case 3:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "meta_data", [&](CompactReader* rr) {
          return ReadColumnMetaData(rr, &out->meta_data.emplace());
        }));
        break;
      case 4: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "offset_index_offset", &out->offset_index_offset)); break;
      case 5: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "offset_index_length", &out->offset_index_length)); break;
      case 6: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "column_index_offset", &out->column_index_offset)); break;
      case 7: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "column_index_length", &out->column_index_length)); break;
      case 8:  // crypto_metadata
      case 9:  // encrypted_column_metadata
        return EncryptedUnsupported();
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{2, "file_offset"}});
}

Status ReadSortingColumn(CompactReader* r, SortingColumn* out) {
  static constexpr const char* S = "SortingColumn";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "column_idx", &out->column_idx)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "descending", &out->descending)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "nulls_first", &out->nulls_first)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "column_idx"}, {2, "descending"}, {3, "nulls_first"}});
}

Status ReadRowGroup(CompactReader* r, RowGroup* out) {
  static constexpr const char* S = "RowGroup";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        out->columns.clear();
        DELTA_RETURN_NOT_OK(ReadListField(r, f, S, "columns", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
          if (i == 0) ReserveStructs(&out->columns, n);
          return ReadColumnChunk(rr, &out->columns.emplace_back());
        }));
        break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "total_byte_size", &out->total_byte_size)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_rows", &out->num_rows)); break;
      case 4:
        out->sorting_columns.clear();
        DELTA_RETURN_NOT_OK(
            ReadListField(r, f, S, "sorting_columns", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
              if (i == 0) ReserveStructs(&out->sorting_columns, n);
              return ReadSortingColumn(rr, &out->sorting_columns.emplace_back());
            }));
        break;
      case 5: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "file_offset", &out->file_offset)); break;
      case 6: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "total_compressed_size", &out->total_compressed_size)); break;
      case 7: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "ordinal", &out->ordinal)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "columns"}, {2, "total_byte_size"}, {3, "num_rows"}});
}

// ColumnOrder union: TYPE_ORDER 1 (empty TypeDefinedOrder). Other members are unknown orders.
Status ReadColumnOrder(CompactReader* r, ColumnOrder* out) {
  int16_t last = 0;
  FieldHeader f;
  out->type_defined_order = false;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) return Status::OK();
    if (f.id == 1) {
      DELTA_RETURN_NOT_OK(ReadStructField(r, f, "ColumnOrder", "TYPE_ORDER", SkipStructBody));
      out->type_defined_order = true;
    } else {
      DELTA_RETURN_NOT_OK(r->Skip(f.type));
    }
  }
}

Status ReadFileMetaData(CompactReader* r, FileMetaData* out) {
  static constexpr const char* S = "FileMetaData";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "version", &out->version)); break;
      case 2:
        out->schema.clear();
        DELTA_RETURN_NOT_OK(ReadListField(r, f, S, "schema", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
          if (i == 0) ReserveStructs(&out->schema, n);
          return ReadSchemaElement(rr, &out->schema.emplace_back());
        }));
        break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_rows", &out->num_rows)); break;
      case 4:
        out->row_groups.clear();
        DELTA_RETURN_NOT_OK(
            ReadListField(r, f, S, "row_groups", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
              if (i == 0) ReserveStructs(&out->row_groups, n);
              return ReadRowGroup(rr, &out->row_groups.emplace_back());
            }));
        break;
      case 5: DELTA_RETURN_NOT_OK(ReadKeyValueList(r, f, S, &out->key_value_metadata)); break;
      case 6: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "created_by", &out->created_by)); break;
      case 7:
        out->column_orders.clear();
        DELTA_RETURN_NOT_OK(
            ReadListField(r, f, S, "column_orders", CType::kStruct, [&](CompactReader* rr, int32_t n, int32_t i) {
              if (i == 0) ReserveStructs(&out->column_orders, n);
              return ReadColumnOrder(rr, &out->column_orders.emplace_back());
            }));
        break;
      case 8:  // encryption_algorithm (plaintext-footer encrypted file)
      case 9:  // footer_signing_key_metadata
        return EncryptedUnsupported();
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "version"}, {2, "schema"}, {3, "num_rows"}, {4, "row_groups"}});
}

Status ReadDataPageHeader(CompactReader* r, DataPageHeader* out) {
  static constexpr const char* S = "DataPageHeader";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_values", &out->num_values)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "encoding", &out->encoding)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "definition_level_encoding", &out->definition_level_encoding)); break;
      case 4: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "repetition_level_encoding", &out->repetition_level_encoding)); break;
      case 5:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "statistics", [&](CompactReader* rr) {
          return ReadStatistics(rr, &out->statistics.emplace());
        }));
        break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S,
                       {{1, "num_values"}, {2, "encoding"}, {3, "definition_level_encoding"}, {4, "repetition_level_encoding"}});
}

Status ReadDictionaryPageHeader(CompactReader* r, DictionaryPageHeader* out) {
  static constexpr const char* S = "DictionaryPageHeader";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_values", &out->num_values)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "encoding", &out->encoding)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "is_sorted", &out->is_sorted)); break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S, {{1, "num_values"}, {2, "encoding"}});
}

Status ReadDataPageHeaderV2(CompactReader* r, DataPageHeaderV2* out) {
  static constexpr const char* S = "DataPageHeaderV2";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_values", &out->num_values)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_nulls", &out->num_nulls)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "num_rows", &out->num_rows)); break;
      case 4: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "encoding", &out->encoding)); break;
      case 5:
        DELTA_RETURN_NOT_OK(ReadField(r, f, S, "definition_levels_byte_length", &out->definition_levels_byte_length));
        break;
      case 6:
        DELTA_RETURN_NOT_OK(ReadField(r, f, S, "repetition_levels_byte_length", &out->repetition_levels_byte_length));
        break;
      case 7: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "is_compressed", &out->is_compressed)); break;
      case 8:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "statistics", [&](CompactReader* rr) {
          return ReadStatistics(rr, &out->statistics.emplace());
        }));
        break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;
    }
    MarkSeen(&seen, f.id);
  }
  return CheckRequired(seen, S,
                       {{1, "num_values"},
                        {2, "num_nulls"},
                        {3, "num_rows"},
                        {4, "encoding"},
                        {5, "definition_levels_byte_length"},
                        {6, "repetition_levels_byte_length"}});
}

Status ReadPageHeader(CompactReader* r, PageHeader* out) {
  static constexpr const char* S = "PageHeader";
  uint32_t seen = 0;
  int16_t last = 0;
  FieldHeader f;
  while (true) {
    DELTA_RETURN_NOT_OK(r->ReadFieldHeader(&last, &f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: DELTA_RETURN_NOT_OK(ReadEnumKeep(r, f, S, "type", &out->type)); break;
      case 2: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "uncompressed_page_size", &out->uncompressed_page_size)); break;
      case 3: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "compressed_page_size", &out->compressed_page_size)); break;
      case 4: DELTA_RETURN_NOT_OK(ReadField(r, f, S, "crc", &out->crc)); break;
      case 5:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "data_page_header", [&](CompactReader* rr) {
          return ReadDataPageHeader(rr, &out->data_page_header.emplace());
        }));
        break;
      case 7:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "dictionary_page_header", [&](CompactReader* rr) {
          return ReadDictionaryPageHeader(rr, &out->dictionary_page_header.emplace());
        }));
        break;
      case 8:
        DELTA_RETURN_NOT_OK(ReadStructField(r, f, S, "data_page_header_v2", [&](CompactReader* rr) {
          return ReadDataPageHeaderV2(rr, &out->data_page_header_v2.emplace());
        }));
        break;
      default: DELTA_RETURN_NOT_OK(r->Skip(f.type)); break;  // 6 index_page_header, 9+ newer fields
    }
    MarkSeen(&seen, f.id);
  }
  DELTA_RETURN_NOT_OK(CheckRequired(seen, S, {{1, "type"}, {2, "uncompressed_page_size"}, {3, "compressed_page_size"}}));
  // The sizes drive buffer allocation and reads in the caller; negative values are never valid.
  if (out->uncompressed_page_size < 0 || out->compressed_page_size < 0) {
    return Status::CorruptData(fmt::format("Parquet page header: negative page size (uncompressed {}, compressed {})",
                                           out->uncompressed_page_size, out->compressed_page_size));
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// Writers. Field order is ascending id so that the short field-header form is used.

void WriteI32Field(CompactWriter* w, int16_t id, int32_t v, int16_t* last) {
  w->WriteFieldHeader(CType::kI32, id, last);
  w->WriteI32(v);
}
void WriteI64Field(CompactWriter* w, int16_t id, int64_t v, int16_t* last) {
  w->WriteFieldHeader(CType::kI64, id, last);
  w->WriteI64(v);
}
void WriteBinaryField(CompactWriter* w, int16_t id, std::string_view v, int16_t* last) {
  w->WriteFieldHeader(CType::kBinary, id, last);
  w->WriteBinary(v);
}
template <typename E>
void WriteEnumField(CompactWriter* w, int16_t id, E v, int16_t* last) {
  WriteI32Field(w, id, static_cast<int32_t>(v), last);
}
void WriteEmptyStructField(CompactWriter* w, int16_t id, int16_t* last) {
  w->WriteFieldHeader(CType::kStruct, id, last);
  w->WriteStop();
}

void WriteStatistics(CompactWriter* w, const Statistics& s) {
  int16_t last = 0;
  if (s.max) WriteBinaryField(w, 1, *s.max, &last);
  if (s.min) WriteBinaryField(w, 2, *s.min, &last);
  if (s.null_count) WriteI64Field(w, 3, *s.null_count, &last);
  if (s.distinct_count) WriteI64Field(w, 4, *s.distinct_count, &last);
  if (s.max_value) WriteBinaryField(w, 5, *s.max_value, &last);
  if (s.min_value) WriteBinaryField(w, 6, *s.min_value, &last);
  if (s.is_max_value_exact) w->WriteBoolField(7, *s.is_max_value_exact, &last);
  if (s.is_min_value_exact) w->WriteBoolField(8, *s.is_min_value_exact, &last);
  w->WriteStop();
}

void WriteTimeUnit(CompactWriter* w, TimeUnitKind unit) {
  int16_t last = 0;
  WriteEmptyStructField(w, static_cast<int16_t>(unit), &last);
  w->WriteStop();
}

void WriteLogicalType(CompactWriter* w, const LogicalType& lt) {
  int16_t last = 0;
  switch (lt.kind) {
    case LogicalType::NONE:
      break;  // an empty union: read back as "no logical type"
    case LogicalType::DECIMAL: {
      w->WriteFieldHeader(CType::kStruct, LogicalType::DECIMAL, &last);
      int16_t inner = 0;
      WriteI32Field(w, 1, lt.decimal_scale, &inner);
      WriteI32Field(w, 2, lt.decimal_precision, &inner);
      w->WriteStop();
      break;
    }
    case LogicalType::TIME:
    case LogicalType::TIMESTAMP: {
      w->WriteFieldHeader(CType::kStruct, static_cast<int16_t>(lt.kind), &last);
      int16_t inner = 0;
      w->WriteBoolField(1, lt.is_adjusted_to_utc, &inner);
      w->WriteFieldHeader(CType::kStruct, 2, &inner);
      WriteTimeUnit(w, lt.time_unit);
      w->WriteStop();
      break;
    }
    case LogicalType::INTEGER: {
      w->WriteFieldHeader(CType::kStruct, LogicalType::INTEGER, &last);
      int16_t inner = 0;
      w->WriteFieldHeader(CType::kByte, 1, &inner);
      w->WriteI8(lt.int_bit_width);
      w->WriteBoolField(2, lt.int_is_signed, &inner);
      w->WriteStop();
      break;
    }
    default:
      WriteEmptyStructField(w, static_cast<int16_t>(lt.kind), &last);
      break;
  }
  w->WriteStop();
}

void WriteKeyValueList(CompactWriter* w, int16_t id, const std::vector<KeyValue>& kvs, int16_t* last) {
  w->WriteFieldHeader(CType::kList, id, last);
  w->WriteListHeader(CType::kStruct, static_cast<int64_t>(kvs.size()));
  for (const KeyValue& kv : kvs) {
    int16_t inner = 0;
    WriteBinaryField(w, 1, kv.key, &inner);
    if (kv.value) WriteBinaryField(w, 2, *kv.value, &inner);
    w->WriteStop();
  }
}

void WriteSchemaElement(CompactWriter* w, const SchemaElement& e) {
  int16_t last = 0;
  if (e.type) WriteEnumField(w, 1, *e.type, &last);
  if (e.type_length) WriteI32Field(w, 2, *e.type_length, &last);
  if (e.repetition_type) WriteEnumField(w, 3, *e.repetition_type, &last);
  WriteBinaryField(w, 4, e.name, &last);
  if (e.num_children) WriteI32Field(w, 5, *e.num_children, &last);
  if (e.converted_type) WriteEnumField(w, 6, *e.converted_type, &last);
  if (e.scale) WriteI32Field(w, 7, *e.scale, &last);
  if (e.precision) WriteI32Field(w, 8, *e.precision, &last);
  if (e.field_id) WriteI32Field(w, 9, *e.field_id, &last);
  if (e.logical_type) {
    w->WriteFieldHeader(CType::kStruct, 10, &last);
    WriteLogicalType(w, *e.logical_type);
  }
  w->WriteStop();
}

void WriteColumnMetaData(CompactWriter* w, const ColumnMetaData& m) {
  int16_t last = 0;
  WriteEnumField(w, 1, m.type, &last);
  w->WriteFieldHeader(CType::kList, 2, &last);
  w->WriteListHeader(CType::kI32, static_cast<int64_t>(m.encodings.size()));
  for (Encoding e : m.encodings) w->WriteI32(static_cast<int32_t>(e));
  w->WriteFieldHeader(CType::kList, 3, &last);
  w->WriteListHeader(CType::kBinary, static_cast<int64_t>(m.path_in_schema.size()));
  for (const std::string& p : m.path_in_schema) w->WriteBinary(p);
  WriteEnumField(w, 4, m.codec, &last);
  WriteI64Field(w, 5, m.num_values, &last);
  WriteI64Field(w, 6, m.total_uncompressed_size, &last);
  WriteI64Field(w, 7, m.total_compressed_size, &last);
  if (!m.key_value_metadata.empty()) WriteKeyValueList(w, 8, m.key_value_metadata, &last);
  WriteI64Field(w, 9, m.data_page_offset, &last);
  if (m.index_page_offset) WriteI64Field(w, 10, *m.index_page_offset, &last);
  if (m.dictionary_page_offset) WriteI64Field(w, 11, *m.dictionary_page_offset, &last);
  if (m.statistics) {
    w->WriteFieldHeader(CType::kStruct, 12, &last);
    WriteStatistics(w, *m.statistics);
  }
  if (!m.encoding_stats.empty()) {
    w->WriteFieldHeader(CType::kList, 13, &last);
    w->WriteListHeader(CType::kStruct, static_cast<int64_t>(m.encoding_stats.size()));
    for (const PageEncodingStats& s : m.encoding_stats) {
      int16_t inner = 0;
      WriteEnumField(w, 1, s.page_type, &inner);
      WriteEnumField(w, 2, s.encoding, &inner);
      WriteI32Field(w, 3, s.count, &inner);
      w->WriteStop();
    }
  }
  if (m.bloom_filter_offset) WriteI64Field(w, 14, *m.bloom_filter_offset, &last);
  if (m.bloom_filter_length) WriteI32Field(w, 15, *m.bloom_filter_length, &last);
  w->WriteStop();
}

void WriteColumnChunk(CompactWriter* w, const ColumnChunk& c) {
  int16_t last = 0;
  if (c.file_path) WriteBinaryField(w, 1, *c.file_path, &last);
  WriteI64Field(w, 2, c.file_offset, &last);
  if (c.meta_data) {
    w->WriteFieldHeader(CType::kStruct, 3, &last);
    WriteColumnMetaData(w, *c.meta_data);
  }
  if (c.offset_index_offset) WriteI64Field(w, 4, *c.offset_index_offset, &last);
  if (c.offset_index_length) WriteI32Field(w, 5, *c.offset_index_length, &last);
  if (c.column_index_offset) WriteI64Field(w, 6, *c.column_index_offset, &last);
  if (c.column_index_length) WriteI32Field(w, 7, *c.column_index_length, &last);
  w->WriteStop();
}

void WriteRowGroup(CompactWriter* w, const RowGroup& g) {
  int16_t last = 0;
  w->WriteFieldHeader(CType::kList, 1, &last);
  w->WriteListHeader(CType::kStruct, static_cast<int64_t>(g.columns.size()));
  for (const ColumnChunk& c : g.columns) WriteColumnChunk(w, c);
  WriteI64Field(w, 2, g.total_byte_size, &last);
  WriteI64Field(w, 3, g.num_rows, &last);
  if (!g.sorting_columns.empty()) {
    w->WriteFieldHeader(CType::kList, 4, &last);
    w->WriteListHeader(CType::kStruct, static_cast<int64_t>(g.sorting_columns.size()));
    for (const SortingColumn& s : g.sorting_columns) {
      int16_t inner = 0;
      WriteI32Field(w, 1, s.column_idx, &inner);
      w->WriteBoolField(2, s.descending, &inner);
      w->WriteBoolField(3, s.nulls_first, &inner);
      w->WriteStop();
    }
  }
  if (g.file_offset) WriteI64Field(w, 5, *g.file_offset, &last);
  if (g.total_compressed_size) WriteI64Field(w, 6, *g.total_compressed_size, &last);
  if (g.ordinal) {
    w->WriteFieldHeader(CType::kI16, 7, &last);
    w->WriteI16(*g.ordinal);
  }
  w->WriteStop();
}

void WriteStatisticsField(CompactWriter* w, int16_t id, const std::optional<Statistics>& s, int16_t* last) {
  if (!s) return;
  w->WriteFieldHeader(CType::kStruct, id, last);
  WriteStatistics(w, *s);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Public entry points

Result<FileMetaData> DeserializeFileMetaData(const uint8_t* data, int64_t len) {
  if (len < 0 || (data == nullptr && len > 0)) return Status::InvalidArgument("DeserializeFileMetaData: bad buffer");
  CompactReader r(data, len);
  FileMetaData md;
  DELTA_RETURN_NOT_OK(r.EnterNested());
  Status st = ReadFileMetaData(&r, &md);
  if (!st.ok()) {
    if (st.IsCorruptData()) return st.WithPrefix("cannot decode the Parquet footer (FileMetaData)");
    return st;
  }
  return md;
}

Status DeserializePageHeader(const uint8_t* data, int64_t len, int64_t* consumed, PageHeader* out) {
  if (len < 0 || (data == nullptr && len > 0)) return Status::InvalidArgument("DeserializePageHeader: bad buffer");
  CompactReader r(data, len);
  *out = PageHeader();
  DELTA_RETURN_NOT_OK(r.EnterNested());
  Status st = ReadPageHeader(&r, out);
  if (DELTA_PREDICT_FALSE(!st.ok())) return st.WithPrefix("cannot decode a Parquet page header");
  *consumed = r.position();
  return Status::OK();
}

Result<PageHeader> DeserializePageHeader(const uint8_t* data, int64_t len, int64_t* consumed) {
  PageHeader header;
  DELTA_RETURN_NOT_OK(DeserializePageHeader(data, len, consumed, &header));
  return header;
}

void SerializeFileMetaData(const FileMetaData& md, std::string* out) {
  CompactWriter w(out);
  int16_t last = 0;
  WriteI32Field(&w, 1, md.version, &last);
  w.WriteFieldHeader(CType::kList, 2, &last);
  w.WriteListHeader(CType::kStruct, static_cast<int64_t>(md.schema.size()));
  for (const SchemaElement& e : md.schema) WriteSchemaElement(&w, e);
  WriteI64Field(&w, 3, md.num_rows, &last);
  w.WriteFieldHeader(CType::kList, 4, &last);
  w.WriteListHeader(CType::kStruct, static_cast<int64_t>(md.row_groups.size()));
  for (const RowGroup& g : md.row_groups) WriteRowGroup(&w, g);
  if (!md.key_value_metadata.empty()) WriteKeyValueList(&w, 5, md.key_value_metadata, &last);
  if (md.created_by) WriteBinaryField(&w, 6, *md.created_by, &last);
  if (!md.column_orders.empty()) {
    w.WriteFieldHeader(CType::kList, 7, &last);
    w.WriteListHeader(CType::kStruct, static_cast<int64_t>(md.column_orders.size()));
    for (const ColumnOrder& o : md.column_orders) {
      int16_t inner = 0;
      if (o.type_defined_order) WriteEmptyStructField(&w, 1, &inner);
      w.WriteStop();
    }
  }
  w.WriteStop();
}

void SerializePageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  int16_t last = 0;
  WriteEnumField(&w, 1, h.type, &last);
  WriteI32Field(&w, 2, h.uncompressed_page_size, &last);
  WriteI32Field(&w, 3, h.compressed_page_size, &last);
  if (h.crc) WriteI32Field(&w, 4, *h.crc, &last);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.WriteFieldHeader(CType::kStruct, 5, &last);
    int16_t inner = 0;
    WriteI32Field(&w, 1, d.num_values, &inner);
    WriteEnumField(&w, 2, d.encoding, &inner);
    WriteEnumField(&w, 3, d.definition_level_encoding, &inner);
    WriteEnumField(&w, 4, d.repetition_level_encoding, &inner);
    WriteStatisticsField(&w, 5, d.statistics, &inner);
    w.WriteStop();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.WriteFieldHeader(CType::kStruct, 7, &last);
    int16_t inner = 0;
    WriteI32Field(&w, 1, d.num_values, &inner);
    WriteEnumField(&w, 2, d.encoding, &inner);
    if (d.is_sorted) w.WriteBoolField(3, *d.is_sorted, &inner);
    w.WriteStop();
  }
  if (h.data_page_header_v2) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    w.WriteFieldHeader(CType::kStruct, 8, &last);
    int16_t inner = 0;
    WriteI32Field(&w, 1, d.num_values, &inner);
    WriteI32Field(&w, 2, d.num_nulls, &inner);
    WriteI32Field(&w, 3, d.num_rows, &inner);
    WriteEnumField(&w, 4, d.encoding, &inner);
    WriteI32Field(&w, 5, d.definition_levels_byte_length, &inner);
    WriteI32Field(&w, 6, d.repetition_levels_byte_length, &inner);
    w.WriteBoolField(7, d.is_compressed, &inner);
    WriteStatisticsField(&w, 8, d.statistics, &inner);
    w.WriteStop();
  }
  w.WriteStop();
}

}  // namespace delta::parquet

#include "delta/parquet/writer/schema_writer.h"

#include <fmt/format.h>

#include <charconv>

#include "delta/util/macros.h"

namespace delta::parquet::writer {

using columnar::DataType;
using columnar::Field;
using columnar::TimeUnit;
using columnar::TypeId;

int32_t DecimalBytesForPrecision(int32_t precision) {
  // The smallest n with 10^precision - 1 <= 2^(8n-1) - 1, computed with doubles' exponent range
  // (precision <= 38 keeps 10^p exact enough: we compare digit counts of 2^(8n-1)).
  for (int32_t n = 1; n <= 16; ++n) {
    // Number of decimal digits that always fit in n bytes: floor(log10(2^(8n-1) - 1)).
    const double max_digits = (8.0 * n - 1) * 0.30102999566398119521;
    if (static_cast<double>(precision) <= max_digits) return n;
  }
  return 16;
}

namespace {

struct Builder {
  ParquetSchema* out;

  LogicalType IntLogical(int bits, bool is_signed) {
    LogicalType lt;
    lt.kind = LogicalType::INTEGER;
    lt.int_bit_width = static_cast<int8_t>(bits);
    lt.int_is_signed = is_signed;
    return lt;
  }

  static ConvertedType IntConverted(int bits, bool is_signed) {
    switch (bits) {
      case 8: return is_signed ? ConvertedType::INT_8 : ConvertedType::UINT_8;
      case 16: return is_signed ? ConvertedType::INT_16 : ConvertedType::UINT_16;
      case 32: return is_signed ? ConvertedType::INT_32 : ConvertedType::UINT_32;
      default: return is_signed ? ConvertedType::INT_64 : ConvertedType::UINT_64;
    }
  }

  static Result<std::optional<int32_t>> FieldId(const Field& f) {
    auto v = f.GetMetadata("PARQUET:field_id");
    if (!v) return std::optional<int32_t>();
    int32_t id = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), id);
    if (ec != std::errc() || p != v->data() + v->size()) {
      return Status::InvalidArgument(fmt::format("field '{}': PARQUET:field_id '{}' is not an int32", f.name, *v));
    }
    return std::optional<int32_t>(id);
  }

  // Fills the physical type, annotations and value/stats kinds of a primitive leaf.
  Status Primitive(const DataType& t, SchemaElement* e, LeafColumn* leaf) {
    auto set_int = [&](Type phys, int bits, bool is_signed, ValueKind vk) {
      e->type = phys;
      e->logical_type = IntLogical(bits, is_signed);
      e->converted_type = IntConverted(bits, is_signed);
      leaf->value_kind = vk;
      if (phys == Type::INT32) {
        leaf->stats_order = is_signed ? StatsSortOrder::kSigned32 : StatsSortOrder::kUnsigned32;
      } else {
        leaf->stats_order = is_signed ? StatsSortOrder::kSigned64 : StatsSortOrder::kUnsigned64;
      }
    };
    switch (t.id()) {
      case TypeId::kNull: {
        e->type = Type::INT32;
        LogicalType lt;
        lt.kind = LogicalType::UNKNOWN;
        e->logical_type = lt;
        leaf->value_kind = ValueKind::kNull;
        leaf->stats_order = StatsSortOrder::kUnknown;
        return Status::OK();
      }
      case TypeId::kBool:
        e->type = Type::BOOLEAN;
        leaf->value_kind = ValueKind::kBool;
        leaf->stats_order = StatsSortOrder::kBoolean;
        return Status::OK();
      case TypeId::kInt8: set_int(Type::INT32, 8, true, ValueKind::kInt8); return Status::OK();
      case TypeId::kInt16: set_int(Type::INT32, 16, true, ValueKind::kInt16); return Status::OK();
      case TypeId::kInt32: set_int(Type::INT32, 32, true, ValueKind::kInt32); return Status::OK();
      case TypeId::kUInt8: set_int(Type::INT32, 8, false, ValueKind::kUInt8); return Status::OK();
      case TypeId::kUInt16: set_int(Type::INT32, 16, false, ValueKind::kUInt16); return Status::OK();
      case TypeId::kUInt32: set_int(Type::INT32, 32, false, ValueKind::kUInt32); return Status::OK();
      case TypeId::kInt64: set_int(Type::INT64, 64, true, ValueKind::kInt64); return Status::OK();
      case TypeId::kUInt64: set_int(Type::INT64, 64, false, ValueKind::kInt64); return Status::OK();
      case TypeId::kFloat32:
        e->type = Type::FLOAT;
        leaf->value_kind = ValueKind::kFloat;
        leaf->stats_order = StatsSortOrder::kFloat;
        return Status::OK();
      case TypeId::kFloat64:
        e->type = Type::DOUBLE;
        leaf->value_kind = ValueKind::kDouble;
        leaf->stats_order = StatsSortOrder::kDouble;
        return Status::OK();
      case TypeId::kDecimal128: {
        const int32_t p = t.precision(), s = t.scale();
        if (p < 1 || p > 38 || s < 0 || s > p) {
          return Status::InvalidArgument(fmt::format("decimal128({}, {}) cannot be written to Parquet", p, s));
        }
        LogicalType lt;
        lt.kind = LogicalType::DECIMAL;
        lt.decimal_precision = p;
        lt.decimal_scale = s;
        e->logical_type = lt;
        e->converted_type = ConvertedType::DECIMAL;
        e->precision = p;
        e->scale = s;
        if (p <= 9) {
          e->type = Type::INT32;
          leaf->value_kind = ValueKind::kDecimalInt32;
          leaf->stats_order = StatsSortOrder::kSigned32;
        } else if (p <= 18) {
          e->type = Type::INT64;
          leaf->value_kind = ValueKind::kDecimalInt64;
          leaf->stats_order = StatsSortOrder::kSigned64;
        } else {
          e->type = Type::FIXED_LEN_BYTE_ARRAY;
          e->type_length = DecimalBytesForPrecision(p);
          leaf->type_length = *e->type_length;
          leaf->value_kind = ValueKind::kDecimalFlba;
          leaf->stats_order = StatsSortOrder::kBytesSigned;
        }
        return Status::OK();
      }
      case TypeId::kDate32: {
        e->type = Type::INT32;
        LogicalType lt;
        lt.kind = LogicalType::DATE;
        e->logical_type = lt;
        e->converted_type = ConvertedType::DATE;
        leaf->value_kind = ValueKind::kInt32;
        leaf->stats_order = StatsSortOrder::kSigned32;
        return Status::OK();
      }
      case TypeId::kTimestamp: {
        e->type = Type::INT64;
        LogicalType lt;
        lt.kind = LogicalType::TIMESTAMP;
        lt.is_adjusted_to_utc = !t.timezone().empty();
        leaf->value_kind = ValueKind::kInt64;
        switch (t.unit()) {
          case TimeUnit::kSecond:  // Parquet has no seconds: stored as millis (values scaled).
            leaf->value_kind = ValueKind::kTimestampSec;
            lt.time_unit = TimeUnitKind::MILLIS;
            break;
          case TimeUnit::kMilli: lt.time_unit = TimeUnitKind::MILLIS; break;
          case TimeUnit::kMicro: lt.time_unit = TimeUnitKind::MICROS; break;
          case TimeUnit::kNano: lt.time_unit = TimeUnitKind::NANOS; break;
        }
        e->logical_type = lt;
        // The converted types mean "UTC-adjusted" (LogicalTypes.md), so only then are they
        // written; old readers then still see a timestamp.
        if (lt.is_adjusted_to_utc && lt.time_unit == TimeUnitKind::MILLIS) e->converted_type = ConvertedType::TIMESTAMP_MILLIS;
        if (lt.is_adjusted_to_utc && lt.time_unit == TimeUnitKind::MICROS) e->converted_type = ConvertedType::TIMESTAMP_MICROS;
        leaf->stats_order = StatsSortOrder::kSigned64;
        return Status::OK();
      }
      case TypeId::kTime32:
      case TypeId::kTime64: {
        LogicalType lt;
        lt.kind = LogicalType::TIME;
        lt.is_adjusted_to_utc = true;  // what TIME_MILLIS/TIME_MICROS imply
        if (t.id() == TypeId::kTime32) {
          e->type = Type::INT32;
          lt.time_unit = TimeUnitKind::MILLIS;
          e->converted_type = ConvertedType::TIME_MILLIS;
          leaf->value_kind = t.unit() == TimeUnit::kSecond ? ValueKind::kTime32Sec : ValueKind::kInt32;
          leaf->stats_order = StatsSortOrder::kSigned32;
        } else {
          e->type = Type::INT64;
          leaf->value_kind = ValueKind::kInt64;
          leaf->stats_order = StatsSortOrder::kSigned64;
          if (t.unit() == TimeUnit::kNano) {
            lt.time_unit = TimeUnitKind::NANOS;
          } else {
            lt.time_unit = TimeUnitKind::MICROS;
            e->converted_type = ConvertedType::TIME_MICROS;
          }
        }
        e->logical_type = lt;
        return Status::OK();
      }
      case TypeId::kString:
      case TypeId::kLargeString: {
        e->type = Type::BYTE_ARRAY;
        LogicalType lt;
        lt.kind = LogicalType::STRING;
        e->logical_type = lt;
        e->converted_type = ConvertedType::UTF8;
        leaf->value_kind = t.id() == TypeId::kString ? ValueKind::kBinary : ValueKind::kLargeBinary;
        leaf->stats_order = StatsSortOrder::kBytesUnsigned;
        leaf->is_utf8 = true;
        return Status::OK();
      }
      case TypeId::kBinary:
      case TypeId::kLargeBinary:
        e->type = Type::BYTE_ARRAY;
        leaf->value_kind = t.id() == TypeId::kBinary ? ValueKind::kBinary : ValueKind::kLargeBinary;
        leaf->stats_order = StatsSortOrder::kBytesUnsigned;
        return Status::OK();
      case TypeId::kFixedSizeBinary:
        if (t.byte_width() <= 0) {
          return Status::InvalidArgument(fmt::format("fixed_size_binary({}) cannot be written to Parquet", t.byte_width()));
        }
        e->type = Type::FIXED_LEN_BYTE_ARRAY;
        e->type_length = t.byte_width();
        leaf->type_length = t.byte_width();
        leaf->value_kind = ValueKind::kFixedBinary;
        leaf->stats_order = StatsSortOrder::kBytesUnsigned;
        return Status::OK();
      default:
        return Status::Unsupported(fmt::format("cannot write type {} to Parquet", t.ToString()));
    }
  }

  // Appends the element(s) for `field` (named `name`) and recurses. `steps`, `path`, levels
  // describe the way down from the top-level field.
  Status Node(const Field& field, const std::string& name, bool nullable, std::vector<ShredStep> steps,
              std::vector<std::string> path, int16_t def, int16_t rep, int top, const std::optional<int32_t>& field_id) {
    const DataType& t = *field.type;
    SchemaElement e;
    e.name = name;
    e.field_id = field_id;
    // The null type is always null, so it must be OPTIONAL whatever the field says.
    if (t.id() == TypeId::kNull) nullable = true;
    e.repetition_type = nullable ? FieldRepetitionType::OPTIONAL : FieldRepetitionType::REQUIRED;
    if (nullable) ++def;
    path.push_back(name);
    ShredStep step;
    step.nullable = nullable;
    switch (t.id()) {
      case TypeId::kStruct: {
        if (t.children().empty()) {
          return Status::InvalidArgument(fmt::format("struct field '{}' has no children; Parquet groups need one", name));
        }
        e.num_children = static_cast<int32_t>(t.children().size());
        out->elements.push_back(std::move(e));
        step.kind = ShredStep::kStruct;
        for (size_t i = 0; i < t.children().size(); ++i) {
          const Field& c = *t.children()[i];
          DELTA_ASSIGN_OR_RAISE(auto cid, FieldId(c));
          step.child = static_cast<int>(i);
          auto s = steps;
          s.push_back(step);
          DELTA_RETURN_NOT_OK(Node(c, c.name, c.nullable, std::move(s), path, def, rep, top, cid));
        }
        return Status::OK();
      }
      case TypeId::kList:
      case TypeId::kLargeList: {
        // 3-level LIST (LogicalTypes.md "Lists"): <name> (LIST) { repeated group list { element } }.
        e.num_children = 1;
        e.converted_type = ConvertedType::LIST;
        LogicalType lt;
        lt.kind = LogicalType::LIST;
        e.logical_type = lt;
        out->elements.push_back(std::move(e));
        SchemaElement list;
        list.name = "list";
        list.repetition_type = FieldRepetitionType::REPEATED;
        list.num_children = 1;
        out->elements.push_back(std::move(list));
        path.push_back("list");
        step.kind = ShredStep::kList;
        step.rep_level = static_cast<int16_t>(rep + 1);
        steps.push_back(step);
        const Field& c = *t.children()[0];
        DELTA_ASSIGN_OR_RAISE(auto cid, FieldId(c));
        return Node(c, "element", c.nullable, std::move(steps), std::move(path), static_cast<int16_t>(def + 1),
                    static_cast<int16_t>(rep + 1), top, cid);
      }
      case TypeId::kMap: {
        // MAP (LogicalTypes.md "Maps"): <name> (MAP) { repeated group key_value { key; value } }.
        if (t.children().size() != 1 || t.children()[0]->type->id() != TypeId::kStruct ||
            t.children()[0]->type->children().size() != 2) {
          return Status::InvalidArgument(fmt::format("map field '{}' must have a two-field entries struct", name));
        }
        e.num_children = 1;
        e.converted_type = ConvertedType::MAP;
        LogicalType lt;
        lt.kind = LogicalType::MAP;
        e.logical_type = lt;
        out->elements.push_back(std::move(e));
        SchemaElement kv;
        kv.name = "key_value";
        kv.repetition_type = FieldRepetitionType::REPEATED;
        kv.num_children = 2;
        out->elements.push_back(std::move(kv));
        path.push_back("key_value");
        step.kind = ShredStep::kMap;
        step.rep_level = static_cast<int16_t>(rep + 1);
        const auto& entries = t.children()[0]->type->children();
        for (int i = 0; i < 2; ++i) {
          const Field& c = *entries[static_cast<size_t>(i)];
          DELTA_ASSIGN_OR_RAISE(auto cid, FieldId(c));
          step.child = i;
          auto s = steps;
          s.push_back(step);
          // Keys are always required.
          DELTA_RETURN_NOT_OK(Node(c, i == 0 ? "key" : "value", i == 0 ? false : c.nullable, std::move(s), path,
                                   static_cast<int16_t>(def + 1), static_cast<int16_t>(rep + 1), top, cid));
        }
        return Status::OK();
      }
      default: {
        LeafColumn leaf;
        DELTA_RETURN_NOT_OK(Primitive(t, &e, &leaf).WithContext(fmt::format("field '{}'", name)));
        step.kind = ShredStep::kLeaf;
        steps.push_back(step);
        leaf.steps = std::move(steps);
        leaf.path = std::move(path);
        for (size_t i = 0; i < leaf.path.size(); ++i) {
          if (i) leaf.dotted_path += '.';
          leaf.dotted_path += leaf.path[i];
        }
        leaf.top_level_field = top;
        leaf.physical_type = *e.type;
        leaf.max_def = def;
        leaf.max_rep = rep;
        leaf.leaf_type = field.type;
        leaf.leaf_nullable = nullable;
        leaf.element_index = static_cast<int>(out->elements.size());
        out->elements.push_back(std::move(e));
        out->leaves.push_back(std::move(leaf));
        return Status::OK();
      }
    }
  }
};

}  // namespace

Result<ParquetSchema> ToParquetSchema(const columnar::Schema& schema) {
  ParquetSchema out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_fields();
  out.elements.push_back(std::move(root));
  Builder b{&out};
  for (int i = 0; i < schema.num_fields(); ++i) {
    const Field& f = *schema.field(i);
    DELTA_ASSIGN_OR_RAISE(auto fid, Builder::FieldId(f));
    const int first = static_cast<int>(out.leaves.size());
    DELTA_RETURN_NOT_OK(b.Node(f, f.name, f.nullable, {}, {}, 0, 0, i, fid));
    out.field_leaves.emplace_back(first, static_cast<int>(out.leaves.size()) - first);
  }
  return out;
}

}  // namespace delta::parquet::writer

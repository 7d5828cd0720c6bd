// Parquet schema tree and its columnar mapping (LogicalTypes.md; parquet.thrift SchemaElement).
#include "delta/parquet/schema.h"

#include <fmt/format.h>

#include <set>
#include <unordered_map>

#include "delta/util/macros.h"

namespace delta::parquet {

namespace {

using columnar::FieldPtr;
using columnar::KeyValueMetadata;
using columnar::TimeUnit;
using columnar::TypePtr;

// ------------------------------------------------------------------ tree construction

class TreeBuilder {
 public:
  TreeBuilder(const std::vector<SchemaElement>& elements, std::vector<SchemaNode>* nodes,
              std::vector<ColumnDescriptor>* leaves)
      : elements_(elements), nodes_(nodes), leaves_(leaves) {}

  // Parses the element at `pos` (and its subtree) below `parent`; returns the next position.
  Result<size_t> Parse(size_t pos, int parent, int depth, std::vector<std::string>* path, int top_level,
                       int16_t repeated_def) {
    if (depth > kMaxSchemaDepth) {
      return Status::CorruptData(fmt::format("Parquet schema nesting deeper than {} levels", kMaxSchemaDepth));
    }
    if (pos >= elements_.size()) {
      return Status::CorruptData(fmt::format("Parquet schema: num_children overruns the {} schema elements", elements_.size()));
    }
    const SchemaElement& el = elements_[pos];
    const int index = static_cast<int>(nodes_->size());
    SchemaNode node;
    node.element_index = static_cast<int>(pos);
    node.parent = parent;
    const bool is_root = parent < 0;
    if (!is_root && el.name.empty()) {
      return Status::CorruptData(fmt::format("Parquet schema element {} has an empty name", pos));
    }
    // The root's repetition is ignored (some writers set REQUIRED, some REPEATED, some none).
    node.repetition = is_root ? FieldRepetitionType::REQUIRED : el.repetition_type.value_or(FieldRepetitionType::OPTIONAL);
    if (!is_root && !el.repetition_type.has_value()) {
      return Status::CorruptData(fmt::format("Parquet schema element '{}' has no repetition_type", el.name));
    }
    const int rep_raw = static_cast<int>(node.repetition);
    if (rep_raw < 0 || rep_raw > 2) {
      return Status::CorruptData(fmt::format("Parquet schema element '{}' has invalid repetition {}", el.name, rep_raw));
    }
    int16_t parent_def = is_root ? 0 : (*nodes_)[static_cast<size_t>(parent)].def_level;
    int16_t parent_rep = is_root ? 0 : (*nodes_)[static_cast<size_t>(parent)].rep_level;
    node.def_level = static_cast<int16_t>(parent_def + (node.repetition != FieldRepetitionType::REQUIRED ? 1 : 0));
    node.rep_level = static_cast<int16_t>(parent_rep + (node.repetition == FieldRepetitionType::REPEATED ? 1 : 0));
    if (node.repetition == FieldRepetitionType::REPEATED) repeated_def = node.def_level;
    const int32_t num_children = el.num_children.value_or(0);
    // A group is an element with num_children set (even 0 is a group, LogicalTypes.md treats an
    // element without a type as a group); a leaf has a type and no children.
    const bool is_group = is_root || el.num_children.has_value() || !el.type.has_value();
    if (num_children < 0) {
      return Status::CorruptData(fmt::format("Parquet schema element '{}' has negative num_children", el.name));
    }
    if (static_cast<int64_t>(num_children) > static_cast<int64_t>(elements_.size() - pos - 1)) {
      return Status::CorruptData(fmt::format("Parquet schema element '{}' claims {} children but only {} elements follow",
                                             el.name, num_children, elements_.size() - pos - 1));
    }
    nodes_->push_back(node);
    if (!is_root) (*nodes_)[static_cast<size_t>(parent)].children.push_back(index);
    if (!is_root) path->push_back(el.name);
    size_t next = pos + 1;
    if (is_group) {
      if (num_children == 0 && !is_root) {
        return Status::CorruptData(fmt::format("Parquet schema group '{}' has no children", el.name));
      }
      for (int32_t c = 0; c < num_children; ++c) {
        const int child_top = is_root ? c : top_level;
        DELTA_ASSIGN_OR_RAISE(next, Parse(next, index, depth + 1, path, child_top, repeated_def));
      }
    } else {
      const int32_t t = static_cast<int32_t>(*el.type);
      if (t < 0 || t > 7) {
        return Status::Unsupported(fmt::format("Parquet column '{}' has unknown physical type {}", JoinPath(*path), t));
      }
      if (*el.type == Type::FIXED_LEN_BYTE_ARRAY && el.type_length.value_or(0) <= 0) {
        return Status::CorruptData(
            fmt::format("Parquet column '{}' is FIXED_LEN_BYTE_ARRAY without a positive type_length", JoinPath(*path)));
      }
      ColumnDescriptor leaf;
      leaf.node = index;
      leaf.element_index = static_cast<int>(pos);
      leaf.path = *path;
      leaf.dotted_path = JoinPath(*path);
      leaf.physical_type = *el.type;
      leaf.type_length = el.type_length.value_or(0);
      leaf.max_def = node.def_level;
      leaf.max_rep = node.rep_level;
      leaf.repeated_ancestor_def = repeated_def;
      leaf.top_level_field = top_level;
      leaf.element = el;
      (*nodes_)[static_cast<size_t>(index)].is_leaf = true;
      (*nodes_)[static_cast<size_t>(index)].leaf_index = static_cast<int>(leaves_->size());
      leaves_->push_back(std::move(leaf));
    }
    if (!is_root) path->pop_back();
    return next;
  }

  static std::string JoinPath(const std::vector<std::string>& path) {
    std::string out;
    for (size_t i = 0; i < path.size(); ++i) {
      if (i) out += '.';
      out += path[i];
    }
    return out;
  }

 private:
  const std::vector<SchemaElement>& elements_;
  std::vector<SchemaNode>* nodes_;
  std::vector<ColumnDescriptor>* leaves_;
};

// ------------------------------------------------------------------ logical type helpers

bool HasLogical(const SchemaElement& el, LogicalType::Kind k) {
  return el.logical_type.has_value() && el.logical_type->kind == k;
}
bool HasConverted(const SchemaElement& el, ConvertedType c) {
  return el.converted_type.has_value() && *el.converted_type == c;
}
// A logical type takes precedence; converted types are consulted only without one
// (LogicalTypes.md: "compatibility" sections).
bool UseConverted(const SchemaElement& el) {
  return !el.logical_type.has_value() || el.logical_type->kind == LogicalType::NONE;
}

bool IsListGroup(const SchemaElement& el) {
  if (el.logical_type && el.logical_type->kind != LogicalType::NONE) return el.logical_type->kind == LogicalType::LIST;
  return HasConverted(el, ConvertedType::LIST);
}
bool IsMapGroup(const SchemaElement& el) {
  if (el.logical_type && el.logical_type->kind != LogicalType::NONE) return el.logical_type->kind == LogicalType::MAP;
  return HasConverted(el, ConvertedType::MAP) || HasConverted(el, ConvertedType::MAP_KEY_VALUE);
}

Status DecimalType(const ColumnDescriptor& leaf, TypePtr* type) {
  const SchemaElement& el = leaf.element;
  int32_t precision = 0, scale = 0;
  if (HasLogical(el, LogicalType::DECIMAL)) {
    precision = el.logical_type->decimal_precision;
    scale = el.logical_type->decimal_scale;
  } else {
    precision = el.precision.value_or(0);
    scale = el.scale.value_or(0);
  }
  if (precision > 38) {
    return Status::Unsupported(
        fmt::format("decimal precision {} exceeds 38, the decimal128 maximum (column {})", precision, leaf.dotted_path));
  }
  if (precision <= 0 || scale < 0 || scale > precision) {
    return Status::CorruptData(
        fmt::format("invalid decimal precision {} / scale {} (column {})", precision, scale, leaf.dotted_path));
  }
  *type = columnar::Decimal128(precision, scale);
  return Status::OK();
}

TimeUnit UnitOf(TimeUnitKind k) {
  switch (k) {
    case TimeUnitKind::MILLIS: return TimeUnit::kMilli;
    case TimeUnitKind::MICROS: return TimeUnit::kMicro;
    case TimeUnitKind::NANOS: return TimeUnit::kNano;
  }
  return TimeUnit::kMicro;
}

bool IsDecimal(const SchemaElement& el) {
  return HasLogical(el, LogicalType::DECIMAL) || (UseConverted(el) && HasConverted(el, ConvertedType::DECIMAL));
}

}  // namespace

Status LeafColumnarType(const ColumnDescriptor& leaf, TypePtr* type, ValueConversion* conversion) {
  const SchemaElement& el = leaf.element;
  *conversion = ValueConversion::kNone;
  const bool conv = UseConverted(el);
  const LogicalType::Kind lk = el.logical_type ? el.logical_type->kind : LogicalType::NONE;
  if (lk == LogicalType::UNKNOWN) {
    *type = columnar::Null();
    *conversion = ValueConversion::kNull;
    return Status::OK();
  }
  switch (leaf.physical_type) {
    case Type::BOOLEAN:
      *type = columnar::Bool();
      *conversion = ValueConversion::kBool;
      return Status::OK();
    case Type::INT32: {
      if (IsDecimal(el)) {
        *conversion = ValueConversion::kDecimalInt32;
        return DecimalType(leaf, type);
      }
      int bits = 32;
      bool is_signed = true;
      if (lk == LogicalType::INTEGER) {
        bits = el.logical_type->int_bit_width;
        is_signed = el.logical_type->int_is_signed;
      } else if (lk == LogicalType::DATE || (conv && HasConverted(el, ConvertedType::DATE))) {
        *type = columnar::Date32();
        return Status::OK();
      } else if ((lk == LogicalType::TIME && el.logical_type->time_unit == TimeUnitKind::MILLIS) ||
                 (conv && HasConverted(el, ConvertedType::TIME_MILLIS))) {
        *type = columnar::Time32(TimeUnit::kMilli);
        return Status::OK();
      } else if (conv && el.converted_type) {
        switch (*el.converted_type) {
          case ConvertedType::INT_8: bits = 8; break;
          case ConvertedType::INT_16: bits = 16; break;
          case ConvertedType::UINT_8: bits = 8; is_signed = false; break;
          case ConvertedType::UINT_16: bits = 16; is_signed = false; break;
          case ConvertedType::UINT_32: is_signed = false; break;
          default: break;
        }
      }
      if (bits == 8) {
        *type = is_signed ? columnar::Int8() : columnar::UInt8();
        *conversion = is_signed ? ValueConversion::kInt32ToInt8 : ValueConversion::kInt32ToUInt8;
      } else if (bits == 16) {
        *type = is_signed ? columnar::Int16() : columnar::UInt16();
        *conversion = is_signed ? ValueConversion::kInt32ToInt16 : ValueConversion::kInt32ToUInt16;
      } else {
        *type = is_signed ? columnar::Int32() : columnar::UInt32();
      }
      return Status::OK();
    }
    case Type::INT64: {
      if (IsDecimal(el)) {
        *conversion = ValueConversion::kDecimalInt64;
        return DecimalType(leaf, type);
      }
      if (lk == LogicalType::INTEGER) {
        *type = el.logical_type->int_is_signed ? columnar::Int64() : columnar::UInt64();
      } else if (lk == LogicalType::TIMESTAMP) {
        *type = columnar::Timestamp(UnitOf(el.logical_type->time_unit), el.logical_type->is_adjusted_to_utc ? "UTC" : "");
      } else if (lk == LogicalType::TIME) {
        TimeUnit u = UnitOf(el.logical_type->time_unit);
        // TIME(MILLIS) is only defined on INT32; on INT64 keep the raw integers.
        *type = u == TimeUnit::kMilli ? columnar::Int64() : columnar::Time64(u);
      } else if (conv && HasConverted(el, ConvertedType::UINT_64)) {
        *type = columnar::UInt64();
      } else if (conv && HasConverted(el, ConvertedType::TIMESTAMP_MILLIS)) {
        // Legacy converted timestamps are UTC-adjusted (LogicalTypes.md "TIMESTAMP" compatibility).
        *type = columnar::Timestamp(TimeUnit::kMilli, "UTC");
      } else if (conv && HasConverted(el, ConvertedType::TIMESTAMP_MICROS)) {
        *type = columnar::Timestamp(TimeUnit::kMicro, "UTC");
      } else if (conv && HasConverted(el, ConvertedType::TIME_MICROS)) {
        *type = columnar::Time64(TimeUnit::kMicro);
      } else {
        *type = columnar::Int64();
      }
      return Status::OK();
    }
    case Type::INT96:
      // Deprecated INT96 timestamps (nanoseconds of day + Julian day), read as timestamp[ns].
      *type = columnar::Timestamp(TimeUnit::kNano);
      *conversion = ValueConversion::kInt96ToNanos;
      return Status::OK();
    case Type::FLOAT:
      *type = columnar::Float32();
      return Status::OK();
    case Type::DOUBLE:
      *type = columnar::Float64();
      return Status::OK();
    case Type::BYTE_ARRAY:
      if (IsDecimal(el)) {
        *conversion = ValueConversion::kDecimalBytes;
        return DecimalType(leaf, type);
      }
      if (lk == LogicalType::STRING || lk == LogicalType::ENUM || lk == LogicalType::JSON ||
          (conv && (HasConverted(el, ConvertedType::UTF8) || HasConverted(el, ConvertedType::ENUM) ||
                    HasConverted(el, ConvertedType::JSON)))) {
        *type = columnar::Utf8();
      } else {
        *type = columnar::Binary();
      }
      return Status::OK();
    case Type::FIXED_LEN_BYTE_ARRAY:
      if (IsDecimal(el)) {
        *conversion = ValueConversion::kDecimalBytes;
        return DecimalType(leaf, type);
      }
      if (lk == LogicalType::UUID && leaf.type_length != 16) {
        return Status::CorruptData(
            fmt::format("UUID column {} has type_length {} (must be 16)", leaf.dotted_path, leaf.type_length));
      }
      *type = columnar::FixedSizeBinary(leaf.type_length);
      return Status::OK();
  }
  return Status::Unsupported(
      fmt::format("unknown physical type {} (column {})", static_cast<int>(leaf.physical_type), leaf.dotted_path));
}

Result<std::shared_ptr<const SchemaDescriptor>> SchemaDescriptor::Make(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Status::CorruptData("Parquet schema is empty (no root element)");
  auto d = std::shared_ptr<SchemaDescriptor>(new SchemaDescriptor());
  d->elements_ = elements;
  if (elements[0].num_children.value_or(0) <= 0 && elements.size() > 1) {
    return Status::CorruptData("Parquet schema root has no num_children but more elements follow");
  }
  TreeBuilder builder(d->elements_, &d->nodes_, &d->leaves_);
  std::vector<std::string> path;
  DELTA_ASSIGN_OR_RAISE(size_t end, builder.Parse(0, -1, 0, &path, 0, 0));
  if (end != elements.size()) {
    return Status::CorruptData(
        fmt::format("Parquet schema: {} schema elements are not reachable from the root", elements.size() - end));
  }
  return std::shared_ptr<const SchemaDescriptor>(std::move(d));
}

int SchemaDescriptor::FindColumn(const std::string& dotted_path) const {
  for (size_t i = 0; i < leaves_.size(); ++i)
    if (leaves_[i].dotted_path == dotted_path) return static_cast<int>(i);
  return -1;
}

// ------------------------------------------------------------------ columnar mapping

namespace {

class FieldMapper {
 public:
  explicit FieldMapper(const SchemaDescriptor& d) : d_(d) {}

  // Builds the FieldNode of schema node `n` in a context whose slots start at (slot_rep,
  // slot_def). `as_element`: the node is the REPEATED node of a list/map that the caller already
  // turned into repetition, so it is taken as a required value.
  Result<FieldNode> Build(int n, int16_t slot_rep, int16_t slot_def, bool as_element) {
    const SchemaNode& node = d_.node(n);
    const SchemaElement& el = d_.element_of(n);
    FieldNode out;
    out.schema_node = n;
    out.slot_rep = slot_rep;
    out.slot_def = slot_def;
    KeyValueMetadata md;
    if (el.field_id) md.emplace_back(kParquetFieldIdKey, std::to_string(*el.field_id));

    if (!as_element && node.repetition == FieldRepetitionType::REPEATED && !IsListGroup(el) && !IsMapGroup(el)) {
      // LogicalTypes.md: a repeated field that is not inside a LIST/MAP group is a required
      // list of required elements of the field's type.
      out.kind = FieldNode::kList;
      out.def_level = static_cast<int16_t>(node.def_level - 1);
      out.elem_def = node.def_level;
      DELTA_ASSIGN_OR_RAISE(FieldNode elem, Build(n, node.rep_level, node.def_level, true));
      out.first_leaf = elem.first_leaf;
      out.num_leaves = elem.num_leaves;
      out.field = columnar::MakeField(el.name, columnar::List(elem.field), false, std::move(md));
      out.children.push_back(std::move(elem));
      return out;
    }
    const bool nullable = !as_element && node.repetition == FieldRepetitionType::OPTIONAL;
    out.def_level = node.def_level;
    if (node.is_leaf) {
      out.kind = FieldNode::kPrimitive;
      out.leaf_index = node.leaf_index;
      out.first_leaf = node.leaf_index;
      out.num_leaves = 1;
      TypePtr type;
      DELTA_RETURN_NOT_OK(LeafColumnarType(d_.column(node.leaf_index), &type, &out.conversion));
      out.field = columnar::MakeField(el.name, type, nullable || out.conversion == ValueConversion::kNull, std::move(md));
      return out;
    }
    if (node.repetition != FieldRepetitionType::REPEATED && IsListGroup(el)) {
      auto r = BuildList(n, &out, nullable, std::move(md));
      if (r.ok()) return out;
      return r;
    }
    if (node.repetition != FieldRepetitionType::REPEATED && IsMapGroup(el)) {
      Status st = BuildMap(n, &out, nullable, md);
      if (st.ok()) return out;
      if (!st.IsInvalidArgument()) return st;
      // Not a well-formed map (e.g. a stray MAP_KEY_VALUE): read it as the plain group it is.
      out = FieldNode();
      out.schema_node = n;
      out.slot_rep = slot_rep;
      out.slot_def = slot_def;
      out.def_level = node.def_level;
    }
    // Plain group -> struct.
    out.kind = FieldNode::kStruct;
    std::vector<FieldPtr> fields;
    for (int c : node.children) {
      DELTA_ASSIGN_OR_RAISE(FieldNode child, Build(c, slot_rep, slot_def, false));
      fields.push_back(child.field);
      out.children.push_back(std::move(child));
    }
    out.first_leaf = out.children.front().first_leaf;
    for (const auto& c : out.children) out.num_leaves += c.num_leaves;
    out.field = columnar::MakeField(el.name, columnar::Struct(std::move(fields)), nullable, std::move(md));
    return out;
  }

 private:
  // LogicalTypes.md "Lists", including the backward-compatibility rules.
  Status BuildList(int n, FieldNode* out, bool nullable, KeyValueMetadata md) {
    const SchemaNode& node = d_.node(n);
    const SchemaElement& el = d_.element_of(n);
    const std::string path = ColumnPathOf(n);
    if (node.children.size() != 1) {
      return Status::CorruptData(fmt::format("LIST group {} must have exactly one child, has {}", path, node.children.size()));
    }
    const int rep = node.children[0];
    const SchemaNode& rnode = d_.node(rep);
    const SchemaElement& rel = d_.element_of(rep);
    if (rnode.repetition != FieldRepetitionType::REPEATED) {
      return Status::CorruptData(fmt::format("LIST group {}: its child '{}' is not repeated", path, rel.name));
    }
    out->kind = FieldNode::kList;
    out->def_level = node.def_level;
    out->elem_def = rnode.def_level;
    // Which node is the element: the repeated node itself (2-level forms) or its only child.
    bool repeated_is_element = false;
    if (rnode.is_leaf) {
      repeated_is_element = true;  // rule 1: repeated primitive
    } else if (rnode.children.size() > 1) {
      repeated_is_element = true;  // rule 2: repeated group with several fields is the element
    } else if (rel.name == "array" || rel.name == el.name + "_tuple") {
      repeated_is_element = true;  // rule 3: legacy names
    }
    FieldNode elem;
    if (repeated_is_element) {
      DELTA_ASSIGN_OR_RAISE(elem, Build(rep, rnode.rep_level, rnode.def_level, true));
    } else {
      DELTA_ASSIGN_OR_RAISE(elem, Build(rnode.children[0], rnode.rep_level, rnode.def_level, false));
    }
    out->first_leaf = elem.first_leaf;
    out->num_leaves = elem.num_leaves;
    out->field = columnar::MakeField(el.name, columnar::List(elem.field), nullable, std::move(md));
    out->children.push_back(std::move(elem));
    return Status::OK();
  }

  // LogicalTypes.md "Maps" (MAP, and legacy MAP_KEY_VALUE on the outer or the repeated group).
  // InvalidArgument (not CorruptData) when the shape is not a map, so the caller can fall back.
  Status BuildMap(int n, FieldNode* out, bool nullable, const KeyValueMetadata& md) {
    const SchemaNode& node = d_.node(n);
    const SchemaElement& el = d_.element_of(n);
    if (node.children.size() != 1) return Status::InvalidArgument("map group needs one child");
    const int kv = node.children[0];
    const SchemaNode& kvnode = d_.node(kv);
    if (kvnode.repetition != FieldRepetitionType::REPEATED || kvnode.is_leaf || kvnode.children.size() != 2) {
      return Status::InvalidArgument("map group needs a repeated key_value group of two fields");
    }
    const SchemaNode& key_node = d_.node(kvnode.children[0]);
    if (key_node.repetition == FieldRepetitionType::REPEATED) return Status::InvalidArgument("repeated map key");
    out->kind = FieldNode::kMap;
    out->def_level = node.def_level;
    out->elem_def = kvnode.def_level;
    FieldNode entries;
    entries.kind = FieldNode::kStruct;
    entries.schema_node = kv;
    entries.slot_rep = kvnode.rep_level;
    entries.slot_def = kvnode.def_level;
    entries.def_level = kvnode.def_level;
    std::vector<FieldPtr> fields;
    for (size_t i = 0; i < 2; ++i) {
      DELTA_ASSIGN_OR_RAISE(FieldNode child, Build(kvnode.children[i], kvnode.rep_level, kvnode.def_level, false));
      if (i == 0) {
        // Map keys are never null in the columnar layout; a file that declares an optional key
        // still gets a non-null key field (nulls there are reported by Validate).
        auto f = std::make_shared<columnar::Field>(*child.field);
        f->nullable = false;
        child.field = f;
      }
      fields.push_back(child.field);
      entries.children.push_back(std::move(child));
    }
    entries.first_leaf = entries.children[0].first_leaf;
    entries.num_leaves = entries.children[0].num_leaves + entries.children[1].num_leaves;
    entries.field = columnar::MakeField(d_.element_of(kv).name, columnar::Struct(std::move(fields)), false);
    out->first_leaf = entries.first_leaf;
    out->num_leaves = entries.num_leaves;
    out->field = columnar::MakeField(el.name, columnar::Map(entries.field), nullable, md);
    out->children.push_back(std::move(entries));
    return Status::OK();
  }

  std::string ColumnPathOf(int n) const {
    std::vector<std::string> parts;
    for (int i = n; i > 0; i = d_.node(i).parent) parts.push_back(d_.element_of(i).name);
    std::string out;
    for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
      if (!out.empty()) out += '.';
      out += *it;
    }
    return out;
  }

  const SchemaDescriptor& d_;
};

}  // namespace

Result<ColumnarSchema> ToColumnarSchema(const SchemaDescriptor& descr, const std::vector<KeyValue>& key_value_metadata) {
  ColumnarSchema out;
  FieldMapper mapper(descr);
  std::vector<FieldPtr> fields;
  for (int c : descr.node(SchemaDescriptor::kRoot).children) {
    DELTA_ASSIGN_OR_RAISE(FieldNode f, mapper.Build(c, 0, 0, false));
    fields.push_back(f.field);
    out.fields.push_back(std::move(f));
  }
  columnar::KeyValueMetadata md;
  for (const auto& kv : key_value_metadata) md.emplace_back(kv.key, kv.value.value_or(""));
  out.schema = std::make_shared<columnar::Schema>(std::move(fields), std::move(md));
  return out;
}

namespace {

// Keeps only the leaves in `keep`; returns false when nothing under the node is kept. Struct
// types are rebuilt with the surviving fields; maps are kept whole.
bool PruneNode(FieldNode* node, const std::vector<bool>& keep) {
  bool any = false;
  for (int i = node->first_leaf; i < node->first_leaf + node->num_leaves; ++i) any = any || keep[static_cast<size_t>(i)];
  if (!any) return false;
  bool all = true;
  for (int i = node->first_leaf; i < node->first_leaf + node->num_leaves; ++i) all = all && keep[static_cast<size_t>(i)];
  if (all || node->kind == FieldNode::kPrimitive || node->kind == FieldNode::kMap) return true;
  if (node->kind == FieldNode::kList) {
    PruneNode(&node->children[0], keep);
    node->first_leaf = node->children[0].first_leaf;
    node->num_leaves = node->children[0].num_leaves;
    auto f = std::make_shared<columnar::Field>(*node->field);
    f->type = columnar::List(node->children[0].field);
    node->field = f;
    return true;
  }
  std::vector<FieldNode> kept;
  std::vector<FieldPtr> fields;
  for (auto& c : node->children) {
    if (PruneNode(&c, keep)) {
      fields.push_back(c.field);
      kept.push_back(std::move(c));
    }
  }
  node->children = std::move(kept);
  node->first_leaf = node->children.front().first_leaf;
  node->num_leaves = 0;
  for (const auto& c : node->children) node->num_leaves += c.num_leaves;
  auto f = std::make_shared<columnar::Field>(*node->field);
  f->type = columnar::Struct(std::move(fields));
  node->field = f;
  return true;
}

}  // namespace

Result<ColumnarSchema> ProjectSchema(const ColumnarSchema& full, const SchemaDescriptor& descr,
                                     const std::vector<std::string>& columns) {
  if (columns.empty()) return full;
  std::vector<bool> keep(static_cast<size_t>(descr.num_columns()), false);
  for (const auto& name : columns) {
    bool found = false;
    for (int i = 0; i < descr.num_columns(); ++i) {
      const std::string& p = descr.column(i).dotted_path;
      if (p == name || (p.size() > name.size() && p.compare(0, name.size(), name) == 0 && p[name.size()] == '.')) {
        keep[static_cast<size_t>(i)] = true;
        found = true;
      }
    }
    if (!found) return Status::InvalidArgument(fmt::format("column '{}' is not in the Parquet schema", name));
  }
  ColumnarSchema out;
  std::vector<FieldPtr> fields;
  for (const auto& f : full.fields) {
    FieldNode copy = f;
    if (PruneNode(&copy, keep)) {
      fields.push_back(copy.field);
      out.fields.push_back(std::move(copy));
    }
  }
  out.schema = std::make_shared<columnar::Schema>(std::move(fields), full.schema->metadata());
  return out;
}

}  // namespace delta::parquet

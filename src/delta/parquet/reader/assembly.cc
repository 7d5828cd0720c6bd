// Record assembly from definition/repetition levels (README.md "Nested Encoding"; the level
// thresholds are described in schema.h).
#include "delta/parquet/reader/assembly.h"

#include <fmt/format.h>

#include <cstring>
#include <limits>

#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::parquet::reader {

namespace {

using columnar::ArrayData;
using columnar::ArrayPtr;
using columnar::BufferPtr;

class Assembler {
 public:
  explicit Assembler(const std::vector<const LeafData*>& leaves) : leaves_(leaves) {}

  Result<ArrayPtr> Build(const FieldNode& node) {
    switch (node.kind) {
      case FieldNode::kPrimitive: {
        const LeafData* leaf = LeafAt(node.leaf_index);
        if (!leaf || !leaf->array) return Status::Internal(fmt::format("leaf {} was not read", node.leaf_index));
        return leaf->array;
      }
      case FieldNode::kStruct:
        return BuildStruct(node);
      case FieldNode::kList:
      case FieldNode::kMap:
        return BuildList(node);
    }
    return Status::Internal("unknown field node kind");
  }

 private:
  const LeafData* LeafAt(int i) const {
    if (i < 0 || static_cast<size_t>(i) >= leaves_.size()) return nullptr;
    return leaves_[static_cast<size_t>(i)];
  }

  // The levels that describe `node`: those of its first leaf (every leaf below a node agrees on
  // the node's structure).
  Status LevelsOf(const FieldNode& node, const LeafData** out) {
    const LeafData* leaf = LeafAt(node.first_leaf);
    if (!leaf) return Status::Internal(fmt::format("leaf {} was not read", node.first_leaf));
    if ((node.def_level > 0 || node.slot_def > 0) && leaf->def_levels.size() != static_cast<size_t>(leaf->num_levels)) {
      return Status::Internal("nested leaf read without its definition levels");
    }
    *out = leaf;
    return Status::OK();
  }

  static Status CheckChild(const FieldNode& node, const ArrayData& child, int64_t expected) {
    if (child.length != expected) {
      return Status::CorruptData(fmt::format("field '{}': a child has {} values where the levels describe {}",
                                             node.field->name, child.length, expected));
    }
    return Status::OK();
  }

  Result<ArrayPtr> BuildStruct(const FieldNode& node) {
    const LeafData* leaf;
    DELTA_RETURN_NOT_OK(LevelsOf(node, &leaf));
    const int64_t n = leaf->num_levels;
    const int16_t* def = leaf->def_levels.empty() ? nullptr : leaf->def_levels.data();
    const int16_t* rep = leaf->rep_levels.empty() ? nullptr : leaf->rep_levels.data();
    const bool nullable = node.def_level > node.slot_def;
    const bool all_slots = node.slot_def == 0 && rep == nullptr;
    int64_t slots = 0, nulls = 0;
    BufferPtr validity;
    if (!nullable && all_slots) {
      slots = n;  // flat required struct: nothing to compute
    } else {
      uint8_t* bits = nullptr;
      if (nullable) {
        DELTA_ASSIGN_OR_RAISE(validity, columnar::Buffer::Allocate(bit_util::BytesForBits(n), true));
        bits = validity->mutable_data();
      }
      const int16_t slot_def = node.slot_def, slot_rep = node.slot_rep, def_level = node.def_level;
      for (int64_t i = 0; i < n; ++i) {
        if (rep && rep[i] > slot_rep) continue;
        const int16_t d = def ? def[i] : 0;
        if (d < slot_def) continue;
        if (bits) {
          if (d >= def_level) {
            bit_util::SetBit(bits, slots);
          } else {
            ++nulls;
          }
        }
        ++slots;
      }
    }
    auto out = std::make_shared<ArrayData>();
    out->type = node.field->type;
    out->length = slots;
    out->null_count = nulls;
    out->buffers = {nulls > 0 ? validity : nullptr};
    for (const auto& c : node.children) {
      DELTA_ASSIGN_OR_RAISE(ArrayPtr child, Build(c));
      DELTA_RETURN_NOT_OK(CheckChild(node, *child, slots));
      out->children.push_back(std::move(child));
    }
    return out;
  }

  Result<ArrayPtr> BuildList(const FieldNode& node) {
    const LeafData* leaf;
    DELTA_RETURN_NOT_OK(LevelsOf(node, &leaf));
    const int64_t n = leaf->num_levels;
    if (leaf->rep_levels.size() != static_cast<size_t>(n)) {
      return Status::Internal("list leaf read without its repetition levels");
    }
    const int16_t* def = leaf->def_levels.data();
    const int16_t* rep = leaf->rep_levels.data();
    const int16_t slot_def = node.slot_def, slot_rep = node.slot_rep, def_level = node.def_level,
                  elem_def = node.elem_def;
    const int16_t elem_rep = static_cast<int16_t>(slot_rep + 1);
    const bool nullable = node.def_level > node.slot_def;
    // Offsets: at most one per level entry plus the final one.
    DELTA_ASSIGN_OR_RAISE(BufferPtr offsets_buf, columnar::Buffer::Allocate((n + 1) * 4));
    auto* offsets = offsets_buf->mutable_data_as<int32_t>();
    BufferPtr validity;
    uint8_t* bits = nullptr;
    if (nullable) {
      DELTA_ASSIGN_OR_RAISE(validity, columnar::Buffer::Allocate(bit_util::BytesForBits(n), true));
      bits = validity->mutable_data();
    }
    int64_t slots = 0, nulls = 0, elems = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int16_t r = rep[i];
      const int16_t d = def[i];
      if (r <= slot_rep) {
        if (d < slot_def) continue;  // the enclosing list is empty or null here
        offsets[slots] = static_cast<int32_t>(elems);
        if (bits) {
          if (d >= def_level) {
            bit_util::SetBit(bits, slots);
          } else {
            ++nulls;
          }
        }
        ++slots;
        if (d >= elem_def) ++elems;
      } else if (r == elem_rep) {
        // A continuation entry whose def is below elem_def adds no element: the list stays as
        // its first entry defined it (null, empty, or absent with its parent). Writers of
        // fixed-size arrays (e.g. DuckDB's ARRAY type) emit a null array as one entry per
        // element, all with the null's def level, and other readers take that as one null
        // list. Leaves of one struct that disagree still fail in CheckChild.
        if (d < elem_def) continue;
        if (slots == 0) return Status::CorruptData(fmt::format("field '{}': list continues before it starts", node.field->name));
        ++elems;
      }
      if (DELTA_PREDICT_FALSE(elems > std::numeric_limits<int32_t>::max())) {
        return Status::Unsupported(fmt::format("field '{}': more than 2^31-1 list elements in one row group", node.field->name));
      }
    }
    offsets[slots] = static_cast<int32_t>(elems);
    offsets_buf = columnar::Buffer::Slice(offsets_buf, 0, (slots + 1) * 4);
    auto out = std::make_shared<ArrayData>();
    out->type = node.field->type;
    out->length = slots;
    out->null_count = nulls;
    out->buffers = {nulls > 0 ? validity : nullptr, std::move(offsets_buf)};
    DELTA_ASSIGN_OR_RAISE(ArrayPtr child, Build(node.children[0]));
    DELTA_RETURN_NOT_OK(CheckChild(node, *child, elems));
    out->children.push_back(std::move(child));
    return out;
  }

  const std::vector<const LeafData*>& leaves_;
};

}  // namespace

Result<columnar::ArrayPtr> AssembleField(const FieldNode& field, const std::vector<const LeafData*>& leaves,
                                         int64_t num_rows) {
  Assembler assembler(leaves);
  DELTA_ASSIGN_OR_RAISE(ArrayPtr out, assembler.Build(field));
  if (out->length != num_rows) {
    return Status::CorruptData(
        fmt::format("column '{}' has {} rows, the row group {}", field.field->name, out->length, num_rows));
  }
  return out;
}

}  // namespace delta::parquet::reader

#include "delta/parquet/writer/levels.h"

#include <fmt/format.h>

#include "delta/util/bit_util.h"
#include "delta/util/macros.h"

namespace delta::parquet::writer {

using columnar::ArrayData;
using columnar::TypeId;

namespace {

// Walks the path once to check the array has the children the schema promises, so the hot
// loops below need no checks.
Status CheckShape(const ArrayData& column, const LeafColumn& leaf) {
  const ArrayData* a = &column;
  for (size_t k = 0; k < leaf.steps.size(); ++k) {
    const ShredStep& s = leaf.steps[k];
    switch (s.kind) {
      case ShredStep::kLeaf:
        if (a->type->id() != TypeId::kNull && a->buffers.size() < 2) {
          return Status::InvalidArgument(fmt::format("column '{}': leaf array has {} buffers", leaf.dotted_path,
                                                     a->buffers.size()));
        }
        break;
      case ShredStep::kStruct:
        if (static_cast<int>(a->children.size()) <= s.child) {
          return Status::InvalidArgument(fmt::format("column '{}': struct array lacks child {}", leaf.dotted_path, s.child));
        }
        a = a->children[static_cast<size_t>(s.child)].get();
        break;
      case ShredStep::kList:
        if (a->children.size() != 1 || a->buffers.size() < 2 || !a->buffers[1]) {
          return Status::InvalidArgument(fmt::format("column '{}': malformed list array", leaf.dotted_path));
        }
        a = a->children[0].get();
        break;
      case ShredStep::kMap:
        if (a->children.size() != 1 || a->buffers.size() < 2 || !a->buffers[1] ||
            a->children[0]->children.size() != 2) {
          return Status::InvalidArgument(fmt::format("column '{}': malformed map array", leaf.dotted_path));
        }
        a = a->children[0]->children[static_cast<size_t>(s.child)].get();
        break;
    }
  }
  return Status::OK();
}

// The general, recursive shredder (any nesting). One call handles one element of the node at
// step k; rep is the repetition level its first level entry gets.
class Shredder {
 public:
  Shredder(const LeafColumn& leaf, ShreddedLeaf* out) : steps_(leaf.steps), out_(out) {}

  void Element(size_t k, const ArrayData& a, int64_t i, int16_t def, int16_t rep) {
    const ShredStep& s = steps_[k];
    if (s.kind == ShredStep::kLeaf) {
      // The slot is reached (every ancestor present); a null leaf is still a slot, which the
      // value writer skips by the leaf validity.
      Emit(s.nullable && !a.IsValid(i) ? def : static_cast<int16_t>(def + (s.nullable ? 1 : 0)), rep);
      AddSlot(i);
      return;
    }
    if (s.nullable) {
      if (!a.IsValid(i)) {
        Emit(def, rep);
        return;
      }
      ++def;
    }
    switch (s.kind) {
      case ShredStep::kLeaf:
        return;
      case ShredStep::kStruct:
        Element(k + 1, *a.children[static_cast<size_t>(s.child)], a.offset + i, def, rep);
        return;
      case ShredStep::kList: {
        const auto [b, e] = a.GetListRange(i);
        if (b >= e) {
          Emit(def, rep);
          return;
        }
        const ArrayData& child = *a.children[0];
        Element(k + 1, child, b, static_cast<int16_t>(def + 1), rep);
        for (int64_t j = b + 1; j < e; ++j) Element(k + 1, child, j, static_cast<int16_t>(def + 1), s.rep_level);
        return;
      }
      case ShredStep::kMap: {
        const auto [b, e] = a.GetListRange(i);
        if (b >= e) {
          Emit(def, rep);
          return;
        }
        const ArrayData& entries = *a.children[0];
        const ArrayData& child = *entries.children[static_cast<size_t>(s.child)];
        Element(k + 1, child, entries.offset + b, static_cast<int16_t>(def + 1), rep);
        for (int64_t j = b + 1; j < e; ++j) {
          Element(k + 1, child, entries.offset + j, static_cast<int16_t>(def + 1), s.rep_level);
        }
        return;
      }
    }
  }

 private:
  void Emit(int16_t def, int16_t rep) {
    if (has_def_) out_->def_levels.push_back(def);
    if (has_rep_) out_->rep_levels.push_back(rep);
    ++out_->num_levels;
  }
  void AddSlot(int64_t i) {
    auto& runs = out_->runs;
    if (!runs.empty() && runs.back().start + runs.back().length == i) {
      ++runs.back().length;
    } else {
      runs.push_back({i, 1});
    }
  }

 public:
  bool has_def_ = false;
  bool has_rep_ = false;

 private:
  const std::vector<ShredStep>& steps_;
  ShreddedLeaf* out_;
};

}  // namespace

Status ShredLeaf(const ArrayData& column, const LeafColumn& leaf, ShreddedLeaf* out) {
  DELTA_RETURN_NOT_OK(CheckShape(column, leaf));
  out->def_levels.clear();
  out->rep_levels.clear();
  out->runs.clear();
  out->num_levels = 0;
  out->num_rows = column.length;
  out->one_to_one = false;

  // Leaf array and whether the path has a list/map or a nullable group.
  const ArrayData* a = &column;
  int64_t base = 0;  // logical index of top-level row 0 in the leaf (struct offsets add up)
  bool simple = true;
  for (size_t k = 0; k + 1 < leaf.steps.size(); ++k) {
    const ShredStep& s = leaf.steps[k];
    if (s.kind != ShredStep::kStruct || s.nullable) simple = false;
    if (s.kind == ShredStep::kStruct) {
      base += a->offset;
      a = a->children[static_cast<size_t>(s.child)].get();
    } else if (s.kind == ShredStep::kList) {
      a = a->children[0].get();
    } else {
      a = a->children[0]->children[static_cast<size_t>(s.child)].get();
    }
  }
  out->leaf = a;
  const int64_t n = column.length;

  if (simple) {
    // Fast path: levels and slots correspond 1:1 (Encodings.md: a required column has no
    // definition levels; an optional one has def = 1 for a value and 0 for a null).
    out->one_to_one = true;
    out->num_levels = n;
    if (n > 0) out->runs.push_back({base, n});
    if (leaf.max_def > 0) {
      out->def_levels.resize(static_cast<size_t>(n));
      int16_t* d = out->def_levels.data();
      const int16_t hi = leaf.max_def;
      const int16_t lo = static_cast<int16_t>(hi - 1);
      if (a->type->id() == TypeId::kNull) {
        for (int64_t i = 0; i < n; ++i) d[i] = lo;
      } else if (a->buffers.empty() || !a->buffers[0]) {
        for (int64_t i = 0; i < n; ++i) d[i] = hi;
      } else {
        const uint8_t* bits = a->buffers[0]->data();
        const int64_t off = a->offset + base;
        for (int64_t i = 0; i < n; ++i) d[i] = bit_util::GetBit(bits, off + i) ? hi : lo;
      }
    }
    return Status::OK();
  }

  Shredder sh(leaf, out);
  sh.has_def_ = leaf.max_def > 0;
  sh.has_rep_ = leaf.max_rep > 0;
  out->def_levels.reserve(static_cast<size_t>(n));
  if (sh.has_rep_) out->rep_levels.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) sh.Element(0, column, i, 0, 0);
  if (out->num_levels > INT32_MAX) {
    return Status::InvalidArgument(fmt::format("column '{}': {} levels in one batch is too many", leaf.dotted_path,
                                               out->num_levels));
  }
  return Status::OK();
}

}  // namespace delta::parquet::writer

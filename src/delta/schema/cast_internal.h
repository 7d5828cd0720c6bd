// Internal array conversion helpers shared by type widening and file-to-table coercion.
// Thread-safety: stateless functions.
#pragma once

#include <cstdint>
#include <memory>

#include "delta/columnar/array.h"
#include "delta/columnar/buffer.h"
#include "delta/util/macros.h"

namespace delta::schema::internal {

/// The validity of `a` as a bitmap starting at bit 0 (shared when a.offset == 0, copied
/// otherwise); nullptr when `a` has no nulls.
Result<columnar::BufferPtr> ValidityAtZero(const columnar::ArrayData& a);

/// A fixed-width array of `to` whose value i is fn(in.values<In>()[i]); validity of `in`
/// (null slots get fn of whatever the slot holds, which is harmless for pure conversions).
template <typename In, typename Out, typename Fn>
Result<columnar::ArrayPtr> MapFixed(const columnar::ArrayData& in, const columnar::TypePtr& to, Fn&& fn) {
  DELTA_ASSIGN_OR_RAISE(auto values, columnar::Buffer::Allocate(in.length * static_cast<int64_t>(sizeof(Out))));
  Out* dst = values->mutable_data_as<Out>();
  const In* src = in.length > 0 ? in.values<In>() : nullptr;
  for (int64_t i = 0; i < in.length; ++i) dst[i] = fn(src[i]);
  DELTA_ASSIGN_OR_RAISE(auto validity, ValidityAtZero(in));
  auto out = std::make_shared<columnar::ArrayData>();
  out->type = to;
  out->length = in.length;
  out->null_count = validity ? in.GetNullCountConst() : 0;
  out->buffers = {std::move(validity), std::move(values)};
  return out;
}

/// Like MapFixed, but fn returns false for a value that does not fit; then `*bad_index`
/// receives the first such (non-null) index and the result is nullptr.
template <typename In, typename Out, typename Fn>
Result<columnar::ArrayPtr> MapFixedChecked(const columnar::ArrayData& in, const columnar::TypePtr& to, Fn&& fn,
                                           int64_t* bad_index) {
  DELTA_ASSIGN_OR_RAISE(auto values, columnar::Buffer::Allocate(in.length * static_cast<int64_t>(sizeof(Out))));
  Out* dst = values->mutable_data_as<Out>();
  const In* src = in.length > 0 ? in.values<In>() : nullptr;
  *bad_index = -1;
  for (int64_t i = 0; i < in.length; ++i) {
    if (!fn(src[i], &dst[i]) && in.IsValid(i)) {
      *bad_index = i;
      return columnar::ArrayPtr();
    }
  }
  DELTA_ASSIGN_OR_RAISE(auto validity, ValidityAtZero(in));
  auto out = std::make_shared<columnar::ArrayData>();
  out->type = to;
  out->length = in.length;
  out->null_count = validity ? in.GetNullCountConst() : 0;
  out->buffers = {std::move(validity), std::move(values)};
  return out;
}

/// 10^n for n in 0..38.
__int128 Pow10(int n);

}  // namespace delta::schema::internal

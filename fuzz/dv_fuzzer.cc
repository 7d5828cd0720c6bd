// libFuzzer target for deletion vector decoding. Byte 0 selects the path:
//   0: DeletedRows::Deserialize of the rest (the RoaringBitmapArray bytes, magic included);
//   1: byte 1 picks the offset (1 + byte % 64); the bytes after it are a whole DV file for
//      DecodeDeletionVectorFile, with the descriptor's size and cardinality taken from the file
//      (so only the checksum and the bitmap itself can fail);
//   2: DecodeInlineDeletionVector of the rest as Z85 text (sizeInBytes from the decoded length).
// Checks memory safety, and that a decoded bitmap agrees with itself: ToVector, Contains and
// ClearDeleted over a window must describe the same set, and the cardinality must match.
// Seeds: fuzz/corpus/dv/ (real DV payloads from Delta tables, with the mode byte prepended).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "delta/dv/deletion_vector.h"

namespace {

void Check(const delta::dv::DeletedRows& rows, const uint8_t* data, size_t size) {
  if (rows.cardinality() > 200000) return;  // runs may describe many rows in few bytes
  std::vector<uint64_t> all = rows.ToVector();
  if (static_cast<int64_t>(all.size()) != rows.cardinality()) std::abort();
  for (size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && all[i] <= all[i - 1]) std::abort();
    if (!rows.Contains(all[i])) std::abort();
  }
  // A window starting near a deleted row (or near 0), of up to 4096 rows.
  uint64_t first = all.empty() ? 0 : all[(size > 1 ? data[1] : 0) % all.size()];
  first -= std::min<uint64_t>(first, size > 2 ? data[2] : 0);
  int64_t n = 1 + (size > 3 ? (data[3] * 16) : 0);
  std::vector<uint8_t> keep(static_cast<size_t>((n + 7) / 8), 0xFF);
  rows.ClearDeleted(first, n, keep.data());
  for (int64_t i = 0; i < n; ++i) {
    bool kept = (keep[static_cast<size_t>(i >> 3)] >> (i & 7)) & 1;
    if (kept == rows.Contains(first + static_cast<uint64_t>(i))) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::span<const uint8_t> rest(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      auto rows = delta::dv::DeletedRows::Deserialize(rest);
      if (rows.ok()) Check(*rows, data, size);
      break;
    }
    case 1: {
      if (rest.empty()) break;
      std::span<const uint8_t> file = rest.subspan(1);
      delta::dv::DeletionVectorDescriptor d;
      d.storage_type = "u";
      d.offset = 1 + rest[0] % 64;
      size_t off = static_cast<size_t>(*d.offset);
      bool bitmap_ok = false;
      if (off + 4 <= file.size()) {
        uint32_t dv_size = (uint32_t{file[off]} << 24) | (uint32_t{file[off + 1]} << 16) |
                           (uint32_t{file[off + 2]} << 8) | uint32_t{file[off + 3]};
        d.size_in_bytes = static_cast<int32_t>(dv_size);
        if (dv_size <= file.size() - off - 4) {
          auto rows = delta::dv::DeletedRows::Deserialize(file.subspan(off + 4, dv_size));
          bitmap_ok = rows.ok();
          if (bitmap_ok) d.cardinality = rows->cardinality();
        }
      }
      auto decoded = delta::dv::DecodeDeletionVectorFile(file, d);
      if (decoded.ok()) {
        if (!bitmap_ok || decoded->cardinality() != d.cardinality) std::abort();
        Check(*decoded, data, size);
      }
      break;
    }
    default: {
      std::string_view text(reinterpret_cast<const char*>(rest.data()), rest.size());
      auto decoded = delta::dv::Z85Decode(text);
      delta::dv::DeletionVectorDescriptor d;
      d.storage_type = "i";
      d.path_or_inline_dv = std::string(text);
      d.size_in_bytes = decoded.ok() ? static_cast<int32_t>(decoded->size()) : 0;
      if (decoded.ok()) {
        auto reencoded = delta::dv::Z85Encode(*decoded);
        if (!reencoded.ok() || *reencoded != text) std::abort();
        auto rows = delta::dv::DeletedRows::Deserialize(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(decoded->data()), decoded->size()));
        if (rows.ok()) {
          d.cardinality = rows->cardinality();
          auto inl = delta::dv::DecodeInlineDeletionVector(d);
          if (!inl.ok()) std::abort();
          Check(*inl, data, size);
        }
      } else {
        (void)delta::dv::DecodeInlineDeletionVector(d);
      }
      break;
    }
  }
  return 0;
}

// Deletion vectors (PROTOCOL.md "Deletion Vectors", "Deletion Vector Descriptor Schema",
// appendix "Deletion Vector Format"): the descriptor of an add/remove action, Z85 text, the
// 64-bit portable RoaringBitmap ("RoaringBitmapArray") of deleted row indexes, and the
// stored-file framing (big-endian size, bitmap, big-endian CRC-32).
//
// Every decoder treats its input as hostile: lengths, counts and offsets are checked against the
// bytes present, errors are CorruptData saying what is wrong and where, and memory allocated is
// bounded by a small multiple of the input size (run containers are never expanded).
// Thread-safety: DeletedRows is immutable after decoding and may be shared between threads; the
// free functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "delta/util/result.h"

namespace delta::dv {

/// The `deletionVector` struct of an add/remove action, as stored in the log.
struct DeletionVectorDescriptor {
  /// 'u' (relative path from a UUID), 'p' (absolute path) or 'i' (inline).
  std::string storage_type;
  std::string path_or_inline_dv;
  /// Byte offset of the DV inside its file; absent for inline DVs (read as 0 for files).
  std::optional<int32_t> offset;
  /// Size of the serialised bitmap (magic included; for inline DVs before Z85 encoding).
  int32_t size_in_bytes = 0;
  /// Number of rows the DV deletes.
  int64_t cardinality = 0;
  /// Optional maxRowIndex: the largest row index the DV may mark (when the writer recorded it).
  std::optional<int64_t> max_row_index;

  /// PROTOCOL.md "Derived Fields": storageType + pathOrInlineDv, plus "@" + offset when the
  /// offset is present.
  std::string UniqueId() const;
};

/// Decodes Z85 (ZeroMQ RFC 32) text: 5 characters to 4 bytes, big-endian. CorruptData when the
/// length is not a multiple of 5, on a character outside the alphabet, or on a group whose value
/// exceeds 2^32 - 1.
Result<std::string> Z85Decode(std::string_view text);
/// Encodes bytes as Z85; InvalidArgument unless the size is a multiple of 4.
Result<std::string> Z85Encode(std::string_view bytes);

/// The location of a DV file, as a URI reference in the format of the `path` of add/remove
/// actions (percent-encoded; relative to the table root unless absolute), so callers resolve
/// it exactly like a data file path (storage::ResolveDataFile):
///  - 'u': "<prefix>/deletion_vector_<uuid>.bin" ("deletion_vector_<uuid>.bin" without a prefix),
///    where the prefix is the characters before the last 20 (the Z85 UUID), percent-encoded, and
///    the UUID is the 16 decoded bytes in 8-4-4-4-12 lowercase hex;
///  - 'p': pathOrInlineDv unchanged (it is already in the `path` format);
///  - 'i': InvalidArgument (an inline DV has no file).
/// CorruptData for a 'u' value shorter than 20 characters or with bad Z85, or an unknown type.
Result<std::string> DeletionVectorRelativePath(const DeletionVectorDescriptor& d);

/// The set of deleted row indexes of one data file (a 64-bit Roaring bitmap). Empty when
/// default-constructed. Immutable after construction.
class DeletedRows {
 public:
  DeletedRows() = default;

  /// Parses the Delta "RoaringBitmapArray" serialisation: little-endian magic 1681511377, then
  /// the portable 64-bit Roaring format (uint64 bucket count; per bucket a uint32 key, whose top
  /// bit must be 0, and a portable 32-bit Roaring bitmap with array, bitmap and run containers).
  /// The input must be consumed exactly. CorruptData on anything malformed (wrong magic,
  /// truncation, unsorted keys or values, cardinality mismatches, trailing bytes).
  static Result<DeletedRows> Deserialize(std::span<const uint8_t> bitmap_bytes);

  int64_t cardinality() const { return cardinality_; }
  bool empty() const { return cardinality_ == 0; }
  bool Contains(uint64_t row) const;

  /// Clears bit (row - first_row) of `keep` (Arrow validity layout: LSB-first bits, at least
  /// ceil(n / 8) bytes) for every deleted row in [first_row, first_row + n). Bits of rows that
  /// are not deleted are left as they are. Cost is proportional to the containers overlapping the
  /// range and the deleted rows in it, not to n.
  void ClearDeleted(uint64_t first_row, int64_t n, uint8_t* keep) const;

  /// All deleted rows in ascending order (tests and tools; allocates cardinality() values).
  std::vector<uint64_t> ToVector() const;

 private:
  enum class Kind : uint8_t { kArray, kBitmap, kRun };
  struct Container {
    uint64_t high48;  // row >> 16 of every row in the container
    Kind kind;
    uint32_t begin;  // index into values_ (array: values, run: start,length-1 pairs) or words_
    uint32_t count;  // array: values; run: runs; bitmap: 1024 words
  };
  Status ParseBucket(uint32_t high32, const uint8_t*& p, const uint8_t* end);
  const Container* FindContainer(uint64_t high48) const;

  std::vector<Container> containers_;  // ascending by high48
  std::vector<uint16_t> values_;
  std::vector<uint64_t> words_;
  int64_t cardinality_ = 0;
};

/// Decodes one DV stored in a DV file. `bytes_at_offset` starts at descriptor.offset inside the
/// file (the whole rest of the file, or a ranged read of at least 4 + size_in_bytes + 4 bytes):
/// a big-endian uint32 size, the bitmap (magic included), then the big-endian CRC-32 of the
/// bitmap. Checks the size against size_in_bytes, the checksum, and the decoded cardinality
/// against descriptor.cardinality. CorruptData naming what mismatched (the caller adds the file
/// name).
Result<DeletedRows> DecodeStoredDeletionVector(std::span<const uint8_t> bytes_at_offset,
                                               const DeletionVectorDescriptor& d);

/// Like DecodeStoredDeletionVector, given the whole DV file: checks the format version byte
/// (PROTOCOL.md "Deletion Vector File Storage Format": 1) and that the offset (absent reads as 0)
/// lies inside the file, then decodes the DV at the offset.
Result<DeletedRows> DecodeDeletionVectorFile(std::span<const uint8_t> file_bytes, const DeletionVectorDescriptor& d);

/// Decodes an inline ('i') DV: Z85 text of the serialised bitmap (padded to a multiple of 4
/// bytes; the first size_in_bytes bytes are the bitmap). Checks the cardinality.
/// InvalidArgument for a descriptor that is not inline; CorruptData otherwise.
Result<DeletedRows> DecodeInlineDeletionVector(const DeletionVectorDescriptor& d);

}  // namespace delta::dv

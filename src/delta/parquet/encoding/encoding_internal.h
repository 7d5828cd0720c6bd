// Private to the encoding module: constructors of the per-encoding decoders/encoders (used by
// factory.cc), shared base classes, and the DELTA_BINARY_PACKED machinery that the two
// delta byte-array encodings build on.
// Thread-safety: one decoder/encoder per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "delta/parquet/encoding/encoding.h"

namespace delta::parquet::internal {

/// Byte width of a fixed-width physical type in the decoded layout (BOOLEAN 1, FLBA
/// type_length); 0 for BYTE_ARRAY.
int FixedWidthOf(Type type, int32_t type_length);

std::unique_ptr<ValueDecoder> MakePlainDecoder(Type type, int32_t type_length);
std::unique_ptr<ValueEncoder> MakePlainEncoder(Type type, int32_t type_length);
std::unique_ptr<ValueDecoder> MakeRleBooleanDecoder();
std::unique_ptr<ValueEncoder> MakeRleBooleanEncoder();
std::unique_ptr<ValueDecoder> MakeDeltaBinaryPackedDecoder(Type type);
std::unique_ptr<ValueEncoder> MakeDeltaBinaryPackedEncoder(Type type);
std::unique_ptr<ValueDecoder> MakeDeltaLengthByteArrayDecoder();
std::unique_ptr<ValueEncoder> MakeDeltaLengthByteArrayEncoder();
/// BYTE_ARRAY (type_length ignored) or FIXED_LEN_BYTE_ARRAY.
std::unique_ptr<ValueDecoder> MakeDeltaByteArrayDecoder(Type type, int32_t type_length);
std::unique_ptr<ValueEncoder> MakeDeltaByteArrayEncoder(Type type, int32_t type_length);
/// width: bytes per value (4, 8 or the FLBA type_length).
std::unique_ptr<ValueDecoder> MakeByteStreamSplitDecoder(int width);
std::unique_ptr<ValueEncoder> MakeByteStreamSplitEncoder(int width);

/// Base for decoders of fixed-width types: DecodeByteArrays is a caller error.
class FixedValueDecoder : public ValueDecoder {
 public:
  Status DecodeByteArrays(int64_t n, ByteArraySink* sink) override;
};
/// Base for BYTE_ARRAY decoders: Decode is a caller error.
class ByteArrayValueDecoder : public ValueDecoder {
 public:
  Status Decode(uint8_t* out, int64_t n) override;
};

/// Calls fn(ptr, len) for each of n values of Arrow-layout offsets + data.
template <typename Fn>
inline void ForEachByteArray(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n, Fn&& fn) {
  if (large_offsets) {
    const int64_t* o = static_cast<const int64_t*>(offsets);
    for (int64_t i = 0; i < n; ++i) fn(data + o[i], o[i + 1] - o[i]);
  } else {
    const int32_t* o = static_cast<const int32_t*>(offsets);
    for (int64_t i = 0; i < n; ++i) fn(data + o[i], static_cast<int64_t>(o[i + 1]) - o[i]);
  }
}

// ---------------------------------------------------------------- DELTA_BINARY_PACKED core
/// Streaming DELTA_BINARY_PACKED decoder for T = int32_t or int64_t (Encodings.md "Delta
/// Encoding"). Decodes 32 values per step (a miniblock holds a multiple of 32 values, so groups
/// never straddle miniblocks) into a small buffer; never allocates.
template <typename T>
class DeltaBitPackDecoder {
 public:
  /// Parses the header. CorruptData for an invalid header (block size not a positive multiple
  /// of 128, miniblock count not dividing it into multiples of 32, a total count the bytes
  /// cannot hold).
  Status Init(const uint8_t* data, int64_t len);
  /// Values announced by the header not yet returned.
  int64_t values_left() const { return values_left_; }
  int64_t total_values() const { return total_values_; }
  /// Decodes n <= values_left() values. CorruptData for a miniblock bit width larger than 64
  /// (INT32 accepts up to 64: values wrap mod 2^32), or miniblock bytes missing.
  Status Get(T* out, int64_t n);
  /// Like Get, discarding the values.
  Status Skip(int64_t n);
  /// After all values have been read: the position right after the encoded stream (the rest of
  /// the last miniblock and of its block skipped as the spec describes).
  Result<const uint8_t*> EndOfStream();

 private:
  using U = std::make_unsigned_t<T>;
  static constexpr int kTypeBits = 8 * sizeof(T);
  Status NextBlock();
  Status NextGroup();
  void UnpackGroup(const uint8_t* in, int w);
  const uint8_t* pos_ = nullptr;
  const uint8_t* end_ = nullptr;
  int64_t block_size_ = 0;
  int64_t miniblocks_ = 0;
  int64_t values_per_mini_ = 0;
  int64_t total_values_ = 0;
  int64_t values_left_ = 0;
  bool first_pending_ = false;
  U last_ = 0;
  U min_delta_ = 0;
  const uint8_t* widths_ = nullptr;  // bit widths of the current block's miniblocks
  int64_t mini_index_ = 0;           // current miniblock within the block
  int64_t mini_values_left_ = 0;     // values of the current miniblock not yet unpacked
  const uint8_t* mini_end_ = nullptr;  // end of the current miniblock's bytes (full size)
  bool in_block_ = false;
  U buf_[32] = {};
  int buf_pos_ = 0;
  int buf_len_ = 0;
};

extern template class DeltaBitPackDecoder<int32_t>;
extern template class DeltaBitPackDecoder<int64_t>;

/// Appends the DELTA_BINARY_PACKED encoding of values[0..n) to out (block size 128, 4
/// miniblocks of 32 values).
template <typename T>
void DeltaBitPackEncode(const T* values, int64_t n, std::string* out);
extern template void DeltaBitPackEncode<int32_t>(const int32_t*, int64_t, std::string*);
extern template void DeltaBitPackEncode<int64_t>(const int64_t*, int64_t, std::string*);

/// Decodes a whole DELTA_BINARY_PACKED INT32 stream of at most max_values values (lengths of
/// the delta byte-array encodings) into out; *end is set past the stream. CorruptData if the
/// stream declares more than max_values values or is malformed.
Status DecodeDeltaLengths(const uint8_t* data, int64_t len, int64_t max_values, std::vector<int32_t>* out,
                          const uint8_t** end);

}  // namespace delta::parquet::internal

// Parquet value and level encodings (apache/parquet-format Encodings.md): the decoder and encoder
// interfaces the column readers and writers use. One implementation file per encoding.
//
// Decoders work on one data page's value section at a time and produce *physical* values:
//   BOOLEAN               -> one byte per value (0 or 1)
//   INT32 / FLOAT         -> 4 bytes little-endian per value
//   INT64 / DOUBLE        -> 8 bytes
//   INT96                 -> 12 bytes
//   FIXED_LEN_BYTE_ARRAY  -> type_length bytes per value
//   BYTE_ARRAY            -> appended to a ByteArraySink (Arrow-layout offsets + data)
// Every decoder is hardened for hostile input: lengths are checked against the page bytes, bit
// widths against their legal range; a violation is CorruptData (the caller adds file/column).
// Thread-safety: one decoder/encoder per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "delta/columnar/buffer.h"
#include "delta/parquet/thrift/parquet_types.h"
#include "delta/util/result.h"

namespace delta::parquet {

/// Where BYTE_ARRAY values go: Arrow-layout offsets (int32 or int64) and a data buffer.
/// The sink starts with the initial offset already present (offsets.size() == width).
class ByteArraySink {
 public:
  explicit ByteArraySink(bool large_offsets = false);
  bool large_offsets() const { return large_; }
  /// Appends one value (checks that int32 offsets do not overflow: CorruptData/Unsupported).
  Status Append(const uint8_t* data, int64_t len);
  /// Reserve room for n more values and `bytes` more data bytes.
  Status Reserve(int64_t n, int64_t bytes);
  int64_t length() const;
  int64_t data_size() const { return data_.size(); }
  /// Appends an empty value (for nulls).
  Status AppendEmpty();
  columnar::BufferBuilder& offsets() { return offsets_; }
  columnar::BufferBuilder& data() { return data_; }

 private:
  bool large_;
  columnar::BufferBuilder offsets_;
  columnar::BufferBuilder data_;
};

// ---------------------------------------------------------------- RLE / bit-packed hybrid
/// The RLE/bit-packing hybrid of Encodings.md (definition/repetition levels, dictionary indices,
/// RLE-encoded booleans). Data given WITHOUT the 4-byte length prefix (the caller strips it).
class RleBitPackedDecoder {
 public:
  RleBitPackedDecoder() = default;
  /// bit_width must be 0..32 (CorruptData otherwise, reported by the first GetBatch).
  void Reset(const uint8_t* data, int64_t len, int bit_width);
  /// Decodes up to n values; returns how many were decoded (fewer than n only when the data
  /// ends). A bit_width of 0 yields zeros.
  Result<int64_t> GetBatch(uint32_t* out, int64_t n);
  Result<int64_t> GetBatch(int16_t* out, int64_t n);
  /// Like GetBatch but with each value checked < max_value (dictionary indices). CorruptData
  /// naming the index and dictionary size otherwise.
  Result<int64_t> GetIndices(uint32_t* out, int64_t n, uint32_t max_value);

 private:
  struct State;
  const uint8_t* data_ = nullptr;
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  // run state
  int64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  int64_t packed_left_ = 0;  // values left in the current bit-packed run
  const uint8_t* packed_ptr_ = nullptr;
  int64_t packed_pos_ = 0;  // value index within the current bit-packed run
  template <typename T>
  Result<int64_t> GetBatchImpl(T* out, int64_t n);
  Status NextRun();
};

/// Decodes the old BIT_PACKED level encoding (MSB-first, deprecated) into int16 levels.
Status DecodeBitPackedLevels(const uint8_t* data, int64_t len, int bit_width, int64_t n, int16_t* out);

class RleBitPackedEncoder {
 public:
  explicit RleBitPackedEncoder(int bit_width);
  void Put(uint32_t value);
  void PutBatch(const int16_t* values, int64_t n);
  void PutBatch(const uint32_t* values, int64_t n);
  /// Flushes and returns the encoded bytes (no length prefix); the encoder is reset.
  std::string Finish();
  int64_t EstimatedSize() const;

 private:
  void FlushRun();
  void FlushLiterals(bool final);
  int bit_width_;
  std::string out_;
  uint32_t buffered_[8] = {};
  int num_buffered_ = 0;
  uint32_t current_ = 0;
  int64_t repeat_count_ = 0;
  int64_t literal_count_ = 0;
  size_t literal_indicator_pos_ = std::string::npos;
  std::string literal_bytes_;
};

// ---------------------------------------------------------------- value decoders
class ValueDecoder {
 public:
  virtual ~ValueDecoder() = default;
  /// Starts a new page: `num_values` non-null values are encoded in [data, data+len).
  virtual Status SetData(int64_t num_values, const uint8_t* data, int64_t len) = 0;
  /// Fixed-width physical types: writes n values (layout above) to out.
  virtual Status Decode(uint8_t* out, int64_t n) = 0;
  /// BYTE_ARRAY: appends n values to sink.
  virtual Status DecodeByteArrays(int64_t n, ByteArraySink* sink) = 0;
  /// Skips n values.
  virtual Status Skip(int64_t n) = 0;
};

/// A decoder for `encoding` of physical type `type` (type_length for FIXED_LEN_BYTE_ARRAY).
/// Dictionary encodings are NOT created here (see DictionaryIndexDecoder). Unsupported for an
/// unknown or inapplicable (encoding, type) pair, naming both.
Result<std::unique_ptr<ValueDecoder>> MakeValueDecoder(Encoding encoding, Type type, int32_t type_length);

/// Dictionary-encoded data pages: the first byte is the index bit width, then RLE/bit-packed
/// indices. Produces indices checked against dict_size.
class DictionaryIndexDecoder {
 public:
  Status SetData(int64_t num_values, const uint8_t* data, int64_t len, int64_t dict_size);
  Result<int64_t> GetIndices(uint32_t* out, int64_t n);

 private:
  RleBitPackedDecoder rle_;
  uint32_t dict_size_ = 0;
};

// ---------------------------------------------------------------- value encoders
/// Encoders accumulate values of one page; Finish() returns the page's value bytes.
class ValueEncoder {
 public:
  virtual ~ValueEncoder() = default;
  /// Fixed-width physical values in the layout above.
  virtual void Put(const uint8_t* values, int64_t n) = 0;
  /// BYTE_ARRAY values: n values from Arrow-layout offsets (int32 or int64) + data.
  virtual void PutByteArrays(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n) = 0;
  virtual void PutByteArray(const uint8_t* data, int64_t len) = 0;
  virtual int64_t EstimatedSize() const = 0;
  virtual std::string Finish() = 0;
};

/// PLAIN, DELTA_BINARY_PACKED (INT32/INT64), DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY
/// (BYTE_ARRAY/FLBA), BYTE_STREAM_SPLIT (FLOAT/DOUBLE/INT32/INT64/FLBA), RLE (BOOLEAN).
Result<std::unique_ptr<ValueEncoder>> MakeValueEncoder(Encoding encoding, Type type, int32_t type_length);

}  // namespace delta::parquet

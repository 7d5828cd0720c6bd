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
#include <vector>

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
  /// Appends one value (copies the bytes). CorruptData for a negative len or when int32 offsets
  /// would overflow; OutOfMemory if growing fails.
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
  /// bit_width must be 0..32 (CorruptData otherwise, reported by the first GetBatch). The data
  /// is borrowed: it must stay valid while the decoder is used.
  void Reset(const uint8_t* data, int64_t len, int bit_width);
  /// Decodes up to n values; returns how many were decoded (fewer than n only when the data
  /// ends). A bit_width of 0 yields zeros. CorruptData for a truncated run header or RLE value.
  /// A bit-packed run whose header claims more values than there are bytes yields the values
  /// the bytes hold.
  Result<int64_t> GetBatch(uint32_t* out, int64_t n);
  Result<int64_t> GetBatch(int16_t* out, int64_t n);
  /// Booleans (bit width 1) as one byte per value.
  Result<int64_t> GetBatch(uint8_t* out, int64_t n);
  /// Like GetBatch but with each value checked < max_value (dictionary indices). CorruptData
  /// naming the index and dictionary size otherwise.
  Result<int64_t> GetIndices(uint32_t* out, int64_t n, uint32_t max_value);

 private:
  const uint8_t* data_ = nullptr;
  const uint8_t* end_ = nullptr;
  int bit_width_ = 0;
  // run state
  int64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  int64_t packed_left_ = 0;  // values left in the current bit-packed run (bounded by its bytes)
  const uint8_t* packed_ptr_ = nullptr;  // start of the current bit-packed run's values
  int64_t packed_len_ = 0;               // bytes of the current run present in the data
  int64_t packed_pos_ = 0;  // value index within the current bit-packed run
  uint32_t buf_[32] = {};   // a decoded group of 32 (serves batches smaller than a group)
  int buf_pos_ = 0;
  int buf_len_ = 0;
  template <typename T>
  Result<int64_t> GetBatchImpl(T* out, int64_t n);
  Status NextRun();
};

/// Decodes the old BIT_PACKED level encoding (MSB-first, deprecated) into int16 levels.
Status DecodeBitPackedLevels(const uint8_t* data, int64_t len, int bit_width, int64_t n, int16_t* out);

/// Encodes the RLE/bit-packing hybrid: runs of >= 8 equal values become RLE runs, the rest
/// bit-packed groups of 8 (the last group zero-padded). bit_width must be 0..32; values wider
/// than bit_width are truncated to it.
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
  void FlushBuffered();
  void FlushLiterals();
  int bit_width_;
  std::string out_;
  uint32_t buffered_[8] = {};
  int num_buffered_ = 0;
  uint32_t current_ = 0;
  int64_t repeat_count_ = 0;   // consecutive values equal to current_ not yet written
  int64_t literal_count_ = 0;     // values in the open bit-packed run (a multiple of 8)
  size_t literal_header_pos_ = 0;  // where in out_ the open run's header byte is reserved
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

// ---------------------------------------------------------------- dictionary encoding (writer)
/// Builds the dictionary of one column chunk (Encodings.md "Dictionary Encoding") for any
/// physical type: fixed-width values (layout above; FIXED_LEN_BYTE_ARRAY uses type_length) or
/// BYTE_ARRAY values. Each Put appends the values' dictionary indices to an internal index list
/// the writer turns into a data page with FlushIndices(); the dictionary itself (PLAIN bytes for
/// the dictionary page) persists until Reset(). Values are compared byte-wise (so -0.0 and 0.0,
/// or NaNs with different payloads, are distinct entries). Values are copied into an internal
/// arena; callers keep ownership of their input.
class DictionaryEncoder {
 public:
  DictionaryEncoder(Type type, int32_t type_length);
  ~DictionaryEncoder();
  DictionaryEncoder(const DictionaryEncoder&) = delete;
  DictionaryEncoder& operator=(const DictionaryEncoder&) = delete;

  Type type() const { return type_; }
  /// Fixed-width physical types: n values of value_width() bytes each.
  void Put(const uint8_t* values, int64_t n);
  /// BYTE_ARRAY: n values from Arrow-layout offsets (int32 or int64; n+1 entries) + data.
  void PutByteArrays(const void* offsets, bool large_offsets, const uint8_t* data, int64_t n);
  void PutByteArray(const uint8_t* data, int64_t len);

  /// Bytes per fixed-width value (0 for BYTE_ARRAY).
  int value_width() const { return width_; }
  /// Number of distinct entries so far.
  int64_t num_entries() const { return num_entries_; }
  /// Size in bytes of the PLAIN-encoded dictionary page (what the writer compares to its limit).
  int64_t dict_encoded_size() const;
  /// Indices of the values put since the last FlushIndices().
  const std::vector<uint32_t>& indices() const { return indices_; }
  /// Bit width an index page needs for the current dictionary.
  int index_bit_width() const;
  /// Encodes the pending indices as a dictionary data page's value bytes (1 byte bit width, then
  /// the RLE/bit-packing hybrid) and clears them; the dictionary is kept.
  std::string FlushIndices();
  /// Drops the pending indices without encoding them (e.g. after falling back to PLAIN).
  void ClearIndices() { indices_.clear(); }
  /// The dictionary page's bytes: the entries PLAIN-encoded in index order.
  std::string DictionaryPage() const;
  /// Writes DictionaryPage() into out (dict_encoded_size() bytes).
  void WriteDictionaryPage(uint8_t* out) const;
  /// Forgets all entries and indices.
  void Reset();

 private:
  struct Impl;
  Type type_;
  int width_;
  int64_t num_entries_ = 0;
  std::vector<uint32_t> indices_;
  std::unique_ptr<Impl> impl_;
};

// ---------------------------------------------------------------- bulk helpers (reader)
/// Dictionary gather for fixed-width values: out[i] = dict[indices[i]] for n values of `width`
/// bytes; dict holds dict_size bytes (dict_size / width entries). CorruptData if an index is out
/// of range (checked for the whole batch before anything is written).
Status GatherFixed(const uint8_t* dict, int64_t dict_size, int width, const uint32_t* indices, int64_t n,
                   uint8_t* out);
/// Dictionary gather for BYTE_ARRAY values: appends dictionary entries indices[0..n) to sink.
/// The dictionary is stored Arrow-style: dict_count+1 offsets (int32 or int64) into dict_data,
/// e.g. the offsets()/data() of a ByteArraySink the dictionary page was PLAIN-decoded into.
/// CorruptData for an index >= dict_count; CorruptData if int32 sink offsets would overflow.
Status GatherByteArrays(const int32_t* dict_offsets, const uint8_t* dict_data, int64_t dict_count,
                        const uint32_t* indices, int64_t n, ByteArraySink* sink);
Status GatherByteArrays(const int64_t* dict_offsets, const uint8_t* dict_data, int64_t dict_count,
                        const uint32_t* indices, int64_t n, ByteArraySink* sink);

}  // namespace delta::parquet
